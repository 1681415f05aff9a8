#include "harness/wire/close.hpp"

#include <string>

#include "harness/wire/utf8.hpp"

namespace wsprobe::wire {

bool is_valid_close_code(std::uint16_t code) {
  // RFC 6455 §7.4.1-§7.4.2 and the IANA registry: 1004 is reserved, 1005, 1006 and 1015 are
  // for reporting only, 1016-2999 are unassigned, 3000-4999 belong to libraries and applications.
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

close_parse_result parse_close_payload(std::span<const std::uint8_t> payload) {
  close_parse_result r;
  if (payload.empty()) return r;  // no status code: the receiver reports 1005
  if (payload.size() == 1) {
    r.ok = false;
    r.error = "close payload of 1 byte (a status code takes 2)";
    r.fail_code = close_code::protocol_error;
    return r;
  }
  const auto code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
  r.payload.code = code;
  r.payload.reason.assign(payload.begin() + 2, payload.end());
  if (!is_valid_close_code(code)) {
    r.ok = false;
    r.error = "close code " + std::to_string(code) + " is not allowed on the wire";
    r.fail_code = close_code::protocol_error;
    return r;
  }
  utf8_validator v;
  v.feed(payload.subspan(2));
  if (!v.complete()) {
    r.ok = false;
    r.error = v.failed() ? "close reason is not valid UTF-8 (byte " +
                               std::to_string(v.error_offset()) + " of the reason)"
                         : "close reason ends inside a UTF-8 sequence";
    r.fail_code = close_code::invalid_payload;
  }
  return r;
}

std::vector<std::uint8_t> build_close_payload(std::optional<std::uint16_t> code,
                                              std::string_view reason) {
  std::vector<std::uint8_t> out;
  out.reserve(2 + reason.size());
  if (code) {
    out.push_back(static_cast<std::uint8_t>(*code >> 8));
    out.push_back(static_cast<std::uint8_t>(*code & 0xFF));
  }
  // A reason without a code is malformed on the wire; it is written anyway for negative tests.
  out.insert(out.end(), reason.begin(), reason.end());
  return out;
}

}  // namespace wsprobe::wire
