// The I/O driver of our own reference echo server: accepts TCP (or TLS) connections and runs one
// coroutine per connection that moves bytes between the socket and a server_session. Protocol
// decisions are the session's; this file only adds what needs a clock or a socket: the handshake
// deadline, the lingering close, and shutdown on SIGINT/SIGTERM.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <set>

#include "harness/net/byte_stream.hpp"
#include "harness/net/listener.hpp"
#include "harness/net/tcp_stream.hpp"
#include "harness/net/tls_context.hpp"
#include "harness/net/tls_stream.hpp"
#include "harness/reference/faults.hpp"
#include "harness/reference/server_config.hpp"
#include "harness/reference/server_session.hpp"

namespace wsprobe::reference {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// From accept to the end of the opening handshake (TLS included): a slow or silent client is
// dropped after this, so that it cannot hold a connection slot forever.
constexpr auto handshake_deadline = 10s;
// After the server's FIN, how long it keeps reading (and discarding) before closing, so that
// unread client bytes do not turn the close into a reset that could destroy the close frame.
constexpr auto linger_deadline = 2s;
constexpr std::size_t read_buffer_size = 16 * 1024;

struct server_state {
  session_options options;
  std::shared_ptr<asio::ssl::context> tls;
  std::set<net::byte_stream*> connections;  // open ones, closed on shutdown
  bool stopping = false;
};

// Closes `stream` when the timer fires, unless the connection has gone already.
void close_on_expiry(asio::steady_timer& timer, const std::shared_ptr<net::byte_stream>& stream,
                     std::chrono::steady_clock::duration after) {
  timer.expires_after(after);
  timer.async_wait([weak = std::weak_ptr<net::byte_stream>(stream)](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the deadline was met
    if (auto s = weak.lock()) s->close();
  });
}

// Sends FIN, then discards what the client still sends until it closes or the linger deadline
// passes, then closes.
net::awaitable<void> close_gracefully(const std::shared_ptr<net::byte_stream>& stream,
                                      std::span<std::uint8_t> buffer) {
  asio::steady_timer timer(stream->get_executor());
  close_on_expiry(timer, stream, linger_deadline);
  try {
    co_await stream->shutdown_send();
    for (;;) co_await stream->read_some(buffer);
  } catch (const std::exception&) {
    // EOF, reset, or closed by the timer: the connection is over either way.
  }
  timer.cancel();
  stream->close();
}

net::awaitable<void> serve_connection(tcp::socket socket, server_state& server) {
  std::shared_ptr<net::byte_stream> stream;
  if (server.tls) {
    stream = std::make_shared<net::tls_stream>(std::move(socket), server.tls);
  } else {
    stream = std::make_shared<net::tcp_stream>(std::move(socket));
  }
  server.connections.insert(stream.get());
  struct unregister {
    server_state& server;
    net::byte_stream* stream;
    ~unregister() { server.connections.erase(stream); }
  } guard{server, stream.get()};

  asio::steady_timer handshake_timer(stream->get_executor());
  close_on_expiry(handshake_timer, stream, handshake_deadline);

  server_session session(server.options);
  std::array<std::uint8_t, read_buffer_size> buffer;
  try {
    if (server.tls) co_await static_cast<net::tls_stream&>(*stream).handshake_server();
    while (!session.should_close_tcp()) {
      std::size_t n = 0;
      bool eof = false;
      try {
        n = co_await stream->read_some(buffer);
      } catch (const boost::system::system_error& e) {
        if (e.code() != asio::error::eof) throw;
        eof = true;
      }
      if (eof) {
        session.receive_eof();
      } else {
        session.receive(std::span(buffer).first(n));
      }
      if (session.current_state() != server_session::state::handshake) handshake_timer.cancel();
      if (session.has_output()) {
        const auto out = session.take_output();
        co_await stream->write(out);
      }
    }
  } catch (const std::exception&) {
    // Reset by the peer, TLS failure, deadline, or shutdown: nothing more can be said to it.
    handshake_timer.cancel();
    stream->close();
    co_return;
  }
  handshake_timer.cancel();
  co_await close_gracefully(stream, buffer);
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, server_state& server) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket(acceptor.get_executor());
    try {
      co_await acceptor.async_accept(socket, asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
      ec = e.code();
    }
    if (server.stopping || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: back off a little instead of spinning.
      asio::steady_timer pause(acceptor.get_executor(), 50ms);
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), serve_connection(std::move(socket), server),
                   asio::detached);
  }
}

}  // namespace

int run_wsprobe_echo_server(const server_config& config) {
  server_state server;
  server.options.faults = parse_faults(config.faults);  // unknown fault: throws before listening
  server.options.max_message_size = config.max_message_size;

  asio::io_context io(1);
  if (config.tls) {
    net::tls_server_options tls;
    tls.cert_file = config.cert_file;
    tls.key_file = config.key_file;
    server.tls = net::make_server_tls_context(tls);
  }
  tcp::acceptor acceptor = net::open_listener(io.get_executor(), config.host, config.port);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    server.stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    // Copy: closing makes each connection's coroutine unregister itself later.
    const auto open = server.connections;
    for (auto* stream : open) stream->close();
  });

  std::cout << "listening on " << net::listen_url(acceptor, config.tls) << std::endl;
  asio::co_spawn(io, accept_loop(acceptor, server), asio::detached);
  io.run();
  return 0;
}

}  // namespace wsprobe::reference
