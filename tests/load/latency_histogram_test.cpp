#include "harness/load/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace wsprobe::load {
namespace {

// The value at percentile p of a sorted sample, by the nearest-rank rule the histogram uses.
std::uint64_t nearest_rank(const std::vector<std::uint64_t>& sorted, double p) {
  auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size()) - 1e-9));
  if (rank < 1) rank = 1;
  return sorted[rank - 1];
}

TEST(LatencyHistogram, BucketsAreExactBelow2048AndCoverEveryValueAbove) {
  for (std::uint64_t v = 0; v < 2048; ++v) {
    EXPECT_EQ(latency_histogram::bucket_index(v), v);
    EXPECT_EQ(latency_histogram::bucket_lowest(v), v);
    EXPECT_EQ(latency_histogram::bucket_highest(v), v);
  }
  // Buckets tile the range with no gap and no overlap, each narrower than 1/1024 of its values.
  for (std::size_t i = 2048; i + 1 < latency_histogram::bucket_count; ++i) {
    const auto low = latency_histogram::bucket_lowest(i);
    const auto high = latency_histogram::bucket_highest(i);
    ASSERT_EQ(latency_histogram::bucket_index(low), i);
    ASSERT_EQ(latency_histogram::bucket_index(high), i);
    ASSERT_EQ(latency_histogram::bucket_lowest(i + 1), high + 1);
    ASSERT_LE(high - low + 1, low / 1024) << "bucket " << i;
  }
  EXPECT_EQ(latency_histogram::bucket_index(latency_histogram::max_trackable),
            latency_histogram::bucket_count - 1);
  EXPECT_GE(latency_histogram::max_trackable, std::uint64_t{60'000'000});  // 60 s in µs
}

TEST(LatencyHistogram, PercentilesOfAUniformRunAreExactBelow2048) {
  latency_histogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.total_count(), 1000u);
  EXPECT_EQ(h.value_at_percentile(50), 500u);
  EXPECT_EQ(h.value_at_percentile(90), 900u);
  EXPECT_EQ(h.value_at_percentile(99), 990u);
  EXPECT_EQ(h.value_at_percentile(99.9), 999u);
  EXPECT_EQ(h.value_at_percentile(100), 1000u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 1000u);
  EXPECT_DOUBLE_EQ(h.mean(), 500.5);
}

TEST(LatencyHistogram, PercentilesOfWideDistributionsAreWithinThreeSignificantDigits) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(8.0, 2.0);  // µs: from ~1 to minutes
  std::vector<std::uint64_t> values;
  latency_histogram h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = std::min<std::uint64_t>(static_cast<std::uint64_t>(dist(rng)), 60'000'000);
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    const auto exact = nearest_rank(values, p);
    const auto got = h.value_at_percentile(p);
    // Same bucket: reported as the bucket's highest value, never below the exact one.
    EXPECT_GE(got, exact) << "p" << p;
    EXPECT_LE(static_cast<double>(got - exact), static_cast<double>(exact) / 1000.0 + 1)
        << "p" << p;
    EXPECT_EQ(latency_histogram::bucket_index(got), latency_histogram::bucket_index(exact));
  }
  EXPECT_EQ(h.value_at_percentile(100), values.back());
}

TEST(LatencyHistogram, ValuesAboveTheRangeKeepAnExactMax) {
  latency_histogram h;
  h.record(100);
  h.record(std::uint64_t{200'000'000});  // 200 s
  EXPECT_EQ(h.max(), std::uint64_t{200'000'000});
  EXPECT_EQ(h.value_at_percentile(100), std::uint64_t{200'000'000});
  EXPECT_EQ(h.value_at_percentile(50), 100u);
}

TEST(LatencyHistogram, MergeOfTwoEqualsTheHistogramOfTheUnion) {
  std::mt19937_64 rng(11);
  std::exponential_distribution<double> dist(1.0 / 5000.0);
  latency_histogram a, b, both;
  for (int i = 0; i < 50000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng));
    (i % 3 == 0 ? a : b).record(v);
    both.record(v);
  }
  latency_histogram merged;
  merged.merge(a);
  merged.merge(b);
  EXPECT_TRUE(merged.same_counts(both));
  EXPECT_EQ(merged.total_count(), both.total_count());
  EXPECT_EQ(merged.max(), both.max());
  EXPECT_EQ(merged.min(), both.min());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    EXPECT_EQ(merged.value_at_percentile(p), both.value_at_percentile(p));
  }
}

TEST(LatencyHistogram, SparsePairsRoundTripExactly) {
  latency_histogram h;
  for (std::uint64_t v : {0u, 5u, 5u, 2047u, 2048u, 4097u, 123456u, 59'999'999u}) h.record(v);
  const auto pairs = h.to_sparse();
  ASSERT_EQ(pairs.size(), 7u);  // the two 5s share a bucket
  EXPECT_EQ(pairs[1], (std::pair<std::uint64_t, std::uint64_t>{5, 2}));
  const auto back = latency_histogram::from_sparse(pairs);
  EXPECT_TRUE(back.same_counts(h));
  EXPECT_EQ(back.total_count(), h.total_count());
  // Merging serialised halves gives the same counts as merging the histograms.
  latency_histogram twice = back;
  twice.merge(latency_histogram::from_sparse(pairs));
  latency_histogram expected = h;
  expected.merge(h);
  EXPECT_TRUE(twice.same_counts(expected));
}

TEST(LatencyHistogram, ResetEmptiesIt) {
  latency_histogram h;
  h.record(10);
  h.record(1'000'000);
  h.reset();
  EXPECT_EQ(h.total_count(), 0u);
  EXPECT_EQ(h.value_at_percentile(99), 0u);
  EXPECT_TRUE(h.same_counts(latency_histogram{}));
  EXPECT_TRUE(h.to_sparse().empty());
}

}  // namespace
}  // namespace wsprobe::load
