// Sec-WebSocket-Extensions values (RFC 6455 §9.1) parsed into offers with parameters, e.g.
// `permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-foo`. Parameter values
// may be tokens or quoted-strings whose unescaped content must again be a token (RFC 6455 §9.1,
// RFC 7692 §7.1 shows `server_max_window_bits="10"`). What an extension's parameters mean is left
// to its negotiation (permessage-deflate lives elsewhere in wire/).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/wire/http_head.hpp"

namespace wsprobe::wire {

struct extension_param {
  std::string name;
  std::optional<std::string> value;  // nullopt for a bare `name`; unescaped when it was quoted
  bool quoted = false;               // the value was written as a quoted-string

  friend bool operator==(const extension_param&, const extension_param&) = default;
};

// One element of the list: an extension name and its parameters in order (repeats kept).
struct extension_offer {
  std::string name;
  std::vector<extension_param> params;

  // The first parameter called `name` (ASCII case-insensitive), or nullptr.
  const extension_param* find(std::string_view param_name) const;

  friend bool operator==(const extension_offer&, const extension_offer&) = default;
};

struct extension_list {
  std::vector<extension_offer> offers;
  std::string error;  // empty when well formed
  bool ok() const { return error.empty(); }
};

// Parses one field value. Whitespace around ',', ';' and '=' is allowed; empty list elements are
// skipped (RFC 7230 §7); a value with no extension at all is an error.
extension_list parse_extensions(std::string_view value);
// Parses every Sec-WebSocket-Extensions field of a head, in order, as one list. No such field
// gives an empty, well-formed list.
extension_list parse_extensions(const http_headers& headers);

// Writes offers back as a field value: `name; p; q=v, other`. Values flagged quoted, or that are
// not tokens, are written as quoted-strings.
std::string serialize_extensions(const std::vector<extension_offer>& offers);

}  // namespace wsprobe::wire
