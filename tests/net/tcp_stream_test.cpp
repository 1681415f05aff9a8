// Real loopback tests of the TCP transport, Conn and deadlines (127.0.0.1 only).
#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <numeric>

#include "harness/net/conn.hpp"
#include "harness/net/connect.hpp"
#include "harness/net/listener.hpp"
#include "harness/net/tcp_stream.hpp"
#include "harness/net/transport_error.hpp"
#include "tests/net/run_coroutine.hpp"

namespace wsprobe::net {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::run_coroutine;
using bytes = std::vector<std::uint8_t>;

ws_url loopback_url(std::uint16_t port) {
  return parse_ws_url("ws://127.0.0.1:" + std::to_string(port) + "/");
}

// Accepts one connection and echoes everything until the peer half-closes.
awaitable<void> echo_one(asio::ip::tcp::acceptor& acceptor) {
  tcp_stream stream(co_await acceptor.async_accept(asio::use_awaitable));
  std::array<std::uint8_t, 4096> buffer{};
  try {
    for (;;) {
      const std::size_t n = co_await stream.read_some(buffer);
      co_await stream.write(std::span(buffer.data(), n));
    }
  } catch (const boost::system::system_error&) {
  }
  co_await stream.shutdown_send();
}

// Reads from `c` until `size` bytes came or something other than data arrives.
awaitable<bytes> read_exactly(conn& c, std::size_t size) {
  bytes out;
  while (out.size() < size) {
    auto r = co_await c.read(5s);
    if (r.status != read_status::ok) break;
    out.insert(out.end(), r.bytes.begin(), r.bytes.end());
  }
  co_return out;
}

bytes pattern(std::size_t size) {
  bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  return out;
}

TEST(Listener, PortZeroPicksAFreePortAndReportsIt) {
  asio::io_context io;
  auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
  EXPECT_NE(bound_port(acceptor), 0);
  EXPECT_EQ(listen_url(acceptor, false),
            "ws://127.0.0.1:" + std::to_string(bound_port(acceptor)) + "/");
  EXPECT_EQ(listen_url(acceptor, true),
            "wss://127.0.0.1:" + std::to_string(bound_port(acceptor)) + "/");
}

TEST(Listener, PortInUseSaysSo) {
  asio::io_context io;
  auto first = open_listener(io.get_executor(), "127.0.0.1", 0);
  const auto port = bound_port(first);
  try {
    open_listener(io.get_executor(), "127.0.0.1", port);
    ADD_FAILURE() << "second listener on the same port succeeded";
  } catch (const transport_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot listen on 127.0.0.1:" + std::to_string(port) + ": address already in use");
  }
}

listen_options shared_port() {
  listen_options o;
  o.reuse_port = true;
  return o;
}

TEST(Listener, ReusePortLetsTwoListenersShare) {
  asio::io_context io;
  auto first = open_listener(io.get_executor(), "127.0.0.1", 0, shared_port());
  auto second = open_listener(io.get_executor(), "127.0.0.1", bound_port(first), shared_port());
  EXPECT_EQ(bound_port(first), bound_port(second));
}

TEST(Listener, RejectsANonAddressHost) {
  asio::io_context io;
  EXPECT_THROW(open_listener(io.get_executor(), "example.com", 0), transport_error);
}

TEST(TcpStream, EchoRoundTrip) {
  const auto got = run_coroutine<bytes>([](asio::io_context& io) -> awaitable<bytes> {
    auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
    asio::co_spawn(io, echo_one(acceptor), asio::detached);
    conn c(co_await connect(loopback_url(bound_port(acceptor))));
    EXPECT_EQ(c.describe().rfind("tcp 127.0.0.1:", 0), 0u) << c.describe();
    const bytes hello{'h', 'e', 'l', 'l', 'o'};
    co_await c.write(hello);
    co_return co_await read_exactly(c, hello.size());
  });
  EXPECT_EQ(got, (bytes{'h', 'e', 'l', 'l', 'o'}));
}

class ChunkedWrite : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ChunkedWrite, ArrivesComplete) {
  const std::size_t chunk = GetParam();
  const bytes sent = pattern(3000);
  const auto got = run_coroutine<bytes>([&](asio::io_context& io) -> awaitable<bytes> {
    auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
    asio::co_spawn(io, echo_one(acceptor), asio::detached);
    conn c(co_await connect(loopback_url(bound_port(acceptor))));
    co_await c.write(sent, chunk, chunk == 7 ? 1ms : 0ms);
    co_return co_await read_exactly(c, sent.size());
  });
  EXPECT_EQ(got, sent);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ChunkedWrite, ::testing::Values(0, 1, 7, 1000, 3000, 5000));

