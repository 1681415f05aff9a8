// `wsprobe load`, start to finish: resolve, start one worker thread per io_context, print a status
// line every second, stop on time (or on request), merge what the workers measured.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "harness/load/latency_histogram.hpp"
#include "harness/load/load_options.hpp"

namespace wsprobe::load {

// One second of the run (t counts from the first connection attempt, warm-up included; with
// --start-at, from the start time, so that the series of shards that started late still line up).
struct series_point {
  double t = 0;
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t p50_us = 0;
  std::uint64_t p99_us = 0;
  std::uint64_t connections = 0;
  std::uint64_t errors = 0;
  std::uint64_t max_us = 0;  // largest latency of that second
  // That second's latency histogram, sparse (only with options.series_histograms).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> latency{};
};

struct load_result {
  std::size_t threads = 0;
  double window_seconds = 0;  // measured time: from the end of the warm-up to the end of sending
  bool interrupted = false;
  // False when interrupted while waiting for --start-at: nothing was sent.
  bool started = true;
  // Wall-clock time of the first connection attempt.
  std::chrono::system_clock::time_point started_at;
  // How much later than --start-at the connections started (0 on time or without it).
  double start_late_s = 0;
  std::uint64_t connections = 0;  // opening handshakes that succeeded
  std::uint64_t connect_errors = 0;
  double ramp_seconds = 0;  // from the first connection attempt to the last handshake done
  std::uint64_t messages_scheduled = 0;  // open loop: what the schedule meant to send
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_received = 0;
  std::uint64_t bytes_sent = 0;  // payload bytes
  std::uint64_t bytes_received = 0;
  std::uint64_t pings_sent = 0;
  std::uint64_t pongs_received = 0;
  std::map<std::string, std::uint64_t> errors;  // every kind, zeros included
  latency_histogram latency_us;
  latency_histogram connect_us;  // TCP connect (+ TLS handshake)
  latency_histogram upgrade_us;  // opening handshake: request sent to 101 validated
  latency_histogram ping_us;     // ping to pong (idle runs)
  std::vector<series_point> series;
  // Set when the target's name could not be resolved: nothing ran, and every connection is
  // counted as connect_failed (the report is written all the same, exit code 2).
  std::string target_error;

  // Offered: what the schedule meant to send per second (open loop); otherwise what was sent.
  double offered_rate() const;
  // Echoes back per second of the window.
  double achieved_rate() const;
  std::uint64_t error_total() const;
};

// Set (e.g. from a SIGINT handler) to stop sending now, drain and finish.
struct stop_flag {
  std::atomic<bool> requested{false};
};

// Options that cannot work together with the target, found once it is resolved (e.g. IPv6
// --source-ip addresses and a target with IPv4 addresses only): nothing ran.
struct load_usage_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Runs the load; status lines go to `status` (nullptr: none). An unresolvable target is reported
// in load_result::target_error; throws load_usage_error (see above).
load_result run_load(const load_options& options, std::FILE* status, const stop_flag& stop);

}  // namespace wsprobe::load
