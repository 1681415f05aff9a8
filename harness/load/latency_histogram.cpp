#include "harness/load/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace wsprobe::load {

latency_histogram::latency_histogram() : counts_(bucket_count, 0) {}

std::size_t latency_histogram::bucket_index(std::uint64_t value) {
  if (value > max_trackable) value = max_trackable;
  if (value < sub_bucket_count) return static_cast<std::size_t>(value);
  // value has bit_width w > 11: shift it right so that 1024 <= (value >> shift) < 2048.
  const unsigned shift = static_cast<unsigned>(std::bit_width(value)) - sub_bucket_bits;
  return static_cast<std::size_t>(sub_bucket_count + (shift - 1) * sub_bucket_half +
                                  ((value >> shift) - sub_bucket_half));
}

std::uint64_t latency_histogram::bucket_lowest(std::size_t index) {
  if (index < sub_bucket_count) return index;
  const std::uint64_t above = index - sub_bucket_count;
  const unsigned shift = static_cast<unsigned>(above / sub_bucket_half) + 1;
  return (sub_bucket_half + above % sub_bucket_half) << shift;
}

std::uint64_t latency_histogram::bucket_highest(std::size_t index) {
  if (index + 1 >= bucket_count) return max_trackable;
  return bucket_lowest(index + 1) - 1;
}

void latency_histogram::record(std::uint64_t value_us, std::uint64_t count) {
  if (count == 0) return;
  const std::size_t index = bucket_index(value_us);
  counts_[index] += count;
  total_ += count;
  min_ = std::min(min_, value_us);
  max_ = std::max(max_, value_us);
  lowest_used_ = std::min(lowest_used_, index);
  highest_used_ = std::max(highest_used_, index);
}

void latency_histogram::merge(const latency_histogram& other) {
  if (other.total_ == 0) return;
  for (std::size_t i = other.lowest_used_; i <= other.highest_used_; ++i) {
    counts_[i] += other.counts_[i];
  }
  total_ += other.total_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  lowest_used_ = std::min(lowest_used_, other.lowest_used_);
  highest_used_ = std::max(highest_used_, other.highest_used_);
}

void latency_histogram::reset() {
  if (total_ != 0) {
    std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(lowest_used_),
              counts_.begin() + static_cast<std::ptrdiff_t>(highest_used_) + 1, 0);
  }
  total_ = 0;
  min_ = ~std::uint64_t{0};
  max_ = 0;
  lowest_used_ = bucket_count;
  highest_used_ = 0;
}

double latency_histogram::mean() const {
  if (total_ == 0) return 0.0;
  long double sum = 0;
  for (std::size_t i = lowest_used_; i <= highest_used_; ++i) {
    if (counts_[i] == 0) continue;
    // The middle of the bucket (exact for the single-value buckets below 2048).
    const long double mid = (static_cast<long double>(bucket_lowest(i)) + bucket_highest(i)) / 2;
    sum += mid * counts_[i];
  }
  return static_cast<double>(sum / total_);
}

std::uint64_t latency_histogram::value_at_percentile(double percentile) const {
  if (total_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  if (percentile >= 100.0) return max_;
  // The rank of the sample asked for, 1-based: at least one sample.
  // (The small margin keeps 99.9 % of 1000 at rank 999 despite binary rounding.)
  auto rank = static_cast<std::uint64_t>(
      std::ceil(percentile / 100.0 * static_cast<double>(total_) - 1e-9));
  rank = std::clamp<std::uint64_t>(rank, 1, total_);
  std::uint64_t seen = 0;
  for (std::size_t i = lowest_used_; i <= highest_used_; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(bucket_highest(i), max_);
  }
  return max_;
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> latency_histogram::to_sparse() const {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  if (total_ == 0) return out;
  for (std::size_t i = lowest_used_; i <= highest_used_; ++i) {
    if (counts_[i] != 0) out.emplace_back(bucket_lowest(i), counts_[i]);
  }
  return out;
}

latency_histogram latency_histogram::from_sparse(
    const std::vector<std::pair<std::uint64_t, std::uint64_t>>& pairs) {
  latency_histogram h;
  for (const auto& [value, count] : pairs) h.record(value, count);
  return h;
}

}  // namespace wsprobe::load
