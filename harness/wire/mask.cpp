#include "harness/wire/mask.hpp"

#include <cstring>

namespace wsprobe::wire {

namespace {
// The key repeated over 8 bytes, starting at key byte `phase`, in memory order so that a plain
// 64-bit load/XOR/store masks 8 payload bytes whatever the host byte order.
std::uint64_t key_word(const masking_key& key, std::size_t phase) {
  std::uint8_t bytes[8];
  for (std::size_t i = 0; i < 8; ++i) bytes[i] = key[(phase + i) & 3];
  std::uint64_t word;
  std::memcpy(&word, bytes, 8);
  return word;
}

// XORs n bytes (a multiple of 32) from in to out with the key word; in may equal out. Four
// independent words per round let the compiler use vector registers.
void xor_words(const std::uint8_t* in, std::uint8_t* out, std::size_t n, std::uint64_t word) {
  for (std::size_t i = 0; i < n; i += 32) {
    std::uint64_t w[4];
    std::memcpy(w, in + i, 32);
    w[0] ^= word;
    w[1] ^= word;
    w[2] ^= word;
    w[3] ^= word;
    std::memcpy(out + i, w, 32);
  }
}
}  // namespace

std::size_t apply_mask(std::span<std::uint8_t> data, const masking_key& key, std::size_t phase) {
  phase &= 3;
  std::uint8_t* p = data.data();
  std::size_t n = data.size();
  // Bytes up to an 8-byte boundary one at a time, so that the bulk loads are aligned.
  while (n > 0 && (reinterpret_cast<std::uintptr_t>(p) & 7) != 0) {
    *p++ ^= key[phase];
    phase = (phase + 1) & 3;
    --n;
  }
  const std::uint64_t word = key_word(key, phase);
  const std::size_t bulk = n & ~std::size_t{31};
  xor_words(p, p, bulk, word);  // 32 is a multiple of 4: the phase is unchanged
  p += bulk;
  n -= bulk;
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    w ^= word;
    std::memcpy(p, &w, 8);
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    *p++ ^= key[phase];
    phase = (phase + 1) & 3;
    --n;
  }
  return phase;
}

void copy_masked(std::span<const std::uint8_t> in, std::uint8_t* out, const masking_key& key) {
  const std::uint8_t* p = in.data();
  std::size_t n = in.size();
  const std::uint64_t word = key_word(key, 0);
  const std::size_t bulk = n & ~std::size_t{31};
  xor_words(p, out, bulk, word);
  std::size_t i = bulk;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    w ^= word;
    std::memcpy(out + i, &w, 8);
  }
  for (; i < n; ++i) out[i] = p[i] ^ key[i & 3];
}

}  // namespace wsprobe::wire
