#include "harness/net/url.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wsprobe::net {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_ipv6_literal(std::string_view s) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(s), ec);
  return !ec && address.is_v6();
}

bool is_ipv4_literal(std::string_view s) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(s), ec);
  return !ec && address.is_v4();
}

// Parses a decimal port 0..65535; nullopt-like false on anything else.
bool parse_port(std::string_view text, std::uint16_t& port) {
  if (text.empty() || text.size() > 5) return false;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  unsigned value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// RFC 3986 reg-name characters we accept in a host (no percent-encoding in host names here).
bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

struct host_port {
  std::string host;
  std::string_view port_text;  // empty when there is no ":PORT"
  bool has_port = false;
};

// Splits "host", "host:port", "[v6]" or "[v6]:port". `fail` throws with the given reason.
template <typename Fail>
host_port split_host_port(std::string_view authority, Fail fail) {
  host_port out;
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) fail("missing ']' after IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    if (!is_ipv6_literal(out.host)) fail("'" + out.host + "' is not an IPv6 address");
    rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') fail("unexpected text after ']'");
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      if (authority.find(':', colon + 1) != std::string_view::npos)
        fail("IPv6 addresses must be written in brackets, e.g. [::1]");
      rest = authority.substr(colon);
    }
  }
  if (!rest.empty()) {
    out.has_port = true;
    out.port_text = rest.substr(1);
  }
  return out;
}

}  // namespace

bool ws_url::host_is_ipv6() const {
  return host.find(':') != std::string::npos;
}

std::string format_authority(std::string_view host, std::uint16_t port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  out.append(":").append(std::to_string(port));
  return out;
}

std::string ws_url::host_header() const {
  const std::uint16_t default_port = secure ? 443 : 80;
  // Appends rather than operator+: g++ 12 warns falsely (-Wrestrict) on "[" + host.
  std::string out;
  if (host_is_ipv6()) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  if (port != default_port) out.append(":").append(std::to_string(port));
  return out;
}

std::string ws_url::authority() const {
  return format_authority(host, port);
}

std::string ws_url::to_string() const {
  return std::string(secure ? "wss://" : "ws://") + authority() + target;
}

ws_url parse_ws_url(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    throw address_error("bad URL '" + std::string(text) + "': " + why);
  };
  ws_url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) fail("scheme must be ws:// or wss://");
  const std::string scheme = lower(text.substr(0, scheme_end));
  if (scheme == "ws") {
    url.secure = false;
  } else if (scheme == "wss") {
    url.secure = true;
  } else {
    fail("scheme must be ws:// or wss://");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  // RFC 6455 §3: fragment identifiers are not allowed in WebSocket URIs; a '#' is an error.
  if (rest.find('#') != std::string_view::npos) fail("fragment ('#') is not allowed");
  const auto authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  if (authority.find('@') != std::string_view::npos) fail("user info ('@') is not supported");
  if (authority.empty()) fail("missing host");
  auto parts = split_host_port(authority, fail);
  if (parts.host.empty()) fail("missing host");
  if (!is_ipv6_literal(parts.host)) {
    if (!std::all_of(parts.host.begin(), parts.host.end(), is_host_char))
      fail("invalid character in host '" + parts.host + "'");
    parts.host = lower(parts.host);
  }
  url.host = parts.host;
  url.port = url.secure ? 443 : 80;
  if (parts.has_port) {
    if (!parse_port(parts.port_text, url.port) || url.port == 0)
      fail("port must be a number from 1 to 65535");
  }
  if (authority_end != std::string_view::npos) {  // otherwise target keeps its default "/"
    std::string_view target = rest.substr(authority_end);
    url.target.clear();
    if (target.front() == '?') url.target.push_back('/');
    url.target.append(target);
  }
  for (char c : url.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      fail("path contains a space or control character");
  }
  return url;
}

std::string listen_address::to_string() const {
  return format_authority(host, port);
}

listen_address parse_listen_address(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    throw address_error("bad listen address '" + std::string(text) + "': " + why);
  };
  if (text.find(':') == std::string_view::npos) fail("expected HOST:PORT");
  auto parts = split_host_port(text, fail);
  if (!parts.has_port) fail("expected HOST:PORT");
  listen_address out;
  if (lower(parts.host) == "localhost") {
    out.host = "127.0.0.1";
  } else if (is_ipv4_literal(parts.host) || is_ipv6_literal(parts.host)) {
    out.host = parts.host;
  } else if (parts.host.empty()) {
    fail("missing host (use 0.0.0.0 for every interface)");
  } else {
    fail("host must be an IPv4 address, an IPv6 address in brackets, or localhost");
  }
  if (!parse_port(parts.port_text, out.port)) fail("port must be a number from 0 to 65535");
  return out;
}

}  // namespace wsprobe::net
