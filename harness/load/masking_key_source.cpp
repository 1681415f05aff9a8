#include "harness/load/masking_key_source.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace wsprobe::load {

void masking_key_source::refill() {
  if (RAND_bytes(pool_.data(), static_cast<int>(pool_.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: no masking keys");
  }
  used_ = 0;
}

void masking_key_source::fill(std::span<std::uint8_t> out) {
  while (!out.empty()) {
    if (used_ == pool_size) refill();
    const std::size_t n = std::min(out.size(), pool_size - used_);
    std::memcpy(out.data(), pool_.data() + used_, n);
    used_ += n;
    out = out.subspan(n);
  }
}

wire::masking_key masking_key_source::next() {
  for (;;) {
    if (used_ + 4 > pool_size) refill();
    wire::masking_key key;
    std::memcpy(key.data(), pool_.data() + used_, 4);
    used_ += 4;
    if (key != wire::masking_key{}) return key;
  }
}

}  // namespace wsprobe::load
