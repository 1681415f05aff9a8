#include "harness/load/load_connection.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <cstring>

#include "harness/load/echo_payload.hpp"
#include "harness/load/load_worker.hpp"
#include "harness/net/deadline.hpp"
#include "harness/net/http_exchange.hpp"
#include "harness/net/tcp_stream.hpp"
#include "harness/net/tls_stream.hpp"
#include "harness/net/transport_error.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/mask.hpp"

namespace wsprobe::load {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

// A write batch stops growing here; what is still due leaves in the next write.
constexpr std::size_t max_batch_bytes = 256 * 1024;
// The read buffer starts small (idle connections cost little) and doubles, up to the maximum,
// whenever a read fills it.
constexpr std::size_t initial_read_buffer = 4 * 1024;
constexpr std::size_t max_read_buffer = 256 * 1024;
// After our close frame, how long the peer has to answer before the socket is closed.
constexpr auto close_wait = std::chrono::milliseconds(250);

std::uint64_t micros(clock::duration d) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  return ns > 0 ? static_cast<std::uint64_t>(ns) / 1000 : 0;
}

std::uint64_t nanos_since(clock::time_point epoch, clock::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t - epoch).count();
  return ns > 0 ? static_cast<std::uint64_t>(ns) : 0;
}

}  // namespace

load_connection::load_connection(load_worker& worker, std::size_t id)
    : w_(worker),
      id_(id),
      timer_(worker.ctx_),
      decoder_(wire::decoder_options{.local_role = wire::role::client}) {}

void load_connection::wake() {
  if (waiting_) timer_.cancel();
}

void load_connection::abort() {
  if (stream_ != nullptr) {
    stream_->close();
  } else if (opening_ != nullptr) {
    opening_->close();
  } else if (connecting_ != nullptr) {
    boost::system::error_code ignored;
    connecting_->close(ignored);
  }
}

void load_connection::fail(error_kind kind) {
  if (failed_) return;
  failed_ = true;
  w_.stats_.error(kind);
  wake();
}

void load_connection::fail_opening(error_kind kind) {
  // Cut short by the end of the run: it did not open in time.
  fail(w_.drained_ ? error_kind::timeout : kind);
}

asio::awaitable<void> load_connection::wait_until(clock::time_point when) {
  timer_.expires_at(when);
  waiting_ = true;
  boost::system::error_code ec;
  co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiting_ = false;
}

asio::awaitable<bool> load_connection::open() {
  const auto& o = w_.options_;
  const auto started = clock::now();
  // Opening never outlives the run: it is cut at the end of the drain.
  const auto give_up = std::min(started + o.connect_timeout, w_.end_ + o.drain);
  const auto remaining = [&] { return std::max(give_up - clock::now(), clock::duration::zero()); };
  const auto& target = w_.targets_[id_ % w_.targets_.size()];
  boost::system::error_code ec;

  tcp::socket socket(w_.ctx_);
  socket.open(target.protocol(), ec);
  if (!ec && !o.source_ips.empty()) {
    const auto& source = o.source_ips[id_ % o.source_ips.size()];
    // Bind the address only; the port is chosen at connect time, per destination, so that
    // many connections from one address do not exhaust the ephemeral ports (Linux >= 4.2).
    const int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(tcp::endpoint(source, 0), ec);
  }
  if (ec) {
    fail_opening(error_kind::connect_failed);
    co_return false;
  }

  net::deadline deadline(w_.ctx_.get_executor());
  deadline.arm(remaining(), [&socket] {
    boost::system::error_code ignored;
    socket.cancel(ignored);
  });
  connecting_ = &socket;
  co_await socket.async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
  connecting_ = nullptr;
  if (deadline.disarm()) {
    fail_opening(error_kind::timeout);
    co_return false;
  }
  if (ec) {
    fail_opening(ec == asio::error::connection_refused ? error_kind::connect_refused
                                                       : error_kind::connect_failed);
    co_return false;
  }
  socket.set_option(tcp::no_delay(true), ec);

  std::unique_ptr<net::byte_stream> stream;
  try {
    if (o.url.secure) {
      auto tls = std::make_unique<net::tls_stream>(std::move(socket), w_.tls_);
      opening_ = tls.get();
      co_await net::with_deadline(*tls, remaining(), "TLS handshake",
                                  tls->handshake_client(o.url.host));
      opening_ = nullptr;
      stream = std::move(tls);
    } else {
      stream = std::make_unique<net::tcp_stream>(std::move(socket));
    }
  } catch (const net::transport_error& e) {
    opening_ = nullptr;
    fail_opening(e.code() == asio::error::timed_out ? error_kind::timeout
                                                    : error_kind::handshake_failed);
    co_return false;
  } catch (const std::exception&) {
    opening_ = nullptr;
    fail_opening(error_kind::handshake_failed);
    co_return false;
  }
  const auto connected = clock::now();
  w_.connect_.record(micros(connected - started));

  conn_ = std::make_unique<net::conn>(std::move(stream));
  stream_ = &conn_->stream();
  try {
    // A fresh Sec-WebSocket-Key, and the 101 checked against it (RFC 6455 §4.1).
    auto handshake = co_await net::open_websocket(*conn_, o.url, remaining());
    if (!handshake.ok()) {
      fail_opening(handshake.answer.status == net::read_status::timeout
                       ? error_kind::timeout
                       : error_kind::handshake_failed);
      co_return false;
    }
  } catch (const std::exception&) {
    fail_opening(error_kind::handshake_failed);
    co_return false;
  }
  w_.upgrade_.record(micros(clock::now() - connected));
  co_return true;
}

