// Close frame payloads and close status codes (RFC 6455 §5.5.1, §7.4; IANA "WebSocket Close Code
// Number Registry").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsprobe::wire {

namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;  // never on the wire
inline constexpr std::uint16_t abnormal = 1006;   // never on the wire
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t service_restart = 1012;  // IANA registered
inline constexpr std::uint16_t try_again_later = 1013;  // IANA registered
inline constexpr std::uint16_t bad_gateway = 1014;      // IANA registered
inline constexpr std::uint16_t tls_handshake = 1015;    // never on the wire
}  // namespace close_code

// May this code appear in a close frame? 1000-1003, 1007-1014 and 3000-4999.
bool is_valid_close_code(std::uint16_t code);

// Close reasons fit in a control frame: 125 - 2 bytes.
inline constexpr std::size_t max_close_reason = 123;

struct close_payload {
  std::optional<std::uint16_t> code;  // absent for an empty payload (received as 1005)
  std::string reason;
};

// Outcome of checking a received close payload: on error, why, and the code to close with.
struct close_parse_result {
  bool ok = true;
  close_payload payload;
  std::string error;            // "close payload of 1 byte", "close code 1005 on the wire", …
  std::uint16_t fail_code = 0;  // 1002 for a bad length or code, 1007 for a bad reason
};

close_parse_result parse_close_payload(std::span<const std::uint8_t> payload);

// Builds a close payload. Writes whatever it is given (invalid codes, long reasons) so that
// negative tests can send them; callers that must be correct check is_valid_close_code first.
std::vector<std::uint8_t> build_close_payload(std::optional<std::uint16_t> code,
                                              std::string_view reason = {});

}  // namespace wsprobe::wire
