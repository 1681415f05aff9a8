#include "harness/load/pacing_schedule.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace wsprobe::load {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

const clock::time_point t0 = clock::time_point(std::chrono::seconds(1000));

TEST(PacingSchedule, IntendedTimesAreStartPlusNOverRate) {
  const pacing_schedule s(t0, 1000.0);  // one per millisecond
  EXPECT_EQ(s.intended(0), t0);
  EXPECT_EQ(s.intended(1), t0 + milliseconds(1));
  EXPECT_EQ(s.intended(2500), t0 + milliseconds(2500));
  // A rate that does not divide a second: times are rounded from n, never accumulated.
  const pacing_schedule third(t0, 3.0);
  EXPECT_EQ(third.intended(1), t0 + nanoseconds(333'333'333));
  EXPECT_EQ(third.intended(2), t0 + nanoseconds(666'666'667));
  EXPECT_EQ(third.intended(3'000'000), t0 + std::chrono::seconds(1'000'000));
}

TEST(PacingSchedule, DueByCountsEventsAtOrBeforeNow) {
  const pacing_schedule s(t0, 1000.0);
  EXPECT_EQ(s.due_by(t0 - nanoseconds(1)), 0u);
  EXPECT_EQ(s.due_by(t0), 1u);
  EXPECT_EQ(s.due_by(t0 + microseconds(999)), 1u);
  EXPECT_EQ(s.due_by(t0 + milliseconds(1)), 2u);
  EXPECT_EQ(s.due_by(t0 + std::chrono::seconds(2)), 2001u);
  // A sender that wakes late owes every message in between, each with its own intended time.
  EXPECT_EQ(s.due_by(t0 + milliseconds(50) + microseconds(10)) - s.due_by(t0 + microseconds(10)),
            50u);
}

TEST(PacingSchedule, DueByAgreesWithIntendedAtEveryBoundary) {
  const pacing_schedule s(t0, 7919.0);
  for (std::uint64_t n = 0; n < 20000; ++n) {
    ASSERT_EQ(s.due_by(s.intended(n)), n + 1);
    ASSERT_EQ(s.due_by(s.intended(n) - nanoseconds(1)), n);
  }
}

TEST(PacingSchedule, CountInAWindow) {
  const pacing_schedule s(t0, 2000.0);
  EXPECT_EQ(s.count_in(t0, t0 + std::chrono::seconds(2)), 4000u);
  EXPECT_EQ(s.count_in(t0 + std::chrono::seconds(1), t0 + std::chrono::seconds(3)), 4000u);
  EXPECT_EQ(s.count_in(t0 - std::chrono::seconds(5), t0), 0u);
  EXPECT_EQ(s.count_in(t0 + milliseconds(3), t0 + milliseconds(3)), 0u);
}

TEST(PacingSchedule, RejectsANonPositiveRate) {
  EXPECT_THROW(pacing_schedule(t0, 0.0), std::invalid_argument);
  EXPECT_THROW(pacing_schedule(t0, -5.0), std::invalid_argument);
}

}  // namespace
}  // namespace wsprobe::load
