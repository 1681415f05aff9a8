// HTTP/1.1 message heads (RFC 7230 §3) as plain data: a request or status line and an ordered
// list of header fields kept exactly as they were written (original case, repeats, order). The
// serializer writes the model back byte for byte, so a test can send any method, version, status
// or header, also invalid ones. The parser for these heads is in http_head_parser.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wsprobe::wire {

// One header field. On the wire: name ":" SP value CRLF.
struct http_header {
  std::string name;
  std::string value;

  friend bool operator==(const http_header&, const http_header&) = default;
};

// Header fields in wire order. Lookups compare names ASCII case-insensitively (RFC 7230 §3.2).
struct http_headers {
  std::vector<http_header> fields;

  // The value of the first field called `name`, or nullptr.
  const std::string* find(std::string_view name) const;
  // How many fields are called `name`.
  std::size_t count(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  // Every value of fields called `name`, in order.
  std::vector<std::string_view> values(std::string_view name) const;
  // The values of all fields called `name` joined with ", " (RFC 7230 §3.2.2); "" when absent.
  std::string combined(std::string_view name) const;

  // Appends a field (also a repeat of an existing name).
  void add(std::string_view name, std::string_view value);
  // Replaces the first field called `name` in place and removes the others; appends when absent.
  void set(std::string_view name, std::string_view value);
  // Removes every field called `name`; returns how many were removed.
  std::size_t remove(std::string_view name);

  friend bool operator==(const http_headers&, const http_headers&) = default;
};

struct http_request {
  std::string method = "GET";
  std::string target = "/";
  std::string version = "HTTP/1.1";  // as written, so that "HTTP/1.0" can be seen and sent
  http_headers headers;

  friend bool operator==(const http_request&, const http_request&) = default;
};

struct http_response {
  std::string version = "HTTP/1.1";
  unsigned status = 200;  // written in decimal, zero-padded to 3 digits; parsed from exactly 3
  std::string reason;     // reason-phrase, may be empty
  http_headers headers;

  friend bool operator==(const http_response&, const http_response&) = default;
};

// The head as bytes: start line, each field as `name ": " value CRLF` in list order, then the
// empty line. Nothing is checked, added or reordered.
std::string serialize(const http_request& request);
std::string serialize(const http_response& response);

// The usual reason-phrase for a status code ("Switching Protocols", "Bad Request", …), or "".
std::string_view status_reason(unsigned status);

// "HTTP/x.y" with x.y ≥ 1.1 (single digits, RFC 7230 §2.6).
bool is_http_version_at_least_1_1(std::string_view version);

// --- List-valued fields (RFC 7230 §7, the #rule) ---------------------------------------------

// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
// RFC 7230 §3.2.6 tchar / token.
bool is_tchar(char c);
bool is_token(std::string_view s);

// A comma-separated list of tokens, with optional whitespace around elements. Empty elements are
// skipped as §7 asks; anything that is not a token is an error.
struct token_list {
  std::vector<std::string> tokens;
  std::string error;  // empty when the list is well formed
  bool ok() const { return error.empty(); }
};
token_list parse_token_list(std::string_view value);

// Whether any field called `name` holds `token` as one of its comma-separated elements (ASCII
// case-insensitive; elements that are not tokens are ignored rather than failing the lookup).
// For Connection and Upgrade.
bool has_token(const http_headers& headers, std::string_view name, std::string_view token);

}  // namespace wsprobe::wire
