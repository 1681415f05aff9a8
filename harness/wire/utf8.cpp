#include "harness/wire/utf8.hpp"

#include <array>
#include <cstring>

namespace wsprobe::wire {

namespace {

// A byte-at-a-time automaton over the well-formed sequences of RFC 3629 §4. A state is what the
// next byte must be; a byte fails as soon as no continuation could make the sequence valid, so
// overlong forms, surrogates and code points above U+10FFFF fail at their first impossible byte
// (E0 80, ED A0, F0 80, F4 90), and C0, C1, F5-FF fail where they stand.
enum state : std::uint8_t {
  accept = 0,    // between code points
  tail1 = 1,     // one continuation byte left, 80-BF
  tail2 = 2,     // two left, next 80-BF
  tail2_e0 = 3,  // two left after E0, next A0-BF (no overlong)
  tail2_ed = 4,  // two left after ED, next 80-9F (no surrogate)
  tail3_f0 = 5,  // three left after F0, next 90-BF (no overlong)
  tail3 = 6,     // three left after F1-F3, next 80-BF
  tail3_f4 = 7,  // three left after F4, next 80-8F (at most U+10FFFF)
  reject = 8,
};

// Byte classes: which bytes behave alike in every state.
enum byte_class : std::uint8_t {
  ascii,     // 00-7F
  cont_lo,   // 80-8F
  cont_mid,  // 90-9F
  cont_hi,   // A0-BF
  never,     // C0, C1, F5-FF
  lead2,     // C2-DF
  lead3_e0,  // E0
  lead3,     // E1-EC, EE, EF
  lead3_ed,  // ED
  lead4_f0,  // F0
  lead4,     // F1-F3
  lead4_f4,  // F4
  class_count
};

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> c{};
  for (int b = 0; b < 256; ++b) {
    std::uint8_t k = never;
    if (b <= 0x7F)
      k = ascii;
    else if (b <= 0x8F)
      k = cont_lo;
    else if (b <= 0x9F)
      k = cont_mid;
    else if (b <= 0xBF)
      k = cont_hi;
    else if (b <= 0xC1)
      k = never;
    else if (b <= 0xDF)
      k = lead2;
    else if (b == 0xE0)
      k = lead3_e0;
    else if (b == 0xED)
      k = lead3_ed;
    else if (b <= 0xEF)
      k = lead3;
    else if (b == 0xF0)
      k = lead4_f0;
    else if (b <= 0xF3)
      k = lead4;
    else if (b == 0xF4)
      k = lead4_f4;
    c[b] = k;
  }
  return c;
}

using transition_table = std::array<std::array<std::uint8_t, class_count>, 9>;

constexpr transition_table make_transitions() {
  transition_table t{};
  for (auto& row : t) row.fill(reject);
  t[accept][ascii] = accept;
  t[accept][lead2] = tail1;
  t[accept][lead3_e0] = tail2_e0;
  t[accept][lead3] = tail2;
  t[accept][lead3_ed] = tail2_ed;
  t[accept][lead4_f0] = tail3_f0;
  t[accept][lead4] = tail3;
  t[accept][lead4_f4] = tail3_f4;
  for (std::uint8_t k : {cont_lo, cont_mid, cont_hi}) {
    t[tail1][k] = accept;
    t[tail2][k] = tail1;
    t[tail3][k] = tail2;
  }
  t[tail2_e0][cont_hi] = tail1;
  t[tail2_ed][cont_lo] = tail1;
  t[tail2_ed][cont_mid] = tail1;
  t[tail3_f0][cont_mid] = tail2;
  t[tail3_f0][cont_hi] = tail2;
  t[tail3_f4][cont_lo] = tail2;
  return t;
}

constexpr auto classes = make_classes();
constexpr auto transitions = make_transitions();
constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

// Index of the first non-ASCII byte of p[0, n), or n; checks 32 and then 8 bytes at a time.
std::size_t skip_ascii(const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    std::uint64_t w[4];
    std::memcpy(w, p + i, 32);
    if (((w[0] | w[1] | w[2] | w[3]) & high_bits) != 0) break;
  }
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if ((w & high_bits) != 0) break;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

}  // namespace

bool utf8_validator::feed(std::span<const std::uint8_t> bytes) {
  if (failed_) return false;
  const std::uint8_t* p = bytes.data();
  const std::size_t n = bytes.size();
  std::uint32_t s = state_;
  std::size_t i = 0;
  while (i < n) {
    if (s == accept) {
      i += skip_ascii(p + i, n - i);
      if (i == n) break;
    }
    s = transitions[s][classes[p[i]]];
    if (s == reject) {
      failed_ = true;
      error_offset_ = seen_ + i;
      seen_ += n;
      return false;
    }
    ++i;
  }
  state_ = s;
  seen_ += n;
  return true;
}

bool utf8_validator::feed(std::string_view text) {
  return feed(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                            text.size()));
}

bool is_valid_utf8(std::span<const std::uint8_t> bytes) {
  utf8_validator v;
  v.feed(bytes);
  return v.complete();
}

bool is_valid_utf8(std::string_view text) {
  utf8_validator v;
  v.feed(text);
  return v.complete();
}

}  // namespace wsprobe::wire
