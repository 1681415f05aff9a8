// When each message (or handshake) of an open-loop schedule is meant to start, sans I/O. The
// n-th event is due at start + n / rate, computed from n each time (never by adding intervals),
// so the schedule does not drift however long it runs; a sender that falls behind still stamps
// each message with its intended time, which is what latency is measured from (coordinated
// omission corrected).
#pragma once

#include <chrono>
#include <cstdint>

namespace wsprobe::load {

class pacing_schedule {
 public:
  using clock = std::chrono::steady_clock;

  // `rate` events per second (> 0) from `start` (event 0 is due at `start`).
  pacing_schedule(clock::time_point start, double rate);

  // When event n is due.
  clock::time_point intended(std::uint64_t n) const;
  // How many events are due at `now`: those with intended(n) <= now (0 before start).
  std::uint64_t due_by(clock::time_point now) const;
  // How many events fall in [from, to).
  std::uint64_t count_in(clock::time_point from, clock::time_point to) const;

  clock::time_point start() const { return start_; }
  double rate() const { return rate_; }

 private:
  clock::time_point start_;
  double rate_;
  double period_ns_;
};

}  // namespace wsprobe::load
