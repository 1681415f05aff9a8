// Frame encoder (RFC 6455 §5.2) that can write any bit pattern, the invalid ones included, so
// that test cases and fault-injected peers can send exactly what they mean to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "harness/wire/frame.hpp"

namespace wsprobe::wire {

// How the payload length is written: the shortest form (what RFC 6455 §5.2 requires), or the
// 16-bit or 64-bit extended form whatever the size (non-minimal encodings for negative tests).
enum class length_form { minimal, len16, len64 };

// Everything that goes into one frame header.
struct frame_spec {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  std::uint8_t opcode = opcode::text;  // any 4-bit value, reserved ones included
  std::optional<masking_key> mask;     // mask bit set and payload masked with this key
  length_form form = length_form::minimal;
  std::optional<std::uint64_t> declared_length;  // header says this instead of the payload size
  bool length_msb = false;  // set the most significant bit of a 64-bit length (forces len64)
};

// Longest possible header: 2 + 8 (64-bit length) + 4 (masking key).
inline constexpr std::size_t max_header_size = 14;

// Size of the header `spec` produces for a payload of `payload_size` bytes.
std::size_t header_size(const frame_spec& spec, std::uint64_t payload_size);

// Writes the header into `out` (at least max_header_size bytes) and returns its size. Does not
// allocate: the load generator encodes every frame this way.
std::size_t write_header(std::uint8_t* out, const frame_spec& spec, std::uint64_t payload_size);

// Appends header and payload (masked when spec.mask is set) to `out`.
void encode_frame(const frame_spec& spec, std::span<const std::uint8_t> payload,
                  std::vector<std::uint8_t>& out);
std::vector<std::uint8_t> encode_frame(const frame_spec& spec,
                                       std::span<const std::uint8_t> payload);

}  // namespace wsprobe::wire
