// `wsprobe load --start-at TIME`: a wall-clock instant at which every shard begins, sans I/O.
// TIME is ISO-8601 in UTC (2026-12-03T10:00:00Z, fractions of a second allowed, "Z" or
// "+00:00") or a unix epoch in seconds (1796292000, fractions allowed).
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wsprobe::load {

struct start_time_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Throws start_time_error with a message for people.
std::chrono::system_clock::time_point parse_start_time(std::string_view text);

// ISO-8601 UTC with milliseconds: 2026-12-03T10:00:00.000Z.
std::string format_utc(std::chrono::system_clock::time_point t);

}  // namespace wsprobe::load
