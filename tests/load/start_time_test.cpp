#include "harness/load/start_time.hpp"

#include <gtest/gtest.h>

namespace wsprobe::load {
namespace {

TEST(StartTime, ParsesIsoUtcAndEpochSeconds) {
  using namespace std::chrono;
  const auto iso = parse_start_time("2026-12-03T10:00:00Z");
  EXPECT_EQ(duration_cast<seconds>(iso.time_since_epoch()).count(), 1796292000);
  EXPECT_EQ(parse_start_time("1796292000"), iso);
  EXPECT_EQ(parse_start_time("2026-12-03T10:00:00+00:00"), iso);
  const auto frac = parse_start_time("2026-12-03T10:00:00.250Z");
  EXPECT_EQ(duration_cast<milliseconds>(frac - iso).count(), 250);
  EXPECT_EQ(parse_start_time("1796292000.25"), frac);
  EXPECT_EQ(format_utc(frac), "2026-12-03T10:00:00.250Z");
  EXPECT_EQ(parse_start_time(format_utc(frac)), frac);
  EXPECT_EQ(format_utc(parse_start_time("2024-02-29T23:59:59Z")), "2024-02-29T23:59:59.000Z");
}

TEST(StartTime, RejectsLocalTimesAndNonsense) {
  for (const char* bad :
       {"", "now", "2026-12-03T10:00:00", "2026-12-03T10:00:00+01:00", "2026-02-30T10:00:00Z",
        "2026-12-03T24:00:00Z", "2026-12-03 10:00Z", "12:00Z", "1796292000123456", "-5", "1.2.3"}) {
    EXPECT_THROW(parse_start_time(bad), start_time_error) << bad;
  }
}

}  // namespace
}  // namespace wsprobe::load
