// HDR-style log-linear latency histogram: exact below 2048 µs, then 1024 sub-buckets per power of
// two, so every recorded value is known to 3 significant digits (relative error < 1/1024) up to
// the largest trackable value (~67 s). Histograms merge by adding counts, and serialise as sparse
// [value_us, count] pairs that load back into the very same buckets, so merges are exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace wsprobe::load {

class latency_histogram {
 public:
  // 2048 sub-buckets per power of two: values 0..2047 each get their own bucket.
  static constexpr unsigned sub_bucket_bits = 11;
  static constexpr std::uint64_t sub_bucket_count = std::uint64_t{1} << sub_bucket_bits;
  static constexpr std::uint64_t sub_bucket_half = sub_bucket_count / 2;
  // Values up to 2^26 - 1 µs (67.1 s) keep full resolution; larger ones land in the top bucket
  // (max() still reports them exactly).
  static constexpr unsigned max_value_bits = 26;
  static constexpr std::uint64_t max_trackable = (std::uint64_t{1} << max_value_bits) - 1;
  static constexpr std::size_t bucket_count =
      sub_bucket_count + (max_value_bits - sub_bucket_bits) * sub_bucket_half;

  latency_histogram();

  // Adds `count` samples of `value_us`.
  void record(std::uint64_t value_us, std::uint64_t count = 1);
  // Adds every count of `other` (exact: both use the same buckets).
  void merge(const latency_histogram& other);
  // Forgets every sample.
  void reset();

  std::uint64_t total_count() const { return total_; }
  // Smallest and largest recorded values, exact (0 when empty).
  std::uint64_t min() const { return total_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const;

  // The smallest bucket value v such that at least `percentile` % of the samples are <= v's
  // bucket, reported as that bucket's highest value (capped at max()); 0 when empty.
  // percentile is clamped to [0, 100]; 100 gives max().
  std::uint64_t value_at_percentile(double percentile) const;

  // Non-empty buckets as (lowest value of the bucket, count), ascending.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> to_sparse() const;
  // Records every pair; the inverse of to_sparse() (min/max become bucket bounds).
  static latency_histogram from_sparse(
      const std::vector<std::pair<std::uint64_t, std::uint64_t>>& pairs);

  // Bucket arithmetic, public for tests and for readers of serialised histograms.
  static std::size_t bucket_index(std::uint64_t value);
  static std::uint64_t bucket_lowest(std::size_t index);
  static std::uint64_t bucket_highest(std::size_t index);

  // Same counts in every bucket.
  bool same_counts(const latency_histogram& other) const { return counts_ == other.counts_; }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t min_ = ~std::uint64_t{0};
  std::uint64_t max_ = 0;
  // Range of buckets that may be non-zero, so that reset and scans skip the empty rest.
  std::size_t lowest_used_ = bucket_count;
  std::size_t highest_used_ = 0;
};

}  // namespace wsprobe::load
