// Addresses the harness is given on its command line: ws:// and wss:// URLs (RFC 6455 §3) and
// the HOST:PORT that `serve` and `test-client` listen on.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wsprobe::net {

// A malformed URL or listen address; what() says what is wrong, e.g.
// "bad URL 'x': scheme must be ws:// or wss://".
class address_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A parsed ws:// or wss:// URL.
struct ws_url {
  bool secure = false;       // wss://
  std::string host;          // name or IP literal, IPv6 without brackets
  std::uint16_t port = 0;    // 80 / 443 when the URL has none
  std::string target = "/";  // path and query ("/" when absent); the fragment is dropped

  bool host_is_ipv6() const;
  // The Host header value (RFC 6455 §4.1 item 4): brackets around IPv6, port only when not
  // the default for the scheme.
  std::string host_header() const;
  // host:port with brackets around IPv6, for messages ("127.0.0.1:9", "[::1]:443").
  std::string authority() const;
  // The URL written back: ws://host:port/target.
  std::string to_string() const;
};

// Parses a ws:// or wss:// URL; throws address_error naming the problem.
ws_url parse_ws_url(std::string_view text);

// Where a server listens: an IPv4 literal, an IPv6 literal in brackets, or "localhost"
// (meaning 127.0.0.1), and a port 0..65535 (0 picks a free one).
struct listen_address {
  std::string host;  // IPv6 without brackets
  std::uint16_t port = 0;

  // host:port with brackets around IPv6.
  std::string to_string() const;
};

// Parses --listen HOST:PORT; throws address_error, e.g.
// "bad listen address 'nope': expected HOST:PORT".
listen_address parse_listen_address(std::string_view text);

// host:port with brackets around an IPv6 host.
std::string format_authority(std::string_view host, std::uint16_t port);

}  // namespace wsprobe::net
