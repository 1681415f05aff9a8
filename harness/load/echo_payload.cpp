#include "harness/load/echo_payload.hpp"

#include <bit>
#include <cstring>

namespace wsprobe::load {
namespace {

// SplitMix64 finaliser: a cheap, well-mixed function of the sequence number.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Pattern word j of message seq: a per-message seed plus j times an odd constant, so that
// neighbouring words differ and a shifted run of bytes does not match.
std::uint64_t pattern_word(std::uint64_t seed, std::uint64_t j) {
  return seed + j * 0xD6E8FEB86659FD93ull;
}

// Text patterns: map each byte into printable ASCII 0x20..0x7E (95 values).
std::uint8_t to_text(std::uint8_t b) {
  return static_cast<std::uint8_t>(0x20 + b % 95);
}

// Binary patterns are the words themselves in little-endian order, so on a little-endian host a
// whole word is one 8-byte store or compare.
constexpr bool words_are_bytes = std::endian::native == std::endian::little;

void fill_pattern(std::uint64_t seq, bool text, std::uint8_t* out, std::size_t from,
                  std::size_t to) {
  const std::uint64_t seed = mix(seq);
  std::size_t i = from;
  if (!text && words_are_bytes && i % 8 == 0) {
    for (; i + 8 <= to; i += 8) {
      const std::uint64_t w = pattern_word(seed, i / 8);
      std::memcpy(out + i, &w, 8);
    }
  }
  while (i < to) {
    const std::uint64_t j = i / 8;
    const std::uint64_t w = pattern_word(seed, j);
    for (std::size_t k = i % 8; k < 8 && i < to; ++k, ++i) {
      const auto b = static_cast<std::uint8_t>(w >> (8 * k));
      out[i] = text ? to_text(b) : b;
    }
  }
}

}  // namespace

void write_stamp(std::uint8_t* out, const stamp& s) {
  std::uint64_t seq = s.seq;
  for (int i = 0; i < 7; ++i, seq >>= 7) out[i] = static_cast<std::uint8_t>(seq & 0x7F);
  std::uint64_t t = s.sent_ns;
  for (int i = 7; i < 16; ++i, t >>= 7) out[i] = static_cast<std::uint8_t>(t & 0x7F);
}

std::optional<stamp> read_stamp(std::span<const std::uint8_t> in) {
  if (in.size() < stamp_size) return std::nullopt;
  stamp s;
  for (int i = 6; i >= 0; --i) {
    if (in[i] & 0x80) return std::nullopt;
    s.seq = (s.seq << 7) | in[i];
  }
  for (int i = 15; i >= 7; --i) {
    if (in[i] & 0x80) return std::nullopt;
    s.sent_ns = (s.sent_ns << 7) | in[i];
  }
  return s;
}

std::size_t payload_size(const payload_spec& spec, std::uint64_t seq) {
  if (!spec.fixed.empty()) return spec.fixed.size();
  if (spec.max_size <= spec.min_size) return spec.min_size;
  const std::uint64_t span = spec.max_size - spec.min_size + 1;
  return spec.min_size + static_cast<std::size_t>(mix(seq ^ 0x5A5A5A5A5A5A5A5Aull) % span);
}

void fill_payload(const payload_spec& spec, const stamp& s, std::uint8_t* out) {
  const std::size_t size = payload_size(spec, s.seq);
  if (!spec.fixed.empty()) {
    std::memcpy(out, spec.fixed.data(), size);
  } else {
    fill_pattern(s.seq, spec.text, out, stamp_size, size);
  }
  write_stamp(out, s);
}

bool check_payload(const payload_spec& spec, std::uint64_t seq,
                   std::span<const std::uint8_t> payload) {
  const std::size_t size = payload_size(spec, seq);
  if (payload.size() != size || size < stamp_size) return false;
  if (!spec.fixed.empty()) {
    return std::memcmp(payload.data() + stamp_size, spec.fixed.data() + stamp_size,
                       size - stamp_size) == 0;
  }
  // Compare against the pattern a word at a time, without a buffer.
  const std::uint64_t seed = mix(seq);
  std::size_t i = stamp_size;
  if (!spec.text && words_are_bytes) {
    for (; i + 8 <= size; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, payload.data() + i, 8);
      if (w != pattern_word(seed, i / 8)) return false;
    }
  }
  while (i < size) {
    const std::uint64_t w = pattern_word(seed, i / 8);
    for (std::size_t k = i % 8; k < 8 && i < size; ++k, ++i) {
      const auto b = static_cast<std::uint8_t>(w >> (8 * k));
      if (payload[i] != (spec.text ? to_text(b) : b)) return false;
    }
  }
  return true;
}

}  // namespace wsprobe::load
