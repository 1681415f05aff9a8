// Runs the real echo server (run_wsprobe_echo_server in a child process, so that SIGTERM and the
// printed URL are the real ones) on 127.0.0.1 port 0 and talks to it over plain sockets: for
// every fault, the bytes that trigger it get a different answer from the faulty server than from
// the strict one.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "harness/reference/faults.hpp"
#include "harness/reference/server_config.hpp"
#include "harness/wire/close.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head.hpp"

namespace {

using namespace wsprobe;
using bytes = std::vector<std::uint8_t>;

constexpr std::string_view test_key = "dGhlIHNhbXBsZSBub25jZQ==";

// The server in a child process, stopped by PID with SIGTERM (then SIGKILL) when it goes away.
class server_process {
 public:
  explicit server_process(reference::server_config config) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(stdout);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      close(fds[0]);
      dup2(fds[1], STDOUT_FILENO);
      close(fds[1]);
      int rc = 2;
      try {
        rc = reference::run_wsprobe_echo_server(config);
      } catch (const std::exception& e) {
        std::cerr << "server: " << e.what() << std::endl;
      }
      std::cout.flush();
      _exit(rc);
    }
    close(fds[1]);
    first_line_ = read_line(fds[0]);
    close(fds[0]);
    const auto colon = first_line_.rfind(':');
    if (colon != std::string::npos)
      port_ = static_cast<std::uint16_t>(std::stoi(first_line_.substr(colon + 1)));
  }
  ~server_process() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  const std::string& first_line() const { return first_line_; }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends SIGTERM and waits for the exit (at most ~10 s, then SIGKILL); the exit status, or
  // nullopt when it had to be killed or did not exit normally.
  std::optional<int> terminate() {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 1000; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;  // the destructor kills it
  }

 private:
  static std::string read_line(int fd) {
    std::string line;
    char c = 0;
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, 10000) > 0 && read(fd, &c, 1) == 1 && c != '\n') line += c;
    return line;
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  std::string first_line_;
  std::uint16_t port_ = 0;
};

reference::server_config config_with(std::vector<std::string> faults = {}) {
  reference::server_config config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.faults = std::move(faults);
  return config;
}