asio::awaitable<void> load_connection::run() {
  const bool opened = co_await open();
  --w_.pending_handshakes_;
  if (!opened) {
    w_.stats_.connect_errors.add();
    abort();
    finished_ = true;
    co_return;
  }
  up_ = true;
  w_.stats_.connections_up.add();
  w_.stats_.connections_established.add();
  w_.last_up_ = std::max(w_.last_up_, clock::now());

  const auto& o = w_.options_;
  const auto now = clock::now();
  if (o.model == load_model::open_loop) {
    // Each connection sends rate / connections, its schedule shifted by its share of one period
    // so that the connections' sends interleave instead of bunching.
    const double per_connection = o.rate / static_cast<double>(o.connections);
    const double phase = static_cast<double>(id_) / static_cast<double>(o.connections);
    const auto offset = std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>(phase / per_connection));
    schedule_.emplace(std::max(now, w_.timing_.epoch) + offset, per_connection);
  } else if (o.model == load_model::closed_loop) {
    credits_ = o.in_flight;
  } else {
    next_ping_ = now + o.ping_interval;
  }

  rbuf_.resize(initial_read_buffer);
  asio::co_spawn(w_.ctx_, read_loop(), asio::detached);
  co_await write_loop();

  // Close politely when we can: a close frame, then a short wait for the peer's answer.
  if (!failed_ && !peer_gone_) {
    closing_ = true;
    std::uint8_t code[2] = {0x03, 0xE8};  // 1000 normal closure
    append_frame(wire::opcode::close, 2,
                 [&](std::uint8_t* out) { std::memcpy(out, code, sizeof code); });
    if (co_await flush()) {
      const auto until = clock::now() + close_wait;
      while (!peer_gone_ && clock::now() < until) co_await wait_until(until);
    }
  }
  closing_ = true;
  abort();

  if (o.model == load_model::open_loop && schedule_) {
    w_.scheduled_ += schedule_->count_in(std::max(w_.timing_.window_start, schedule_->start()),
                                         std::max(w_.end_, w_.timing_.window_start));
  }
  const auto lost = verifier_.lost(sent_);
  if (lost != 0) w_.stats_.error(error_kind::lost, lost);
  w_.stats_.connections_up.sub();
  finished_ = true;
}

template <typename Fill>
void load_connection::append_frame(std::uint8_t opcode, std::size_t size, Fill fill) {
  const std::size_t need = wlen_ + wire::max_header_size + size;
  if (wbuf_.size() < need) wbuf_.resize(std::max(need, wbuf_.size() * 2));
  wire::frame_spec spec;
  spec.opcode = opcode;
  spec.mask = w_.keys_.next();  // a fresh key for every frame (RFC 6455 §5.3)
  std::uint8_t* out = wbuf_.data() + wlen_;
  const std::size_t header = wire::write_header(out, spec, size);
  std::uint8_t* payload = out + header;
  fill(payload);
  wire::apply_mask(std::span<std::uint8_t>(payload, size), *spec.mask);
  wlen_ += header + size;
}

