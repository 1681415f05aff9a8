#include "harness/load/load_run.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "harness/load/load_stats.hpp"
#include "harness/load/load_worker.hpp"

namespace wsprobe::load {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

// Connections start this long after the workers are created, so that every thread is running.
constexpr auto start_delay = std::chrono::milliseconds(50);
// Beyond the planned end and drain: time for close handshakes, then workers are stopped hard.
constexpr auto finish_grace = std::chrono::seconds(2);
// Loopback sources to spread connections over when none are given.
constexpr std::size_t loopback_sources = 64;

// The target's address: the first one the resolver gives, or with --source-ip the first of the
// sources' family. Empty (and `error` set) when the name does not resolve.
std::vector<tcp::endpoint> resolve(const load_options& o, std::string& error) {
  const auto& url = o.url;
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results =
      resolver.resolve(url.host, std::to_string(url.port), tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    error = "cannot resolve '" + url.host + "': " + (ec ? ec.message() : "no address");
    return {};
  }
  for (const auto& r : results) {
    const auto address = r.endpoint().address();
    if (o.source_ips.empty() || address.is_v4() == o.source_ips.front().is_v4()) {
      return {r.endpoint()};
    }
  }
  const bool v4 = o.source_ips.front().is_v4();
  throw load_usage_error("--source-ip " + o.source_ips.front().to_string() + ": " + url.host +
                         " has no " + (v4 ? "IPv4" : "IPv6") + " address to connect to from it");
}

// A run that could not start: every connection failed to connect.
load_result unreachable(const load_options& o, std::string error) {
  load_result r;
  r.started_at = std::chrono::system_clock::now();
  r.connect_errors = o.connections;
  for (std::size_t k = 0; k < error_kind_count; ++k) {
    r.errors[std::string(to_string(static_cast<error_kind>(k)))] = 0;
  }
  r.errors[std::string(to_string(error_kind::connect_failed))] = o.connections;
  r.target_error = std::move(error);
  return r;
}

// 127.0.0.1, 127.0.0.2, … : many source addresses, so that the ephemeral ports of one do not
// limit how many connections reach a loopback target.
std::vector<asio::ip::address> loopback_spread(std::size_t connections) {
  std::vector<asio::ip::address> out;
  const std::size_t n = std::clamp<std::size_t>(connections, 1, loopback_sources);
  for (std::size_t k = 0; k < n; ++k) {
    out.emplace_back(asio::ip::address_v4(0x7F000001u + static_cast<std::uint32_t>(k)));
  }
  return out;
}

// Sleeps until a little before `start_at`, in short steps so that a stop request is seen; returns
// false when stopped. The last moments are left to the steady clock (see run_load).
bool wait_for_start(std::chrono::system_clock::time_point start_at, std::FILE* status,
                    const stop_flag& stop) {
  using wall = std::chrono::system_clock;
  const auto remaining = start_at - wall::now();
  if (status != nullptr && remaining > std::chrono::seconds(1)) {
    std::fprintf(status, "waiting %.1f s for --start-at\n",
                 std::chrono::duration<double>(remaining).count());
    std::fflush(status);
  }
  for (;;) {
    if (stop.requested.load()) return false;
    const auto left = start_at - wall::now();
    if (left <= start_delay * 4) return true;
    // Re-read the wall clock at least every 200 ms: it may be stepped (NTP) while we wait.
    std::this_thread::sleep_for(
        std::min<wall::duration>(left - start_delay * 3, std::chrono::milliseconds(200)));
  }
}

std::uint64_t sum(const std::vector<std::unique_ptr<load_worker>>& workers,
                  owned_counter worker_stats::*counter) {
  std::uint64_t total = 0;
  for (const auto& w : workers) total += (w->stats().*counter).get();
  return total;
}

std::uint64_t error_sum(const std::vector<std::unique_ptr<load_worker>>& workers) {
  std::uint64_t total = 0;
  for (const auto& w : workers) {
    for (const auto& e : w->stats().errors) total += e.get();
  }
  return total;
}

}  // namespace

double load_result::offered_rate() const {
  if (window_seconds <= 0) return 0;
  return static_cast<double>(messages_scheduled) / window_seconds;
}

double load_result::achieved_rate() const {
  if (window_seconds <= 0) return 0;
  return static_cast<double>(messages_received) / window_seconds;
}

std::uint64_t load_result::error_total() const {
  std::uint64_t total = 0;
  for (const auto& [kind, n] : errors) total += n;
  return total;
}

