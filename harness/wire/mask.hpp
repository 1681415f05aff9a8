// Masking (RFC 6455 §5.3): XOR with a 4-byte key, several bytes at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "harness/wire/frame.hpp"

namespace wsprobe::wire {

// XORs `data` in place with `key`, starting at byte `phase` (0-3) of the key, and returns the
// phase for the byte that follows, so that a payload can be unmasked in pieces.
std::size_t apply_mask(std::span<std::uint8_t> data, const masking_key& key, std::size_t phase = 0);

// Copies `in` to `out` (same size) masked with `key` from byte 0 of the key.
void copy_masked(std::span<const std::uint8_t> in, std::uint8_t* out, const masking_key& key);

}  // namespace wsprobe::wire