void load_connection::append_message(std::uint64_t seq, clock::time_point intended) {
  const auto& o = w_.options_;
  const std::size_t size = payload_size(o.payload, seq);
  const stamp s{seq, nanos_since(w_.timing_.epoch, intended)};
  append_frame(o.payload.text ? wire::opcode::text : wire::opcode::binary, size,
               [&](std::uint8_t* out) { fill_payload(o.payload, s, out); });
  ++sent_;
  auto& stats = w_.stats_;
  stats.sent_all.add();
  if (intended >= w_.timing_.window_start && intended < w_.end_) {
    stats.messages_sent.add();
    stats.bytes_sent.add(size);
  }
}

asio::awaitable<bool> load_connection::flush() {
  if (wlen_ == 0) co_return true;
  try {
    co_await stream_->write(std::span<const std::uint8_t>(wbuf_.data(), wlen_));
  } catch (const boost::system::system_error& e) {
    if (!closing_ && !peer_gone_) {
      fail(e.code() == asio::error::eof || e.code() == asio::error::broken_pipe ||
                   e.code() == asio::error::connection_reset
               ? error_kind::closed_by_server
               : error_kind::io_error);
    }
    wlen_ = 0;
    co_return false;
  }
  wlen_ = 0;
  co_return true;
}

asio::awaitable<void> load_connection::write_loop() {
  const auto& o = w_.options_;
  auto& stats = w_.stats_;
  for (;;) {
    if (failed_ || peer_gone_) break;
    const auto now = clock::now();
    if (o.model == load_model::open_loop) {
      // Everything due now leaves, each message stamped with its own intended time; a writer
      // that wakes after the end still owes the messages meant for before it.
      const auto due = schedule_->due_by(std::min(now, w_.end_ - clock::duration(1)));
      while (sent_ < due && wlen_ < max_batch_bytes) {
        append_message(sent_, schedule_->intended(sent_));
      }
    }
    if (now >= w_.end_) {
      // Sending is over; answer pings until the worker says the drain is over.
      if (wlen_ == 0 && !pong_due_) {
        if (w_.drained_) break;
        co_await wait_until(w_.end_ + o.drain);
        continue;
      }
    } else if (o.model == load_model::closed_loop) {
      for (; credits_ > 0 && wlen_ < max_batch_bytes; --credits_) append_message(sent_, now);
    } else if (o.model == load_model::idle && now >= next_ping_) {
      const std::uint64_t t = nanos_since(w_.timing_.epoch, now);
      append_frame(wire::opcode::ping, 8, [&](std::uint8_t* out) {
        for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(t >> (8 * i));
      });
      stats.pings_sent.add();
      next_ping_ += o.ping_interval;
      if (next_ping_ <= now) next_ping_ = now + o.ping_interval;  // fell behind: no burst
    }
    if (pong_due_) {
      pong_due_ = false;
      append_frame(wire::opcode::pong, pong_size_,
                   [&](std::uint8_t* out) { std::memcpy(out, pong_.data(), pong_size_); });
    }
    if (wlen_ != 0) {
      if (!co_await flush()) break;
      continue;
    }
    auto next = w_.end_;
    if (o.model == load_model::open_loop) next = std::min(next, schedule_->intended(sent_));
    if (o.model == load_model::idle) next = std::min(next, next_ping_);
    co_await wait_until(next);
  }
}

asio::awaitable<void> load_connection::read_loop() {
  auto leftover = conn_->take_buffered();  // frames that came with the 101
  if (!leftover.empty()) on_bytes(leftover);
  while (!failed_) {
    std::size_t n = 0;
    try {
      n = co_await stream_->read_some(rbuf_);
    } catch (const boost::system::system_error& e) {
      if (!closing_ && !failed_ && !w_.drained_) {
        fail(e.code() == asio::error::eof || e.code() == asio::error::connection_reset
                 ? error_kind::closed_by_server
                 : error_kind::io_error);
      }
      break;
    }
    w_.stats_.bytes_read_all.add(n);
    on_bytes(std::span<std::uint8_t>(rbuf_.data(), n));
    if (n == rbuf_.size() && rbuf_.size() < max_read_buffer) rbuf_.resize(rbuf_.size() * 2);
  }
  peer_gone_ = true;
  wake();
}

