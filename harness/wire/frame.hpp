// RFC 6455 §5.2 frame vocabulary shared by the encoder, the decoder and everything above them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace wsprobe::wire {

// Opcodes are kept as raw 4-bit values so that reserved ones (3-7, 0xB-0xF) can be sent and seen.
namespace opcode {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace opcode

inline constexpr bool is_control(std::uint8_t op) {
  return (op & 0x8) != 0;
}
inline constexpr bool is_reserved_opcode(std::uint8_t op) {
  return (op >= 0x3 && op <= 0x7) || op >= 0xB;
}
// "text", "binary", "ping", …, or "reserved-N"; for logs and reports.
std::string_view opcode_name(std::uint8_t op);
// Inverse of opcode_name for the five data/control names and "continuation"; nullopt otherwise.
std::optional<std::uint8_t> opcode_from_name(std::string_view name);

// Which side of the connection a codec works for. A server receives masked frames and sends
// unmasked ones; a client the reverse (RFC 6455 §5.1).
enum class role { client, server };

using masking_key = std::array<std::uint8_t, 4>;

// Control frames carry at most 125 payload bytes (RFC 6455 §5.5).
inline constexpr std::uint64_t max_control_payload = 125;

// A decoded frame header, exactly as it stood on the wire.
struct frame_header {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  std::uint8_t opcode = opcode::text;
  bool masked = false;
  masking_key key{};
  std::uint64_t payload_length = 0;
  std::uint8_t header_size = 2;  // bytes on the wire, 2 to 14
};

// A whole frame with its payload unmasked.
struct frame {
  frame_header header;
  std::vector<std::uint8_t> payload;
};

}  // namespace wsprobe::wire
