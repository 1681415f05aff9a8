// One load thread: an io_context that owns a share of the connections and everything they
// touch (buffers, masking keys, histograms), so that nothing is shared on the hot path.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/load/connection_state.hpp"
#include "harness/load/latency_histogram.hpp"
#include "harness/load/load_options.hpp"
#include "harness/load/load_stats.hpp"
#include "harness/load/masking_key_source.hpp"
#include "harness/load/readiness_poller.hpp"
#include "harness/wire/http_head.hpp"
#include "harness/wire/http_head_parser.hpp"

namespace wsprobe::load {

class load_connection;

// The run's clock marks, the same for every worker.
struct run_timing {
  std::chrono::steady_clock::time_point epoch;         // connections start; stamps count from it
  std::chrono::steady_clock::time_point window_start;  // end of the warm-up
  std::chrono::steady_clock::time_point end;           // no message is scheduled from here
};

class load_worker {
 public:
  // Characters of a Sec-WebSocket-Key: base64 of 16 bytes (RFC 6455 §4.1).
  static constexpr std::size_t key_size = 24;

  // `connection_ids` are this worker's connections out of options.connections (they pick the
  // source address and the phase of the send schedule).
  load_worker(const load_options& options, std::vector<boost::asio::ip::tcp::endpoint> targets,
              std::vector<std::size_t> connection_ids, run_timing timing, std::size_t threads);
  ~load_worker();
  load_worker(const load_worker&) = delete;
  load_worker& operator=(const load_worker&) = delete;

  // Runs the io_context on the calling thread until every connection has finished (the end of
  // the run plus the drain), or until `hard_stop`.
  void run(std::chrono::steady_clock::time_point hard_stop);
  // Thread-safe: stop sending now and drain (SIGINT).
  void finish_now();
  bool done() const { return done_.load(std::memory_order_acquire); }
  // A connection's opening ended (up or failed): one more may start.
  void handshake_finished();

  worker_stats& stats() { return stats_; }
  // Valid once run() has returned.
  const latency_histogram& latency() const { return latency_; }
  const latency_histogram& connect_time() const { return connect_; }
  const latency_histogram& upgrade_time() const { return upgrade_; }
  const latency_histogram& ping_rtt() const { return ping_; }
  // Messages the schedule meant to send in the window (open loop).
  std::uint64_t scheduled() const { return scheduled_; }
  // When sending stopped (the planned end, or earlier after finish_now()); valid after run().
  std::chrono::steady_clock::time_point end() const { return end_; }
  // When this worker's last connection finished its opening handshake (epoch if none did).
  std::chrono::steady_clock::time_point last_up() const { return last_up_; }

 private:
  friend class load_connection;

  boost::asio::awaitable<void> launch();
  boost::asio::awaitable<void> supervise();
  void publish_interval();
  bool sending_over() const;
  // Idle connections: one timer per worker pings every connection that is due, in the order
  // they came up (each pings ping_interval after its last ping, so the queue stays in order).
  void schedule_ping(load_connection* c);
  void arm_pings();
  void walk_pings();
  // A state for a connection that has none (idle) to decode a read with; given back once the
  // read left nothing behind.
  std::unique_ptr<connection_state> take_scratch_state();
  void give_back_scratch_state(std::unique_ptr<connection_state> s);

  const load_options& options_;
  std::vector<boost::asio::ip::tcp::endpoint> targets_;
  std::vector<std::size_t> ids_;
  run_timing timing_;
  std::size_t threads_;
  boost::asio::io_context ctx_{1};
  // Plain TCP sockets' readiness (after ctx_, whose descriptor it holds).
  std::unique_ptr<readiness_poller> poller_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::vector<std::unique_ptr<load_connection>> connections_;
  std::size_t pending_handshakes_ = 0;
  std::size_t max_pending_ = 1;
  boost::asio::steady_timer launch_timer_{ctx_};
  bool launcher_waiting_ = false;  // for a handshake to finish
  // Plain TCP connections read into this one buffer, each read decoded before the next.
  std::vector<std::uint8_t> read_buffer_;
  std::chrono::steady_clock::time_point read_at_;  // when the bytes being decoded arrived
  std::unique_ptr<connection_state> scratch_;
  // Plain TCP connections still opening, in the order they started: their deadlines are in
  // the same order (one timeout for all), so the supervisor looks only at the front.
  std::deque<load_connection*> opening_;
  // The opening request of every plain connection, serialized once by harness/wire; each
  // connection writes its own key at key_offset_ before sending it, and checks the 101 against
  // request_template_ with its key in field key_field_.
  wire::http_request request_template_;
  std::string request_head_;
  std::size_t key_offset_ = 0;
  std::size_t key_field_ = 0;
  std::array<std::uint8_t, 16> nonce_{};
  // Parses each 101 that arrives whole (almost all of them), reset after each.
  wire::response_parser response_parser_;
  std::deque<load_connection*> ping_queue_;
  boost::asio::steady_timer ping_timer_{ctx_};
  bool ping_armed_ = false;
  bool close_wait_over_ = false;
  bool launching_done_ = false;
  bool drained_ = false;  // the drain is over: connections close
  std::chrono::steady_clock::time_point drained_at_;
  std::chrono::steady_clock::time_point end_;  // may move earlier on finish_now()
  std::atomic<bool> done_{false};

  worker_stats stats_;
  masking_key_source keys_;
  latency_histogram latency_;
  latency_histogram interval_;
  latency_histogram connect_;
  latency_histogram upgrade_;
  latency_histogram ping_;
  std::uint64_t scheduled_ = 0;
  std::chrono::steady_clock::time_point last_up_;
};

}  // namespace wsprobe::load