void load_connection::on_bytes(std::span<std::uint8_t> bytes) {
  // Until need_more, even once every byte is used: a frame's end is reported by the call after
  // its last payload bytes.
  while (!failed_) {
    std::size_t used = 0;
    const auto event = decoder_.next(bytes, used);
    bytes = bytes.subspan(used);
    using kind = wire::frame_decoder::event_kind;
    switch (event.kind) {
      case kind::need_more:
        return;
      case kind::header:
        frame_opcode_ = decoder_.header().opcode;
        if (wire::is_control(frame_opcode_)) {
          control_size_ = 0;
        } else if (frame_opcode_ != wire::opcode::continuation) {
          message_opcode_ = frame_opcode_;
          message_.clear();  // keeps its capacity
        }
        break;
      case kind::payload:
        if (wire::is_control(frame_opcode_)) {
          const std::size_t n = std::min(event.payload.size(), control_.size() - control_size_);
          std::memcpy(control_.data() + control_size_, event.payload.data(), n);
          control_size_ += n;
        } else {
          message_.insert(message_.end(), event.payload.begin(), event.payload.end());
        }
        break;
      case kind::frame_end:
        if (wire::is_control(frame_opcode_)) {
          on_control(frame_opcode_);
        } else if (decoder_.header().fin) {
          on_message(message_opcode_);
        }
        break;
      case kind::error:
        fail(error_kind::protocol_error);
        return;
    }
  }
}

void load_connection::on_message(std::uint8_t opcode) {
  const auto& o = w_.options_;
  auto& stats = w_.stats_;
  const auto now = clock::now();
  const auto stamp = read_stamp(message_);
  const std::uint64_t seq = stamp ? stamp->seq : 0;
  const std::uint8_t expected = o.payload.text ? wire::opcode::text : wire::opcode::binary;
  const bool payload_ok = stamp && opcode == expected && check_payload(o.payload, seq, message_);
  const auto verdict = verifier_.on_echo(stamp.has_value(), seq, payload_ok, sent_);
  switch (verdict) {
    case echo_verifier::verdict::reordered:
      stats.error(error_kind::reordered);
      [[fallthrough]];
    case echo_verifier::verdict::ok: {
      const auto intended = w_.timing_.epoch + std::chrono::duration_cast<clock::duration>(
                                                   std::chrono::nanoseconds(stamp->sent_ns));
      const std::uint64_t latency = micros(now - intended);
      stats.received_all.add();
      w_.interval_.record(latency);
      if (intended >= w_.timing_.window_start && intended < w_.end_) {
        w_.latency_.record(latency);
        stats.messages_received.add();
        stats.bytes_received.add(message_.size());
      }
      break;
    }
    case echo_verifier::verdict::duplicate:
      stats.error(error_kind::duplicated);
      return;  // no credit: it was returned already
    case echo_verifier::verdict::corrupted:
      stats.error(error_kind::corrupted);
      if (!stamp) return;
      break;
  }
  if (o.model == load_model::closed_loop) {
    ++credits_;
    wake();
  }
}

void load_connection::on_control(std::uint8_t opcode) {
  auto& stats = w_.stats_;
  if (opcode == wire::opcode::ping) {
    // Answer with the same payload (RFC 6455 §5.5.3); a newer ping replaces an unanswered one.
    std::memcpy(pong_.data(), control_.data(), control_size_);
    pong_size_ = control_size_;
    pong_due_ = true;
    wake();
  } else if (opcode == wire::opcode::pong) {
    stats.pongs_received.add();
    if (control_size_ == 8) {
      std::uint64_t t = 0;
      for (int i = 7; i >= 0; --i) t = (t << 8) | control_[static_cast<std::size_t>(i)];
      const auto sent = w_.timing_.epoch +
                        std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(t));
      const auto rtt = micros(clock::now() - sent);
      w_.ping_.record(rtt);
      w_.interval_.record(rtt);
    }
  } else if (opcode == wire::opcode::close) {
    if (!closing_ && !w_.drained_) {
      fail(error_kind::closed_by_server);
    } else {
      peer_gone_ = true;  // the answer to our close (or a close after the drain)
      wake();
    }
  }
}

}  // namespace wsprobe::load
