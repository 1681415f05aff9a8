#include "harness/load/echo_verifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "harness/load/echo_payload.hpp"
#include "harness/load/masking_key_source.hpp"

namespace wsprobe::load {
namespace {

using verdict = echo_verifier::verdict;

std::vector<std::uint8_t> make(const payload_spec& spec, std::uint64_t seq, std::uint64_t t) {
  std::vector<std::uint8_t> out(payload_size(spec, seq));
  fill_payload(spec, stamp{seq, t}, out.data());
  return out;
}

TEST(EchoPayload, StampRoundTripsAndStaysAscii) {
  const stamp s{(std::uint64_t{1} << 49) - 1, (std::uint64_t{1} << 63) - 12345};
  std::uint8_t bytes[stamp_size];
  write_stamp(bytes, s);
  for (auto b : bytes) EXPECT_LT(b, 0x80);
  const auto back = read_stamp(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seq, s.seq);
  EXPECT_EQ(back->sent_ns, s.sent_ns);
  bytes[3] |= 0x80;
  EXPECT_FALSE(read_stamp(bytes));
  EXPECT_FALSE(read_stamp(std::span<const std::uint8_t>(bytes, 15)));
}

TEST(EchoPayload, PatternDetectsAnyChangedByteAndDependsOnTheSequenceNumber) {
  payload_spec spec;
  spec.min_size = spec.max_size = 100;
  auto p = make(spec, 42, 7);
  EXPECT_TRUE(check_payload(spec, 42, p));
  EXPECT_FALSE(check_payload(spec, 43, p));  // another message's pattern
  for (std::size_t i = stamp_size; i < p.size(); ++i) {
    auto q = p;
    q[i] ^= 0x01;
    ASSERT_FALSE(check_payload(spec, 42, q)) << "byte " << i;
  }
  p.pop_back();
  EXPECT_FALSE(check_payload(spec, 42, p));  // truncated
}

TEST(EchoPayload, TextPayloadsArePrintableAscii) {
  payload_spec spec;
  spec.text = true;
  spec.min_size = spec.max_size = 300;
  const auto p = make(spec, 9, 1);
  for (std::size_t i = stamp_size; i < p.size(); ++i) {
    ASSERT_GE(p[i], 0x20);
    ASSERT_LE(p[i], 0x7E);
  }
  EXPECT_TRUE(check_payload(spec, 9, p));
}

TEST(EchoPayload, SizeDistributionIsUniformRangeKnownToTheReceiver) {
  payload_spec spec;
  spec.min_size = 16;
  spec.max_size = 20;
  std::vector<int> seen(21, 0);
  for (std::uint64_t seq = 0; seq < 5000; ++seq) {
    const auto n = payload_size(spec, seq);
    ASSERT_GE(n, 16u);
    ASSERT_LE(n, 20u);
    ++seen[n];
    ASSERT_TRUE(check_payload(spec, seq, make(spec, seq, 0)));
  }
  for (std::size_t n = 16; n <= 20; ++n) EXPECT_GT(seen[n], 800) << n;  // about 1000 each
}

TEST(EchoPayload, PayloadFileBytesFollowTheStamp) {
  payload_spec spec;
  for (int i = 0; i < 40; ++i) spec.fixed.push_back(static_cast<std::uint8_t>('a' + i % 26));
  auto p = make(spec, 3, 99);
  ASSERT_EQ(p.size(), 40u);
  EXPECT_EQ(p[20], spec.fixed[20]);
  EXPECT_EQ(read_stamp(p)->seq, 3u);
  EXPECT_TRUE(check_payload(spec, 3, p));
  p[39] = 'Z';
  EXPECT_FALSE(check_payload(spec, 3, p));
}

TEST(EchoVerifier, InOrderEchoesAreReceivedAndNothingIsLost) {
  echo_verifier v;
  for (std::uint64_t s = 0; s < 100; ++s) EXPECT_EQ(v.on_echo(true, s, true, 100), verdict::ok);
  EXPECT_EQ(v.tally().received, 100u);
  EXPECT_EQ(v.lost(100), 0u);
  EXPECT_EQ(v.tally().duplicated + v.tally().reordered + v.tally().corrupted, 0u);
}

TEST(EchoVerifier, CountsLostDuplicatedReorderedAndCorruptedEachByKind) {
  echo_verifier v;
  const std::uint64_t sent = 10;
  EXPECT_EQ(v.on_echo(true, 0, true, sent), verdict::ok);
  EXPECT_EQ(v.on_echo(true, 2, true, sent), verdict::ok);         // 1 skipped for now
  EXPECT_EQ(v.on_echo(true, 1, true, sent), verdict::reordered);  // after 2
  EXPECT_EQ(v.on_echo(true, 2, true, sent), verdict::duplicate);
  EXPECT_EQ(v.on_echo(true, 0, true, sent), verdict::duplicate);
  EXPECT_EQ(v.on_echo(true, 3, false, sent), verdict::corrupted);   // body changed
  EXPECT_EQ(v.on_echo(false, 0, false, sent), verdict::corrupted);  // stamp unreadable
  EXPECT_EQ(v.on_echo(true, 77, true, sent), verdict::corrupted);   // never sent
  EXPECT_EQ(v.on_echo(true, 5, true, sent), verdict::ok);           // 4 missing
  EXPECT_EQ(v.on_echo(true, 9, true, sent), verdict::ok);           // 6, 7, 8 missing
  EXPECT_EQ(v.on_echo(true, 7, true, sent), verdict::reordered);
  EXPECT_EQ(v.on_echo(true, 9, true, sent), verdict::duplicate);  // above the gap, too

  const auto& t = v.tally();
  EXPECT_EQ(t.received, 6u);  // 0, 1, 2, 5, 7, 9
  EXPECT_EQ(t.reordered, 2u);
  EXPECT_EQ(t.duplicated, 3u);
  EXPECT_EQ(t.corrupted, 3u);
  // Seen: 0, 1, 2, 3 (corrupted but back), 5, 7, 9 → lost 4, 6, 8.
  EXPECT_EQ(v.lost(sent), 3u);
  EXPECT_EQ(v.outstanding(sent), 3u);
}

TEST(MaskingKeySource, KeysAreFreshAndNeverZero) {
  masking_key_source keys;
  std::vector<wire::masking_key> seen;
  for (int i = 0; i < 5000; ++i) {  // more than one pool
    const auto k = keys.next();
    ASSERT_NE(k, wire::masking_key{});
    seen.push_back(k);
  }
  std::sort(seen.begin(), seen.end());
  const auto distinct = std::unique(seen.begin(), seen.end()) - seen.begin();
  EXPECT_GT(distinct, 4990);  // 32-bit random keys: a handful of collisions at most
}

}  // namespace
}  // namespace wsprobe::load
