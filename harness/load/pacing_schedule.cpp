#include "harness/load/pacing_schedule.hpp"

#include <cmath>
#include <stdexcept>

namespace wsprobe::load {

pacing_schedule::pacing_schedule(clock::time_point start, double rate)
    : start_(start), rate_(rate), period_ns_(rate > 0 ? 1e9 / rate : 0) {
  if (!(rate > 0) || !std::isfinite(rate)) {
    throw std::invalid_argument("pacing rate must be a positive number");
  }
}

pacing_schedule::clock::time_point pacing_schedule::intended(std::uint64_t n) const {
  const auto offset = static_cast<std::int64_t>(std::llround(static_cast<double>(n) * period_ns_));
  return start_ + std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(offset));
}

std::uint64_t pacing_schedule::due_by(clock::time_point now) const {
  if (now < start_) return 0;
  const double elapsed_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - start_).count());
  // Estimate, then correct against intended() so both agree exactly despite rounding.
  auto n = static_cast<std::uint64_t>(elapsed_ns / period_ns_) + 1;
  while (n > 0 && intended(n - 1) > now) --n;
  while (intended(n) <= now) ++n;
  return n;
}

std::uint64_t pacing_schedule::count_in(clock::time_point from, clock::time_point to) const {
  if (to <= from) return 0;
  // due_by counts events <= t; [from, to) is those <= to-1tick minus those <= from-1tick.
  const auto tick = clock::duration(1);
  return due_by(to - tick) - due_by(from - tick);
}

}  // namespace wsprobe::load
