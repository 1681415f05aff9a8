#include "harness/net/conn.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <string_view>

#include "harness/net/transport_error.hpp"

namespace wsprobe::net {
namespace asio = boost::asio;

const char* to_string(read_status status) {
  switch (status) {
    case read_status::ok:
      return "ok";
    case read_status::timeout:
      return "timeout";
    case read_status::eof:
      return "eof";
    case read_status::error:
      return "error";
  }
  return "?";
}

conn::conn(std::unique_ptr<byte_stream> stream) : stream_(std::move(stream)) {}

awaitable<void> conn::write(std::span<const std::uint8_t> bytes, std::size_t chunk_size,
                            duration gap) {
  if (chunk_size == 0 || chunk_size >= bytes.size()) {
    co_await stream_->write(bytes);
    co_return;
  }
  asio::steady_timer pause(stream_->get_executor());
  for (std::size_t offset = 0; offset < bytes.size(); offset += chunk_size) {
    if (offset != 0 && gap > duration::zero()) {
      pause.expires_after(gap);
      co_await pause.async_wait(asio::use_awaitable);
    }
    co_await stream_->write(bytes.subspan(offset, std::min(chunk_size, bytes.size() - offset)));
  }
}

std::vector<std::uint8_t> conn::take_buffered() {
  std::vector<std::uint8_t> out;
  out.swap(buffer_);
  return out;
}

awaitable<read_result> conn::read(duration timeout, std::size_t max_bytes) {
  read_result result;
  if (max_bytes == 0) max_bytes = 1;
  if (!buffer_.empty()) {
    const std::size_t n = std::min(max_bytes, buffer_.size());
    result.bytes.assign(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
    co_return result;
  }
  result.bytes.resize(max_bytes);
  deadline timer(stream_->get_executor());
  timer.arm(*stream_, timeout);
  boost::system::error_code ec;
  std::string message;
  try {
    const std::size_t n = co_await stream_->read_some(result.bytes);
    timer.disarm();
    result.bytes.resize(n);
    co_return result;
  } catch (const transport_error& e) {
    ec = e.code();
    message = e.what();
  } catch (const boost::system::system_error& e) {
    ec = e.code();
    message = describe_error(ec);
  }
  const bool fired = timer.disarm();
  result.bytes.clear();
  if (fired && ec == asio::error::operation_aborted) {
    result.status = read_status::timeout;
  } else if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    // A TLS peer that closes TCP without close_notify has still closed the connection.
    result.status = read_status::eof;
  } else {
    result.status = read_status::error;
    result.error = message;
  }
  co_return result;
}

awaitable<http_head_result> conn::read_http_head(duration timeout, std::size_t max_head_size) {
  static constexpr std::string_view end_of_head = "\r\n\r\n";
  const auto until = std::chrono::steady_clock::now() + timeout;
  http_head_result result;
  std::size_t searched = 0;  // where the terminator search resumes
  std::vector<std::uint8_t> pending = take_buffered();
  for (;;) {
    const auto found = std::search(pending.begin() + static_cast<std::ptrdiff_t>(searched),
                                   pending.end(), end_of_head.begin(), end_of_head.end());
    if (found != pending.end()) {
      const auto head_end = found + static_cast<std::ptrdiff_t>(end_of_head.size());
      if (static_cast<std::size_t>(head_end - pending.begin()) > max_head_size) break;
      result.head.assign(pending.begin(), head_end);
      buffer_.assign(head_end, pending.end());
      co_return result;
    }
    if (pending.size() > max_head_size) break;
    searched = pending.size() >= 3 ? pending.size() - 3 : 0;
    const auto now = std::chrono::steady_clock::now();
    read_result more = co_await read(until > now ? until - now : duration::zero());
    if (more.status != read_status::ok) {
      result.status = more.status;
      result.error = more.error;
      buffer_ = std::move(pending);  // keep what came for diagnostics
      co_return result;
    }
    pending.insert(pending.end(), more.bytes.begin(), more.bytes.end());
  }
  result.status = read_status::error;
  result.error = "HTTP head larger than " + std::to_string(max_head_size) + " bytes";
  buffer_ = std::move(pending);
  co_return result;
}

awaitable<void> conn::shutdown_send() {
  try {
    co_await stream_->shutdown_send();
  } catch (const boost::system::system_error&) {
    // The peer may already have closed; a half-close then has nothing left to do.
  }
}

}  // namespace wsprobe::net
