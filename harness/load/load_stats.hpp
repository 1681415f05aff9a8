// What one load worker counts. Each counter is written by its worker's thread only and read by
// the status thread, so relaxed atomics written with a plain load+store cost no more than an
// ordinary increment on the hot path.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "harness/load/latency_histogram.hpp"

namespace wsprobe::load {

enum class error_kind : std::size_t {
  connect_refused,
  connect_failed,
  timeout,  // connect, TLS or opening handshake took longer than the connect timeout
  handshake_failed,
  closed_by_server,
  protocol_error,
  io_error,
  lost,
  duplicated,
  reordered,
  corrupted,
  count_
};
inline constexpr std::size_t error_kind_count = static_cast<std::size_t>(error_kind::count_);
std::string_view to_string(error_kind kind);

// A counter owned by one thread, readable from others.
class owned_counter {
 public:
  void add(std::uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void sub(std::uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
  }
  std::uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

struct worker_stats {
  // Counted over the measured window (intended send time after the warm-up, before the end).
  owned_counter messages_sent;
  owned_counter messages_received;
  owned_counter bytes_sent;
  owned_counter bytes_received;
  // Over the whole run, for the status line.
  owned_counter sent_all;
  owned_counter received_all;
  owned_counter bytes_read_all;           // bytes off the wire, frames and all
  owned_counter connections_up;           // open now
  owned_counter connections_established;  // opening handshake done, over the run
  owned_counter connect_errors;
  owned_counter pings_sent;
  owned_counter pongs_received;
  std::array<owned_counter, error_kind_count> errors;

  void error(error_kind kind, std::uint64_t n = 1) {
    errors[static_cast<std::size_t>(kind)].add(n);
  }

  // Latencies of the last second: the worker adds its interval histogram every second under the
  // lock, the status thread takes it.
  std::mutex interval_lock;
  latency_histogram published_interval;
};

}  // namespace wsprobe::load
