// Masking keys for client frames (RFC 6455 §5.3: a fresh key per frame, unpredictable, from a
// strong source of entropy). Keys come from OpenSSL's CSPRNG, drawn a few kilobytes at a time so
// that a frame costs a 4-byte copy instead of a call into the generator. One per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "harness/wire/frame.hpp"

namespace wsprobe::load {

class masking_key_source {
 public:
  // The next key; never all-zero (a zero key would leave the payload unmasked on the wire).
  // Throws std::runtime_error if the generator fails.
  wire::masking_key next();
  // Fills `out` with bytes from the same pool (a Sec-WebSocket-Key nonce).
  void fill(std::span<std::uint8_t> out);

 private:
  void refill();

  static constexpr std::size_t pool_size = 4096;
  std::array<std::uint8_t, pool_size> pool_{};
  std::size_t used_ = pool_size;
};

}  // namespace wsprobe::load
