#include "harness/net/connect.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "harness/net/deadline.hpp"
#include "harness/net/tcp_stream.hpp"
#include "harness/net/tls_stream.hpp"
#include "harness/net/transport_error.hpp"

namespace wsprobe::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string format_endpoint(const tcp::endpoint& ep) {
  return format_authority(ep.address().to_string(), ep.port());
}

long long to_ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

[[noreturn]] void throw_connect_error(const boost::system::error_code& ec,
                                      const std::string& target,
                                      std::chrono::steady_clock::duration timeout) {
  if (ec == asio::error::connection_refused) {
    throw transport_error("connection refused by " + target, ec);
  }
  if (ec == asio::error::timed_out) {
    throw transport_error(
        "connect to " + target + " timed out after " + std::to_string(to_ms(timeout)) + " ms", ec);
  }
  throw transport_error("cannot connect to " + target + ": " + describe_error(ec), ec);
}

}  // namespace

awaitable<std::unique_ptr<byte_stream>> connect(ws_url url, connect_options options) {
  auto executor = co_await asio::this_coro::executor;
  const auto started = std::chrono::steady_clock::now();
  const auto remaining = [&] {
    const auto left = options.timeout - (std::chrono::steady_clock::now() - started);
    return left > std::chrono::steady_clock::duration::zero()
               ? left
               : std::chrono::steady_clock::duration::zero();
  };

  deadline timer(executor);
  boost::system::error_code ec;

  tcp::resolver resolver(executor);
  timer.arm(remaining(), [&resolver] { resolver.cancel(); });
  auto endpoints = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                   tcp::resolver::numeric_service,
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (timer.disarm()) {
    throw transport_error("resolving '" + url.host + "' timed out after " +
                              std::to_string(to_ms(options.timeout)) + " ms",
                          asio::error::timed_out);
  }
  if (ec) throw transport_error("cannot resolve '" + url.host + "': " + describe_error(ec), ec);

  // Try each address in turn, as a browser would; report the last failure.
  tcp::socket socket(executor);
  boost::system::error_code last_error = asio::error::host_not_found;
  std::string last_target = url.authority();
  bool connected = false;
  for (const auto& entry : endpoints) {
    last_target = format_endpoint(entry.endpoint());
    boost::system::error_code close_ec;
    socket.close(close_ec);
    socket.open(entry.endpoint().protocol(), ec);
    if (ec) {
      last_error = ec;
      continue;
    }
    timer.arm(remaining(), [&socket] {
      boost::system::error_code ignored;
      socket.cancel(ignored);
    });
    ec = {};
    co_await socket.async_connect(entry.endpoint(), asio::redirect_error(asio::use_awaitable, ec));
    if (timer.disarm()) {
      last_error = asio::error::timed_out;
      break;  // the whole connect has one deadline
    }
    if (!ec) {
      connected = true;
      break;
    }
    last_error = ec;
  }
  if (!connected) throw_connect_error(last_error, last_target, options.timeout);

  if (!url.secure) co_return std::make_unique<tcp_stream>(std::move(socket));

  auto stream =
      std::make_unique<tls_stream>(std::move(socket), make_client_tls_context(options.tls));
  co_await with_deadline(*stream, remaining(), "TLS handshake", stream->handshake_client(url.host));
  co_return stream;
}

awaitable<std::unique_ptr<byte_stream>> connect(ws_url url) {
  return connect(std::move(url), connect_options{});  // a plain function, not a coroutine
}

}  // namespace wsprobe::net