int connect_to(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  // A guard against a hung server, not a measurement: a read that waits this long fails.
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

void send_all(int fd, const bytes& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const auto n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

struct reply {
  bytes data;
  bool eof = false;  // the server closed the connection (FIN) rather than timing out or resetting
};

reply read_to_end(int fd) {
  reply r;
  std::uint8_t buf[4096];
  for (;;) {
    const auto n = recv(fd, buf, sizeof buf, 0);
    if (n == 0) {
      r.eof = true;
      break;
    }
    if (n < 0) break;
    r.data.insert(r.data.end(), buf, buf + n);
  }
  return r;
}

// Sends everything, closes our sending side, and reads until the server closes.
reply exchange(std::uint16_t port, const bytes& data) {
  const int fd = connect_to(port);
  if (fd < 0) return {};
  send_all(fd, data);
  shutdown(fd, SHUT_WR);
  auto r = read_to_end(fd);
  close(fd);
  return r;
}

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

std::string as_text(const bytes& b) {
  return std::string(b.begin(), b.end());
}

wire::http_request client_request() {
  return wire::make_client_request("127.0.0.1", "/", test_key);
}

bytes request_bytes(const wire::http_request& r = client_request()) {
  return to_bytes(wire::serialize(r));
}

struct frame_options {
  bool fin = true;
  bool rsv2 = false;
  bool masked = true;
  wire::length_form form = wire::length_form::minimal;
};

bytes client_frame(std::uint8_t opcode, std::string_view payload, frame_options o = {}) {
  wire::frame_spec spec;
  spec.opcode = opcode;
  spec.fin = o.fin;
  spec.rsv2 = o.rsv2;
  spec.form = o.form;
  if (o.masked) spec.mask = wire::masking_key{0xA1, 0xB2, 0xC3, 0xD4};
  return wire::encode_frame(
      spec, std::span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()));
}

bytes close_frame(std::uint16_t code) {
  const auto p = wire::build_close_payload(code);
  return client_frame(wire::opcode::close,
                      std::string_view(reinterpret_cast<const char*>(p.data()), p.size()));
}

bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Everything after the HTTP head.
bytes after_head(const bytes& reply) {
  const auto text = as_text(reply);
  const auto end = text.find("\r\n\r\n");
  if (end == std::string::npos) return {};
  return bytes(reply.begin() + static_cast<std::ptrdiff_t>(end + 4), reply.end());
}

// What a client sends to trigger each fault (a whole connection, then EOF).
std::map<std::string, bytes> fault_triggers() {
  using namespace wire::opcode;
  auto with_version = [](std::string_view v) {
    auto r = client_request();
    r.headers.set("Sec-WebSocket-Version", v);
    return request_bytes(r);
  };
  const bytes open = request_bytes();
  const bytes sync = client_frame(ping, "sync");
  return {
      {"accept-unmasked", concat({open, client_frame(text, "hi", {.masked = false})})},
      {"no-utf8-check", concat({open, client_frame(text, "bad \xed\xa0\x80")})},
      {"utf8-not-fail-fast", concat({open, client_frame(text, "ab\xff", {.fin = false})})},
      {"ignore-rsv", concat({open, client_frame(text, "rsv", {.rsv2 = true})})},
      {"ignore-reserved-opcode", concat({open, client_frame(5, "r"), sync})},
      {"wrong-pong-payload", concat({open, client_frame(ping, "abc")})},
      {"no-pong", concat({open, client_frame(ping, "abc"), client_frame(text, "after")})},
      {"long-control-ok", concat({open, client_frame(ping, std::string(126, 'L'))})},
      {"fragmented-control-ok", concat({open, client_frame(ping, "nf", {.fin = false})})},
      {"accept-invalid-close-code", concat({open, close_frame(1005)})},
      {"close-len1-ok", concat({open, client_frame(wire::opcode::close, "\x03")})},
      {"no-close-reply", concat({open, close_frame(1000)})},
      {"bad-accept-key", open},
      {"no-version-check", with_version("12")},
      {"nonminimal-length-ok",
       concat({open, client_frame(text, "nm", {.form = wire::length_form::len16})})},
      {"orphan-continuation-ok", concat({open, client_frame(continuation, "o"), sync})},
      {"interleaved-message-ok",
       concat({open, client_frame(text, "first", {.fin = false}), client_frame(text, "second")})},
      {"mask-server-frames", concat({open, client_frame(binary, "mask me")})},
      {"binary-as-text", concat({open, client_frame(binary, "bin")})},
  };
}

TEST(WsprobeEchoServer, PrintsItsUrlFirstAndEchoes) {
  server_process server(config_with());
  ASSERT_EQ(server.first_line().rfind("listening on ws://127.0.0.1:", 0), 0u)
      << server.first_line();
  ASSERT_EQ(server.first_line().back(), '/');
  ASSERT_NE(server.port(), 0);

  const auto r = exchange(server.port(),
                          concat({request_bytes(), client_frame(1, "hello"), close_frame(1000)}));
  EXPECT_TRUE(r.eof);
  const auto text = as_text(r.data);
  EXPECT_EQ(text.rfind("HTTP/1.1 101 ", 0), 0u) << text;
  EXPECT_NE(text.find(wire::compute_accept(test_key)), std::string::npos);
  // Unmasked text "hello", then close 1000 (RFC 6455 §5.7 layout).
  EXPECT_EQ(after_head(r.data),
            (bytes{0x81, 0x05, 'h', 'e', 'l', 'l', 'o', 0x88, 0x02, 0x03, 0xE8}));
}

TEST(WsprobeEchoServer, FailsAProtocolErrorWith1002AndClosesTcp) {
  server_process server(config_with());
  // The client does not half-close here: the server must close by itself.
  const int fd = connect_to(server.port());
  ASSERT_GE(fd, 0);
  send_all(fd, concat({request_bytes(), client_frame(1, "x", {.masked = false})}));
  const auto r = read_to_end(fd);
  close(fd);
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(after_head(r.data), (bytes{0x88, 0x02, 0x03, 0xEA}));
}

TEST(WsprobeEchoServer, Answers426ToAnotherVersion) {
  server_process server(config_with());
  auto request = client_request();
  request.headers.set("Sec-WebSocket-Version", "7");
  const auto r = exchange(server.port(), request_bytes(request));
  const auto text = as_text(r.data);
  EXPECT_EQ(text.rfind("HTTP/1.1 426 ", 0), 0u) << text;
  EXPECT_NE(text.find("Sec-WebSocket-Version: 13\r\n"), std::string::npos) << text;
  EXPECT_TRUE(r.eof);
}

TEST(WsprobeEchoServer, ASlowHandshakeDoesNotBlockOtherConnections) {
  server_process server(config_with());
  const int slow = connect_to(server.port());
  ASSERT_GE(slow, 0);
  send_all(slow, to_bytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"));  // and then nothing
  const auto r = exchange(server.port(), concat({request_bytes(), client_frame(2, "fast")}));
  EXPECT_EQ(after_head(r.data), (bytes{0x82, 0x04, 'f', 'a', 's', 't'}));
  close(slow);
}

TEST(WsprobeEchoServer, SurvivesGarbageAndHugeDeclaredLengths) {
  server_process server(config_with());
  bytes garbage(8192);
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<std::uint8_t>(i * 37);
  const auto bad = exchange(server.port(), garbage);
  EXPECT_EQ(as_text(bad.data).rfind("HTTP/1.1 400 ", 0), 0u);
  // A masked binary frame header that declares 2^62 bytes: refused with 1009 at once.
  const bytes huge = {0x82, 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
  const auto r = exchange(server.port(), concat({request_bytes(), huge}));
  EXPECT_EQ(after_head(r.data), (bytes{0x88, 0x02, 0x03, 0xF1}));
  // Still serving.
  const auto ok = exchange(server.port(), concat({request_bytes(), client_frame(1, "alive")}));
  EXPECT_EQ(after_head(ok.data), (bytes{0x81, 0x05, 'a', 'l', 'i', 'v', 'e'}));
}

TEST(WsprobeEchoServer, ShutsDownCleanlyOnSigterm) {
  server_process server(config_with());
  // One open WebSocket and one connection in the middle of its handshake.
  const int open = connect_to(server.port());
  ASSERT_GE(open, 0);
  send_all(open, concat({request_bytes(), client_frame(1, "x")}));
  std::uint8_t buf[512];
  ASSERT_GT(recv(open, buf, sizeof buf, 0), 0);
  const int half = connect_to(server.port());
  send_all(half, to_bytes("GET / HTTP/1.1\r\n"));
  EXPECT_EQ(server.terminate(), 0);
  // The server closed both connections on its way out.
  EXPECT_TRUE(read_to_end(open).eof);
  close(open);
  close(half);
}

TEST(WsprobeEchoServer, ServesTlsWithAGeneratedCertificate) {
  auto config = config_with();
  config.tls = true;
  server_process server(config);
  ASSERT_EQ(server.first_line().rfind("listening on wss://127.0.0.1:", 0), 0u)
      << server.first_line();

  namespace asio = boost::asio;
  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);  // self-signed
  asio::ssl::stream<asio::ip::tcp::socket> tls(io, ctx);
  tls.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.port()});
  tls.handshake(asio::ssl::stream_base::client);
  const auto out = concat({request_bytes(), client_frame(1, "secure"), close_frame(1000)});
  asio::write(tls, asio::buffer(out));
  bytes got;
  boost::system::error_code ec;
  std::uint8_t buf[4096];
  while (!ec) {
    const auto n = tls.read_some(asio::buffer(buf), ec);
    got.insert(got.end(), buf, buf + n);
  }
  EXPECT_EQ(as_text(got).rfind("HTTP/1.1 101 ", 0), 0u);
  EXPECT_EQ(after_head(got),
            (bytes{0x81, 0x06, 's', 'e', 'c', 'u', 'r', 'e', 0x88, 0x02, 0x03, 0xE8}));
}

