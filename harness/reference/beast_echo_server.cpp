// The Boost.Beast reference echo server: an implementation independent of harness/wire, so that
// the conformance suite is checked against a peer we did not write the protocol code for.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <memory>
#include <unordered_set>

#include "harness/net/deadline.hpp"
#include "harness/net/tls_context.hpp"
#include "harness/reference/server_config.hpp"
#include "harness/reference/server_threads.hpp"

namespace wsprobe::reference {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct beast_server {
  server_config config;
  std::shared_ptr<asio::ssl::context> tls;  // null for ws://
  // Open connections, so that a stop signal can end them; one per thread, so no lock.
  std::unordered_set<tcp::socket*> connections;
};

// Removes a connection from the registry when its coroutine ends, however it ends.
struct registration {
  registration(beast_server& server, tcp::socket& socket) : server(server), socket(&socket) {
    server.connections.insert(this->socket);
  }
  ~registration() { server.connections.erase(socket); }
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;
  beast_server& server;
  tcp::socket* socket;
};

template <typename NextLayer>
void configure(websocket::stream<NextLayer>& ws, const server_config& config) {
  ws.read_message_max(config.max_message_size);
  ws.auto_fragment(false);  // echo each message as one frame, whatever its size
  websocket::permessage_deflate no_deflate;
  no_deflate.server_enable = false;
  no_deflate.client_enable = false;
  ws.set_option(no_deflate);
  // Handshake within 30 s; an idle connection may stay open (the suite waits on purpose).
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = 30s;
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "wsprobe-beast-echo");
  }));
}

// Accepts the WebSocket handshake and echoes every message with its own type (text stays text,
// binary stays binary); Beast reassembles fragments, answers pings and the close handshake.
template <typename NextLayer>
asio::awaitable<void> echo(websocket::stream<NextLayer>& ws) {
  co_await ws.async_accept(asio::use_awaitable);
  beast::flat_buffer buffer;
  for (;;) {
    co_await ws.async_read(buffer, asio::use_awaitable);
    ws.text(ws.got_text());
    co_await ws.async_write(buffer.data(), asio::use_awaitable);
    buffer.consume(buffer.size());
  }
}

asio::awaitable<void> serve_connection(tcp::socket socket, beast_server& server) {
  try {
    if (!server.tls) {
      websocket::stream<tcp::socket> ws(std::move(socket));
      registration live(server, beast::get_lowest_layer(ws));
      configure(ws, server.config);
      co_await echo(ws);
    } else {
      websocket::stream<asio::ssl::stream<tcp::socket>> ws(std::move(socket), *server.tls);
      registration live(server, beast::get_lowest_layer(ws));
      auto& lowest = beast::get_lowest_layer(ws);
      net::deadline handshake_deadline(lowest.get_executor());
      handshake_deadline.arm(10s, [&lowest] {
        boost::system::error_code ignored;
        lowest.close(ignored);
      });
      co_await ws.next_layer().async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
      handshake_deadline.disarm();
      configure(ws, server.config);
      co_await echo(ws);
    }
  } catch (const boost::system::system_error&) {
    // The peer closed (websocket::error::closed), failed the protocol (Beast already sent the
    // close frame it calls for), or vanished: the connection is over either way.
  }
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, beast_server& server) {
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (!acceptor.is_open()) break;
    if (ec) {
      // Out of descriptors and the like: back off a little instead of spinning.
      asio::steady_timer pause(acceptor.get_executor(), 50ms);
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    // Echoes go out at once: without it Nagle holds small echoes back (10 ms p50 under load).
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(acceptor.get_executor(), serve_connection(std::move(socket), server),
                   asio::detached);
  }
}

// One thread's server: its acceptor, its connections.
class beast_thread final : public thread_server {
 public:
  beast_thread(asio::io_context& io, const server_config& config,
               std::shared_ptr<asio::ssl::context> tls)
      : io_(io) {
    server_.config = config;
    server_.tls = std::move(tls);
  }
  void start(tcp::acceptor& acceptor) override {
    acceptor_ = &acceptor;
    asio::co_spawn(io_, accept_loop(acceptor, server_), asio::detached);
  }
  void stop() override {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    for (tcp::socket* socket : server_.connections) socket->close(ignored);
  }

 private:
  asio::io_context& io_;
  tcp::acceptor* acceptor_ = nullptr;
  beast_server server_;
};

}  // namespace

int run_beast_echo_server(const server_config& config) {
  if (!config.faults.empty()) {
    throw std::runtime_error("--fault is for our own server only (--impl wsprobe)");
  }
  std::shared_ptr<asio::ssl::context> tls;
  if (config.tls) {
    net::tls_server_options options;
    options.cert_file = config.cert_file;
    options.key_file = config.key_file;
    tls = net::make_server_tls_context(options);
  }
  return run_server_threads(config, [&](asio::io_context& io) {
    return std::make_unique<beast_thread>(io, config, tls);
  });
}

}  // namespace wsprobe::reference
