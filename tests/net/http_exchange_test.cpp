// The opening handshake over Conn against Boost.Beast's server side (an independent
// implementation), and what a client sees from a server that refuses or garbles it.
#include "harness/net/http_exchange.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "harness/net/connect.hpp"
#include "harness/net/listener.hpp"
#include "harness/net/tcp_stream.hpp"
#include "tests/net/run_coroutine.hpp"

namespace wsprobe::net {
namespace {
namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using namespace std::chrono_literals;
using testing::run_coroutine;

ws_url url_for(const asio::ip::tcp::acceptor& acceptor) {
  return parse_ws_url("ws://127.0.0.1:" + std::to_string(bound_port(acceptor)) + "/chat?x=1");
}

awaitable<void> beast_accept_one(asio::ip::tcp::acceptor& acceptor) {
  websocket::stream<asio::ip::tcp::socket> ws(co_await acceptor.async_accept(asio::use_awaitable));
  co_await ws.async_accept(asio::use_awaitable);
  co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
}

// Answers the first request head with `answer`, as raw bytes.
awaitable<void> answer_with(asio::ip::tcp::acceptor& acceptor, std::string answer) {
  conn peer(std::make_unique<tcp_stream>(co_await acceptor.async_accept(asio::use_awaitable)));
  const auto request = co_await read_http_request(peer, 5s);
  EXPECT_EQ(request.status, read_status::ok) << request.error;
  EXPECT_EQ(request.request.target, "/chat?x=1");
  co_await peer.write(
      std::span(reinterpret_cast<const std::uint8_t*>(answer.data()), answer.size()));
  co_await peer.read(5s);  // until the client goes away
}

TEST(OpenWebsocket, BeastAcceptsOurHandshake) {
  const auto hs =
      run_coroutine<client_handshake>([](asio::io_context& io) -> awaitable<client_handshake> {
        auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
        asio::co_spawn(io, beast_accept_one(acceptor), asio::detached);
        conn c(co_await connect(url_for(acceptor)));
        auto result = co_await open_websocket(c, url_for(acceptor), 5s);
        // Beast's close frame follows the 101 at once or soon after; it must not be lost.
        auto next = co_await c.read(5s);
        EXPECT_EQ(next.status, read_status::ok);
        EXPECT_EQ(next.bytes.at(0), 0x88);  // FIN + close
        co_return result;
      });
  EXPECT_TRUE(hs.ok()) << hs.validation.why << hs.answer.error;
  EXPECT_EQ(hs.answer.response.status, 101u);
  EXPECT_EQ(hs.request.target, "/chat?x=1");
}

TEST(OpenWebsocket, RefusalIsReportedNotThrown) {
  const auto hs =
      run_coroutine<client_handshake>([](asio::io_context& io) -> awaitable<client_handshake> {
        auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
        asio::co_spawn(io,
                       answer_with(acceptor, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
                       asio::detached);
        conn c(co_await connect(url_for(acceptor)));
        co_return co_await open_websocket(c, url_for(acceptor), 5s);
      });
  EXPECT_EQ(hs.answer.status, read_status::ok);
  EXPECT_EQ(hs.answer.response.status, 403u);
  EXPECT_FALSE(hs.ok());
  EXPECT_FALSE(hs.validation.why.empty());
}

TEST(OpenWebsocket, MalformedAnswerIsAnError) {
  const auto hs =
      run_coroutine<client_handshake>([](asio::io_context& io) -> awaitable<client_handshake> {
        auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
        asio::co_spawn(io, answer_with(acceptor, "HTTP/1.1 101 OK\r\nBad Header\r\n\r\n"),
                       asio::detached);
        conn c(co_await connect(url_for(acceptor)));
        co_return co_await open_websocket(c, url_for(acceptor), 5s);
      });
  EXPECT_EQ(hs.answer.status, read_status::error);
  EXPECT_EQ(hs.answer.error.rfind("malformed HTTP head: ", 0), 0u) << hs.answer.error;
  EXPECT_FALSE(hs.ok());
}

}  // namespace
}  // namespace wsprobe::net
