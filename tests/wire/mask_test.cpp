// Masking: word-at-a-time XOR must equal the byte-by-byte definition of RFC 6455 §5.3 for every
// length, alignment and starting phase, and carry the phase across pieces.
#include "harness/wire/mask.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace wsprobe::wire {
namespace {

using bytes = std::vector<std::uint8_t>;

const masking_key key = {0xA1, 0xB2, 0xC3, 0xD4};

bytes pattern(std::size_t n) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 13 + 1);
  return b;
}

// RFC 6455 §5.3: transformed-octet-i = original-octet-i XOR masking-key-octet-(i MOD 4).
bytes reference_mask(const bytes& in, std::size_t phase) {
  bytes out = in;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= key[(i + phase) % 4];
  return out;
}

TEST(Mask, MatchesTheDefinitionForEveryLengthAlignmentAndPhase) {
  for (std::size_t len = 0; len < 100; ++len) {
    for (std::size_t offset = 0; offset < 8; ++offset) {
      for (std::size_t phase = 0; phase < 4; ++phase) {
        bytes storage(len + offset + 8, 0x55);
        const bytes data = pattern(len);
        std::copy(data.begin(), data.end(), storage.begin() + offset);
        const std::size_t next =
            apply_mask(std::span<std::uint8_t>(storage.data() + offset, len), key, phase);
        EXPECT_EQ(next, (phase + len) % 4);
        ASSERT_EQ(bytes(storage.begin() + offset, storage.begin() + offset + len),
                  reference_mask(data, phase))
            << len << " " << offset << " " << phase;
        // Bytes around the span are untouched.
        for (std::size_t i = 0; i < offset; ++i) ASSERT_EQ(storage[i], 0x55);
        for (std::size_t i = offset + len; i < storage.size(); ++i) ASSERT_EQ(storage[i], 0x55);
      }
    }
  }
}

TEST(Mask, PhaseCarriesAcrossPieces) {
  const bytes data = pattern(1000);
  const bytes expected = reference_mask(data, 0);
  for (std::size_t cut1 : {0u, 1u, 3u, 7u, 8u, 33u, 500u}) {
    for (std::size_t cut2 : {cut1, cut1 + 1, cut1 + 2, cut1 + 65, std::size_t{999}}) {
      bytes b = data;
      std::span<std::uint8_t> all(b);
      std::size_t phase = apply_mask(all.first(cut1), key, 0);
      phase = apply_mask(all.subspan(cut1, cut2 - cut1), key, phase);
      apply_mask(all.subspan(cut2), key, phase);
      ASSERT_EQ(b, expected) << cut1 << " " << cut2;
    }
  }
}

TEST(Mask, MaskingTwiceRestoresTheData) {
  const bytes data = pattern(4097);
  bytes b = data;
  apply_mask(b, key);
  EXPECT_NE(b, data);
  apply_mask(b, key);
  EXPECT_EQ(b, data);
}

TEST(Mask, CopyMaskedMatchesTheDefinition) {
  for (std::size_t len : {0u, 1u, 3u, 4u, 7u, 8u, 31u, 32u, 33u, 64u, 1000u, 65536u}) {
    const bytes data = pattern(len);
    bytes out(len + 1, 0xEE);
    copy_masked(data, out.data() + 1, key);  // unaligned destination
    EXPECT_EQ(out[0], 0xEE);
    EXPECT_EQ(bytes(out.begin() + 1, out.end()), reference_mask(data, 0)) << len;
  }
}

TEST(Mask, RfcExampleHello) {
  bytes hello = {'H', 'e', 'l', 'l', 'o'};
  apply_mask(hello, masking_key{0x37, 0xfa, 0x21, 0x3d});
  EXPECT_EQ(hello, (bytes{0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

}  // namespace
}  // namespace wsprobe::wire
