// Fuzzes utf8_validator: the text is validated in one piece, in random pieces (seeded by the
// first byte, empty pieces included) and by a plain code-point decoder written from RFC 3629 §4;
// any disagreement on validity, completeness or the failing offset is a crash.
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "harness/wire/utf8.hpp"

namespace {
using namespace wsprobe::wire;

void check(bool ok) {
  if (!ok) std::abort();
}

struct verdict {
  std::optional<std::size_t> fails_at;
  bool complete = true;
};

// Decodes sequence by sequence. Fails at the first byte that cannot belong to a well-formed
// sequence: a bad lead, or a continuation outside the range RFC 3629 allows at that position.
verdict reference(const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t b = p[i];
    std::size_t len = 0;
    std::uint8_t lo = 0x80, hi = 0xBF;  // range of the second byte
    if (b < 0x80) {
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return {i, false};
    }
    for (std::size_t k = 1; k < len; ++k) {
      if (i + k >= n) return {std::nullopt, false};
      const std::uint8_t c = p[i + k];
      const std::uint8_t min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
      if (c < min || c > max) return {i + k, false};
    }
    i += len;
  }
  return {};
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::uint32_t seed = data[0] * 2654435761u + 1;
  const std::uint8_t* text = data + 1;
  const std::size_t n = size - 1;

  utf8_validator one;
  const bool one_ok = one.feed({text, n});
  check(one_ok == !one.failed());
  check(one.bytes_seen() == n);

  utf8_validator split;
  std::size_t pos = 0;
  while (pos < n) {
    seed = seed * 1103515245u + 12345u;
    const std::size_t len = std::min<std::size_t>(n - pos, (seed >> 16) % 20);
    split.feed({text + pos, len});
    pos += len;
  }
  check(split.failed() == one.failed());
  check(split.complete() == one.complete());
  if (one.failed()) check(split.error_offset() == one.error_offset());

  const verdict ref = reference(text, n);
  check(one.failed() == ref.fails_at.has_value());
  if (ref.fails_at) check(one.error_offset() == *ref.fails_at);
  check(one.complete() == (!ref.fails_at && ref.complete));
  check(is_valid_utf8(std::span<const std::uint8_t>(text, n)) == one.complete());
  return 0;
}
