#include "harness/load/start_time.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>

namespace wsprobe::load {
namespace {

using namespace std::chrono;

[[noreturn]] void bad(std::string_view text, const char* why) {
  throw start_time_error("--start-at '" + std::string(text) + "': " + why +
                         " (want ISO-8601 UTC like 2026-12-03T10:00:00Z, or unix seconds)");
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::int64_t number(std::string_view s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// ".123" -> nanoseconds (digits past the ninth are ignored).
nanoseconds fraction(std::string_view digits) {
  std::int64_t ns = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    ns = ns * 10 + (i < digits.size() ? digits[i] - '0' : 0);
  }
  return nanoseconds(ns);
}

// Splits "whole.frac" and checks both parts are digits.
bool split_seconds(std::string_view s, std::string_view& whole, std::string_view& frac) {
  const auto dot = s.find('.');
  whole = s.substr(0, dot);
  frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  return all_digits(whole) && (dot == std::string_view::npos || all_digits(frac));
}

}  // namespace

system_clock::time_point parse_start_time(std::string_view text) {
  std::string_view whole, frac;
  if (split_seconds(text, whole, frac)) {
    if (whole.size() > 12) bad(text, "too far in the future");
    return system_clock::time_point(
        duration_cast<system_clock::duration>(seconds(number(whole)) + fraction(frac)));
  }
  // YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00)
  std::string_view zone;
  std::string_view body = text;
  if (body.ends_with('Z') || body.ends_with('z')) {
    zone = "Z";
    body.remove_suffix(1);
  } else if (body.ends_with("+00:00")) {
    zone = "Z";
    body.remove_suffix(6);
  }
  if (body.size() < 19 || body[4] != '-' || body[7] != '-' ||
      (body[10] != 'T' && body[10] != 't') || body[13] != ':' || body[16] != ':') {
    bad(text, "not a time");
  }
  if (zone.empty()) bad(text, "give the time in UTC, ending in Z");
  const auto field = [&](std::size_t at, std::size_t len) {
    const auto s = body.substr(at, len);
    if (!all_digits(s)) bad(text, "not a time");
    return number(s);
  };
  const year_month_day date{year(static_cast<int>(field(0, 4))),
                            month(static_cast<unsigned>(field(5, 2))),
                            day(static_cast<unsigned>(field(8, 2)))};
  if (!date.ok()) bad(text, "no such date");
  const auto h = field(11, 2), m = field(14, 2);
  std::string_view s_whole, s_frac;
  if (!split_seconds(body.substr(17), s_whole, s_frac) || s_whole.size() != 2) {
    bad(text, "not a time");
  }
  const auto s = number(s_whole);
  if (h > 23 || m > 59 || s > 59) bad(text, "no such time of day");
  const auto since_epoch =
      sys_days(date).time_since_epoch() + hours(h) + minutes(m) + seconds(s) + fraction(s_frac);
  return system_clock::time_point(duration_cast<system_clock::duration>(since_epoch));
}

std::string format_utc(system_clock::time_point t) {
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch());
  const auto days = floor<std::chrono::days>(ms);
  const year_month_day date{sys_days(days)};
  const hh_mm_ss<milliseconds> tod{ms - days};
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(tod.hours().count()),
                static_cast<long long>(tod.minutes().count()),
                static_cast<long long>(tod.seconds().count()),
                static_cast<long long>(tod.subseconds().count()));
  return out;
}

}  // namespace wsprobe::load
