#include "harness/load/load_worker.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "harness/load/load_connection.hpp"
#include "harness/load/pacing_schedule.hpp"
#include "harness/wire/handshake.hpp"

namespace wsprobe::load {
namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

// How often the supervisor looks at the clock: the drain ends at most this late.
constexpr auto supervise_period = std::chrono::milliseconds(20);
// Shared by the plain TCP connections of a worker: one read takes up to this much (thousands of
// small echoes).
constexpr std::size_t read_buffer_size = 256 * 1024;

// The paced launcher's shortest sleep (see launch()).
constexpr auto launch_granularity = std::chrono::microseconds(500);

asio::awaitable<void> sleep_until(asio::steady_timer& timer, clock::time_point when) {
  timer.expires_at(when);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

load_worker::load_worker(const load_options& options,
                         std::vector<boost::asio::ip::tcp::endpoint> targets,
                         std::vector<std::size_t> connection_ids, run_timing timing,
                         std::size_t threads)
    : options_(options),
      targets_(std::move(targets)),
      ids_(std::move(connection_ids)),
      timing_(timing),
      threads_(std::max<std::size_t>(threads, 1)),
      end_(timing.end),
      last_up_(timing.epoch) {
  read_buffer_.resize(read_buffer_size);
  if (!options_.url.secure) {
    poller_ = std::make_unique<readiness_poller>(ctx_, [](void* c, std::uint32_t events) {
      static_cast<load_connection*>(c)->on_ready(events);
    });
    // A stand-in key marks where each connection writes its own.
    const std::string stand_in(key_size, 'A');
    request_template_ =
        wire::make_client_request(options_.url.host_header(), options_.url.target, stand_in);
    request_head_ = wire::serialize(request_template_);
    const std::string field = "\r\nSec-WebSocket-Key: " + stand_in;
    key_offset_ = request_head_.find(field) + field.size() - key_size;
    const auto& fields = request_template_.headers.fields;
    while (fields[key_field_].name != "Sec-WebSocket-Key") ++key_field_;
  }
  if (options_.url.secure) tls_ = net::make_client_tls_context(options_.tls);
  connections_.reserve(ids_.size());
}

load_worker::~load_worker() {
  // Sockets go before the io_context that they belong to, and the poller that reports them.
  connections_.clear();
  poller_.reset();
}

bool load_worker::sending_over() const {
  return clock::now() >= end_;
}

void load_worker::finish_now() {
  asio::post(ctx_, [this] {
    const auto now = clock::now();
    if (now < end_) end_ = now;
    for (auto& c : connections_) c->wake();
    ping_timer_.cancel();  // the walker sees the new end and stops
  });
}

void load_worker::schedule_ping(load_connection* c) {
  ping_queue_.push_back(c);
  arm_pings();
}

void load_worker::arm_pings() {
  if (ping_armed_ || ping_queue_.empty()) return;
  const auto when = ping_queue_.front()->next_ping();
  if (when >= end_) {
    ping_queue_.clear();  // no pings after the end
    return;
  }
  ping_armed_ = true;
  ping_timer_.expires_at(when);
  ping_timer_.async_wait([this](const boost::system::error_code&) {
    ping_armed_ = false;
    walk_pings();
  });
}

void load_worker::walk_pings() {
  const auto now = clock::now();
  if (now >= end_) {
    ping_queue_.clear();
    return;
  }
  while (!ping_queue_.empty() && ping_queue_.front()->next_ping() <= now) {
    load_connection* c = ping_queue_.front();
    ping_queue_.pop_front();
    if (c->ping(now)) ping_queue_.push_back(c);  // a finished connection leaves the queue
  }
  arm_pings();
}

std::unique_ptr<connection_state> load_worker::take_scratch_state() {
  if (scratch_) return std::move(scratch_);
  return std::make_unique<connection_state>();
}

void load_worker::give_back_scratch_state(std::unique_ptr<connection_state> s) {
  if (scratch_) return;  // one is enough: reads are decoded one at a time
  *s = connection_state();
  scratch_ = std::move(s);
}

void load_worker::handshake_finished() {
  --pending_handshakes_;
  if (launcher_waiting_ && pending_handshakes_ < max_pending_) launch_timer_.cancel();
}

asio::awaitable<void> load_worker::launch() {
  auto& timer = launch_timer_;
  max_pending_ =
      std::max<std::size_t>(1, (options_.max_pending_handshakes + threads_ - 1) / threads_);
  std::optional<pacing_schedule> pace;
  if (options_.connect_rate > 0 && !ids_.empty()) {
    // The whole run opens connect_rate handshakes/s; this worker its share, interleaved with
    // the other workers' (connection ids are dealt round robin).
    const double rate = options_.connect_rate / static_cast<double>(threads_);
    const auto offset = std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>(static_cast<double>(ids_.front()) / options_.connect_rate));
    pace.emplace(timing_.epoch + offset, rate);
  }
  // Nothing starts before the epoch: every stamp counts from it.
  co_await sleep_until(timer, timing_.epoch);
  clock::time_point last_wake = timing_.epoch;
  for (std::size_t j = 0; j < ids_.size(); ++j) {
    if (pace) {
      // A wake-up starts every handshake already due, and wake-ups are at least
      // launch_granularity apart: a timer armed per handshake cost about a quarter of the
      // launcher's CPU at 10,000/s (timerfd_settime each time), so a high rate is paced in
      // small batches instead while a low rate keeps its exact times.
      const clock::time_point due = pace->intended(j);
      if (due > clock::now()) {
        co_await sleep_until(timer, std::max(due, last_wake + launch_granularity));
        last_wake = clock::now();
      }
    }
    while (pending_handshakes_ >= max_pending_ && !sending_over()) {
      // Woken by handshake_finished(); the supervisor's period bounds the wait at the end.
      launcher_waiting_ = true;
      co_await sleep_until(timer, std::min(end_, clock::now() + supervise_period));
      launcher_waiting_ = false;
    }
    if (sending_over()) break;
    connections_.push_back(std::make_unique<load_connection>(*this, ids_[j]));
    ++pending_handshakes_;
    connections_.back()->start();
  }
  launching_done_ = true;
}

void load_worker::publish_interval() {
  std::lock_guard lock(stats_.interval_lock);
  stats_.published_interval.merge(interval_);
  interval_.reset();
}

asio::awaitable<void> load_worker::supervise() {
  asio::steady_timer timer(ctx_);
  auto next_publish = timing_.epoch + std::chrono::seconds(1);
  for (;;) {
    const auto now = clock::now();
    if (now >= next_publish) {
      publish_interval();
      next_publish += std::chrono::seconds(1);
    }
    // Plain connections that are still opening past their deadline give up.
    while (!opening_.empty()) {
      load_connection* c = opening_.front();
      if (c->opening() && now < c->open_deadline()) break;
      opening_.pop_front();
      c->open_timed_out();
    }
    if (!drained_ && now >= end_) {
      const bool all_back = std::all_of(connections_.begin(), connections_.end(),
                                        [](const auto& c) { return c->outstanding() == 0; });
      if ((all_back && launching_done_) || now >= end_ + options_.drain) {
        drained_ = true;
        drained_at_ = now;
        ping_timer_.cancel();
        for (auto& c : connections_) {
          c->wake();
          if (!c->up()) c->abort();  // still opening: give up now, the run is over
        }
      }
    }
    if (drained_ && !close_wait_over_ && now >= drained_at_ + load_connection::close_wait) {
      // Connections whose peer did not answer their close in time, or whose writer is stuck.
      close_wait_over_ = true;
      for (auto& c : connections_) c->close_wait_over();
    }
    if (drained_ && launching_done_ &&
        std::all_of(connections_.begin(), connections_.end(),
                    [](const auto& c) { return c->finished(); })) {
      break;
    }
    co_await sleep_until(timer, std::min(now + supervise_period, next_publish));
  }
  publish_interval();
  if (poller_) poller_->stop();  // its wait would keep the io_context running
}

void load_worker::run(clock::time_point hard_stop) {
  asio::co_spawn(ctx_, launch(), asio::detached);
  asio::co_spawn(ctx_, supervise(), asio::detached);
  ctx_.run_until(hard_stop);
  if (!ctx_.stopped()) {
    // Something outlived the run: close every socket and let the coroutines unwind.
    for (auto& c : connections_) c->abort();
    if (poller_) poller_->stop();
    ctx_.run_for(std::chrono::milliseconds(200));
  }
  done_.store(true, std::memory_order_release);
}

}  // namespace wsprobe::load
