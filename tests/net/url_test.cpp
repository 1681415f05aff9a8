#include "harness/net/url.hpp"

#include <gtest/gtest.h>

namespace wsprobe::net {
namespace {

TEST(ParseWsUrl, PlainHostDefaultsPortAndPath) {
  const auto url = parse_ws_url("ws://example.com");
  EXPECT_FALSE(url.secure);
  EXPECT_EQ(url.host, "example.com");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.target, "/");
  EXPECT_EQ(url.host_header(), "example.com");
}

TEST(ParseWsUrl, SecureDefaultsTo443) {
  const auto url = parse_ws_url("wss://Example.COM/chat");
  EXPECT_TRUE(url.secure);
  EXPECT_EQ(url.host, "example.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.target, "/chat");
}

TEST(ParseWsUrl, ExplicitPortPathAndQuery) {
  const auto url = parse_ws_url("ws://127.0.0.1:9001/runCase?case=3&agent=x");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 9001);
  EXPECT_EQ(url.target, "/runCase?case=3&agent=x");
  EXPECT_EQ(url.host_header(), "127.0.0.1:9001");
  EXPECT_EQ(url.authority(), "127.0.0.1:9001");
  EXPECT_EQ(url.to_string(), "ws://127.0.0.1:9001/runCase?case=3&agent=x");
}

TEST(ParseWsUrl, QueryWithoutPathGetsSlash) {
  EXPECT_EQ(parse_ws_url("ws://h?x=1").target, "/?x=1");
}

TEST(ParseWsUrl, Ipv6LiteralInBrackets) {
  const auto url = parse_ws_url("wss://[::1]:8443/x");
  EXPECT_EQ(url.host, "::1");
  EXPECT_TRUE(url.host_is_ipv6());
  EXPECT_EQ(url.port, 8443);
  EXPECT_EQ(url.host_header(), "[::1]:8443");
  EXPECT_EQ(url.to_string(), "wss://[::1]:8443/x");
  EXPECT_EQ(parse_ws_url("ws://[::1]").host_header(), "[::1]");
}

TEST(ParseWsUrl, DefaultPortIsLeftOutOfHostHeader) {
  EXPECT_EQ(parse_ws_url("ws://h:80/").host_header(), "h");
  EXPECT_EQ(parse_ws_url("wss://h:80/").host_header(), "h:80");
}

// Each bad URL is rejected with a message naming the URL and the problem.
void expect_bad_url(const std::string& text, const std::string& reason) {
  try {
    parse_ws_url(text);
    ADD_FAILURE() << "accepted " << text;
  } catch (const address_error& e) {
    EXPECT_EQ(std::string(e.what()), "bad URL '" + text + "': " + reason);
  }
}

TEST(ParseWsUrl, RejectsWhatIsWrong) {
  expect_bad_url("http://example.com/", "scheme must be ws:// or wss://");
  expect_bad_url("example.com", "scheme must be ws:// or wss://");
  expect_bad_url("ws://", "missing host");
  expect_bad_url("ws://:80/", "missing host");
  expect_bad_url("ws://h:0/", "port must be a number from 1 to 65535");
  expect_bad_url("ws://h:65536/", "port must be a number from 1 to 65535");
  expect_bad_url("ws://h:x/", "port must be a number from 1 to 65535");
  expect_bad_url("ws://h/#frag", "fragment ('#') is not allowed");
  expect_bad_url("ws://::1/", "IPv6 addresses must be written in brackets, e.g. [::1]");
  expect_bad_url("ws://[::1/", "missing ']' after IPv6 address");
  expect_bad_url("ws://[nope]/", "'nope' is not an IPv6 address");
  expect_bad_url("ws://u@h/", "user info ('@') is not supported");
  expect_bad_url("ws://h/a b", "path contains a space or control character");
  expect_bad_url("ws://h%41/", "invalid character in host 'h%41'");
}

TEST(ParseListenAddress, Ipv4) {
  const auto a = parse_listen_address("127.0.0.1:9001");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 9001);
  EXPECT_EQ(a.to_string(), "127.0.0.1:9001");
}

TEST(ParseListenAddress, PortZeroAndEdges) {
  EXPECT_EQ(parse_listen_address("0.0.0.0:0").port, 0);
  EXPECT_EQ(parse_listen_address("127.0.0.1:65535").port, 65535);
}

TEST(ParseListenAddress, Ipv6InBrackets) {
  const auto a = parse_listen_address("[::1]:8080");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 8080);
  EXPECT_EQ(a.to_string(), "[::1]:8080");
}

TEST(ParseListenAddress, LocalhostMeansLoopbackV4) {
  EXPECT_EQ(parse_listen_address("localhost:1").host, "127.0.0.1");
}

void expect_bad_listen(const std::string& text, const std::string& reason) {
  try {
    parse_listen_address(text);
    ADD_FAILURE() << "accepted " << text;
  } catch (const address_error& e) {
    EXPECT_EQ(std::string(e.what()), "bad listen address '" + text + "': " + reason);
  }
}

TEST(ParseListenAddress, RejectsWhatIsWrong) {
  expect_bad_listen("nope", "expected HOST:PORT");
  expect_bad_listen("127.0.0.1", "expected HOST:PORT");
  expect_bad_listen("127.0.0.1:99999", "port must be a number from 0 to 65535");
  expect_bad_listen("127.0.0.1:", "port must be a number from 0 to 65535");
  expect_bad_listen("127.0.0.1:-1", "port must be a number from 0 to 65535");
  expect_bad_listen(":80", "missing host (use 0.0.0.0 for every interface)");
  expect_bad_listen("example.com:80",
                    "host must be an IPv4 address, an IPv6 address in brackets, or localhost");
  expect_bad_listen("256.1.1.1:80",
                    "host must be an IPv4 address, an IPv6 address in brackets, or localhost");
  expect_bad_listen("::1:80", "IPv6 addresses must be written in brackets, e.g. [::1]");
  expect_bad_listen("[::1]", "expected HOST:PORT");
}

}  // namespace
}  // namespace wsprobe::net