load_result run_load(const load_options& given, std::FILE* status, const stop_flag& stop) {
  load_options options = given;
  std::string target_error;
  const auto targets = resolve(options, target_error);
  if (targets.empty()) return unreachable(options, std::move(target_error));
  if (options.source_ips.empty() && targets.front().address().is_loopback() &&
      targets.front().address().is_v4()) {
    options.source_ips = loopback_spread(options.connections);
  }
  const std::size_t threads =
      std::clamp<std::size_t>(options.threads, 1, std::max<std::size_t>(options.connections, 1));

  load_result result;
  result.threads = threads;
  run_timing timing;
  timing.epoch = clock::now() + start_delay;
  result.started_at = std::chrono::system_clock::now() + start_delay;
  if (options.start_at) {
    if (!wait_for_start(*options.start_at, status, stop)) {
      result.started = false;
      result.interrupted = true;
      return result;
    }
    // The start time on the steady clock, but no sooner than the threads can be running.
    const auto wall_now = std::chrono::system_clock::now();
    const auto steady_now = clock::now();
    const auto until = std::chrono::duration_cast<clock::duration>(*options.start_at - wall_now);
    const auto wait = std::max<clock::duration>(until, start_delay);
    timing.epoch = steady_now + wait;
    result.started_at =
        wall_now + std::chrono::duration_cast<std::chrono::system_clock::duration>(wait);
    result.start_late_s = std::chrono::duration<double>(wait - until).count();
  }
  timing.window_start = timing.epoch + options.warmup;
  timing.end = timing.window_start + options.duration;
  const auto hard_stop = timing.end + options.drain + finish_grace;

  // Connections are dealt round robin, so that each thread gets an even share.
  std::vector<std::unique_ptr<load_worker>> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    std::vector<std::size_t> ids;
    for (std::size_t i = t; i < options.connections; i += threads) ids.push_back(i);
    workers.push_back(
        std::make_unique<load_worker>(options, targets, std::move(ids), timing, threads));
  }
  std::vector<std::thread> pool;
  for (auto& w : workers) pool.emplace_back([&w, hard_stop] { w->run(hard_stop); });

  latency_histogram second;
  std::uint64_t last_sent = 0;
  std::uint64_t last_received = 0;
  auto next_tick = timing.epoch + std::chrono::seconds(1);
  bool stop_sent = false;
  for (;;) {
    const bool all_done =
        std::all_of(workers.begin(), workers.end(), [](const auto& w) { return w->done(); });
    if (all_done) break;
    if (stop.requested.load() && !stop_sent) {
      stop_sent = true;
      result.interrupted = true;
      for (auto& w : workers) w->finish_now();
    }
    const auto now = clock::now();
    // Read a little after the workers publish their second (at each whole second from the epoch).
    if (now >= next_tick + std::chrono::milliseconds(50)) {
      second.reset();
      for (auto& w : workers) {
        std::lock_guard lock(w->stats().interval_lock);
        second.merge(w->stats().published_interval);
        w->stats().published_interval.reset();
      }
      series_point p;
      p.t = std::chrono::duration<double>(next_tick - timing.epoch).count() + result.start_late_s;
      const auto sent = sum(workers, &worker_stats::sent_all);
      const auto received = sum(workers, &worker_stats::received_all);
      p.sent = sent - last_sent;
      p.received = received - last_received;
      last_sent = sent;
      last_received = received;
      p.p50_us = second.value_at_percentile(50);
      p.p99_us = second.value_at_percentile(99);
      p.max_us = second.max();
      if (options.series_histograms) p.latency = second.to_sparse();
      p.connections = sum(workers, &worker_stats::connections_up);
      p.errors = error_sum(workers);
      result.series.push_back(p);
      if (status != nullptr) {
        std::fprintf(
            status,
            "[%5.0fs] conns %llu/%zu  sent/s %llu  recv/s %llu  p50 %llu us  p99 %llu us"
            "  errors %llu\n",
            p.t, static_cast<unsigned long long>(p.connections), options.connections,
            static_cast<unsigned long long>(p.sent), static_cast<unsigned long long>(p.received),
            static_cast<unsigned long long>(p.p50_us), static_cast<unsigned long long>(p.p99_us),
            static_cast<unsigned long long>(p.errors));
        std::fflush(status);
      }
      next_tick += std::chrono::seconds(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& t : pool) t.join();

  auto end = timing.window_start;
  for (auto& w : workers) end = std::max(end, w->end());
  result.window_seconds = std::chrono::duration<double>(end - timing.window_start).count();
  result.connections = sum(workers, &worker_stats::connections_established);
  auto last_up = timing.epoch;
  for (auto& w : workers) last_up = std::max(last_up, w->last_up());
  result.ramp_seconds = std::chrono::duration<double>(last_up - timing.epoch).count();
  result.connect_errors = sum(workers, &worker_stats::connect_errors);
  result.messages_sent = sum(workers, &worker_stats::messages_sent);
  result.messages_received = sum(workers, &worker_stats::messages_received);
  result.bytes_sent = sum(workers, &worker_stats::bytes_sent);
  result.bytes_received = sum(workers, &worker_stats::bytes_received);
  result.pings_sent = sum(workers, &worker_stats::pings_sent);
  result.pongs_received = sum(workers, &worker_stats::pongs_received);
  for (std::size_t k = 0; k < error_kind_count; ++k) {
    std::uint64_t n = 0;
    for (auto& w : workers) n += w->stats().errors[k].get();
    result.errors[std::string(to_string(static_cast<error_kind>(k)))] = n;
  }
  for (auto& w : workers) {
    result.messages_scheduled += w->scheduled();
    result.latency_us.merge(w->latency());
    result.connect_us.merge(w->connect_time());
    result.upgrade_us.merge(w->upgrade_time());
    result.ping_us.merge(w->ping_rtt());
  }
  if (options.model != load_model::open_loop) result.messages_scheduled = result.messages_sent;
  return result;
}

}  // namespace wsprobe::load