TEST(WsprobeEchoServer, RefusesAnUnknownFaultBeforeListening) {
  try {
    reference::run_wsprobe_echo_server(config_with({"no-pong", "made-up"}));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "unknown fault 'made-up' (wsprobe serve --list-faults lists them)");
  }
}

TEST(WsprobeEchoServer, RefusesAPortInUseWithAMessage) {
  server_process first(config_with());
  auto config = config_with();
  config.port = first.port();
  try {
    reference::run_wsprobe_echo_server(config);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(first.port())), std::string::npos)
        << e.what();
  }
}

TEST(WsprobeEchoServerFaults, TheTriggerTableCoversEveryFault) {
  const auto triggers = fault_triggers();
  for (const auto& info : reference::all_faults()) {
    EXPECT_TRUE(triggers.contains(std::string(info.name))) << "no wire test for " << info.name;
  }
  EXPECT_EQ(triggers.size(), reference::all_faults().size());
}

TEST(WsprobeEchoServerFaults, EveryFaultChangesWhatTheServerSends) {
  server_process strict(config_with());
  ASSERT_NE(strict.port(), 0);
  for (const auto& [name, trigger] : fault_triggers()) {
    SCOPED_TRACE(name);
    server_process faulty(config_with({name}));
    ASSERT_NE(faulty.port(), 0) << faulty.first_line();
    const auto expected = exchange(strict.port(), trigger);
    const auto got = exchange(faulty.port(), trigger);
    EXPECT_TRUE(expected.eof);
    EXPECT_TRUE(got.eof);
    EXPECT_FALSE(expected.data.empty());
    EXPECT_NE(expected.data, got.data) << "strict and faulty both sent:\n" << as_text(got.data);
    EXPECT_EQ(faulty.terminate(), 0);
  }
  EXPECT_EQ(strict.terminate(), 0);
}

}  // namespace