TEST(Conn, ReadDeadlineFiresOnASilentPeer) {
  const auto r = run_coroutine<read_result>([](asio::io_context& io) -> awaitable<read_result> {
    auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
    conn c(co_await connect(loopback_url(bound_port(acceptor))));
    // The peer's socket is accepted by the kernel but nobody ever writes.
    co_return co_await c.read(50ms);
  });
  EXPECT_EQ(r.status, read_status::timeout);
  EXPECT_TRUE(r.bytes.empty());
}

TEST(Conn, StreamStaysUsableAfterATimeout) {
  const auto got = run_coroutine<bytes>([](asio::io_context& io) -> awaitable<bytes> {
    auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
    asio::co_spawn(io, echo_one(acceptor), asio::detached);
    conn c(co_await connect(loopback_url(bound_port(acceptor))));
    auto first = co_await c.read(20ms);
    EXPECT_EQ(first.status, read_status::timeout);
    // Named, not a braced temporary: g++ 12 cannot keep an initializer list across co_await.
    const bytes three{1, 2, 3};
    co_await c.write(three);
    co_return co_await read_exactly(c, 3);
  });
  EXPECT_EQ(got, (bytes{1, 2, 3}));
}

TEST(Conn, EofWhenThePeerCloses) {
  const auto r = run_coroutine<read_result>([](asio::io_context& io) -> awaitable<read_result> {
    auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
    asio::co_spawn(io, echo_one(acceptor), asio::detached);
    conn c(co_await connect(loopback_url(bound_port(acceptor))));
    co_await c.shutdown_send();  // the echo peer then half-closes too
    co_return co_await c.read(5s);
  });
  EXPECT_EQ(r.status, read_status::eof);
}

struct head_and_rest {
  http_head_result head;
  bytes rest;
};

TEST(Conn, ReadHttpHeadKeepsTheBytesAfterIt) {
  const auto got =
      run_coroutine<head_and_rest>([](asio::io_context& io) -> awaitable<head_and_rest> {
        auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
        // co_spawn keeps the lambda alive (passed, not called), so its captures stay valid.
        asio::co_spawn(
            io,
            [&acceptor]() -> awaitable<void> {
              conn peer(std::make_unique<tcp_stream>(
                  co_await acceptor.async_accept(asio::use_awaitable)));
              const std::string answer =
                  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi";
              // Byte by byte, so the terminator is split across reads.
              co_await peer.write(
                  std::span(reinterpret_cast<const std::uint8_t*>(answer.data()), answer.size()),
                  1);
              co_await read_exactly(peer, 1);  // hold the connection open until the client is done
            },
            asio::detached);
        conn c(co_await connect(loopback_url(bound_port(acceptor))));
        head_and_rest out;
        out.head = co_await c.read_http_head(5s);
        out.rest = co_await read_exactly(c, 4);
        co_return out;
      });
  EXPECT_EQ(got.head.status, read_status::ok);
  EXPECT_EQ(got.head.head, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
  EXPECT_EQ(got.rest, (bytes{0x81, 0x02, 'h', 'i'}));
}

TEST(Conn, ReadHttpHeadRefusesAnOversizedHead) {
  const auto r =
      run_coroutine<http_head_result>([](asio::io_context& io) -> awaitable<http_head_result> {
        auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
        asio::co_spawn(io, echo_one(acceptor), asio::detached);
        conn c(co_await connect(loopback_url(bound_port(acceptor))));
        co_await c.write(bytes(300, 'a'));  // echoed back: no blank line, ever
        co_return co_await c.read_http_head(5s, 256);
      });
  EXPECT_EQ(r.status, read_status::error);
  EXPECT_EQ(r.error, "HTTP head larger than 256 bytes");
}

TEST(Connect, ClosedPortIsRefused) {
  std::uint16_t port = 0;
  {
    asio::io_context io;
    auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
    port = bound_port(acceptor);
  }  // closed again: nothing listens there now
  try {
    run_coroutine<bool>([&](asio::io_context&) -> awaitable<bool> {
      co_await connect(loopback_url(port));
      co_return true;
    });
    ADD_FAILURE() << "connect to a closed port succeeded";
  } catch (const transport_error& e) {
    EXPECT_EQ(std::string(e.what()), "connection refused by 127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(e.code(), asio::error::connection_refused);
  }
}

}  // namespace
}  // namespace wsprobe::net
