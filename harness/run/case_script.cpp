#include "harness/run/case_script.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "harness/net/conn.hpp"
#include "harness/net/connect.hpp"
#include "harness/net/deadline.hpp"
#include "harness/run/inbound.hpp"
#include "harness/run/outbound.hpp"
#include "harness/run/server_response.hpp"
#include "harness/run/verdict.hpp"
#include "harness/run/wirelog.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head_parser.hpp"

namespace wsprobe::run {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

namespace {

// Wakes every coroutine waiting on it; each waiter also has its own deadline. All users run on
// one thread (one io_context per worker), so a check followed by a wait cannot miss a notify.
class wakeup {
 public:
  explicit wakeup(asio::any_io_executor executor) : executor_(std::move(executor)) {}

  void notify() {
    for (asio::steady_timer* t : waiters_) t->cancel();
  }

  net::awaitable<void> wait_until(clock::time_point until) {
    asio::steady_timer timer(executor_, until);
    waiters_.push_back(&timer);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    std::erase(waiters_, &timer);
  }

 private:
  asio::any_io_executor executor_;
  std::vector<asio::steady_timer*> waiters_;
};

std::string ms_text(clock::duration d) {
  return std::to_string(duration_cast<milliseconds>(d).count()) + " ms";
}

class session {
 public:
  session(const cases::test_case& c, const script_options& options, asio::any_io_executor ex,
          wire::role local = wire::role::client)
      : c_(c),
        opt_(options),
        executor_(ex),
        wake_(ex),
        out_log_(log_, report::wirelog_entry::direction::out),
        in_log_(log_, report::wirelog_entry::direction::in),
        out_(o_),
        in_(o_, out_, options.max_message_size, local),
        server_(local == wire::role::server) {
    if (server_) {
      out_.act_as_server();
      o_.as_server = true;
    }
    start_ = clock::now();
    timeout_ = c.timeout_ms ? milliseconds(*c.timeout_ms) : options.timeout;
    deadline_ = start_ + timeout_;
    hard_deadline_ = deadline_ + options.close_timeout + options.window + std::chrono::seconds(1);
  }

  net::awaitable<observation> run() {
    try {
      co_await connect();
      if (o_.connected) co_await handshake();
      if (o_.upgraded) co_await converse();
    } catch (const std::exception& e) {
      o_.internal_error = e.what();
    }
    co_return co_await end();
  }

  // wsprobe as the server: the client has connected and sent `side.request`.
  net::awaitable<observation> run_server(server_side side) {
    try {
      conn_ = std::move(side.conn);
      o_.connected = true;
      o_.connect_us = 0;
      co_await answer_handshake(side);
      if (o_.upgraded) {
        co_await converse();
      } else if (o_.response_received) {
        co_await watch_refused();
      }
    } catch (const std::exception& e) {
      o_.internal_error = e.what();
    }
    if (o_.response_received) {
      if (o_.client_sent_frames) {
        o_.client_action = "proceeded";
      } else if (closed_first_) {
        o_.client_action = "failed";
      } else {
        o_.client_action = "hung";
      }
    }
    co_return co_await end();
  }

 private:
  net::awaitable<observation> end() {
    co_await stop();
    o_.duration_us = now_us();
    o_.wirelog = log_.take(o_.wirelog_dropped);
    co_return std::move(o_);
  }

  // The client's request (RFC 6455 §4.1 rules) and our answer: a standard 101, or what the
  // case's `handshake.response` makes of it.
  net::awaitable<void> answer_handshake(const server_side& side) {
    const wire::http_request& req = side.request;
    log_http(report::wirelog_entry::direction::in,
             std::span<const std::uint8_t>(
                 reinterpret_cast<const std::uint8_t*>(side.raw_request.data()),
                 side.raw_request.size()));
    o_.request_method = req.method;
    o_.request_target = req.target;
    o_.request_version = req.version;
    o_.request_headers = req.headers;
    const wire::request_validation v = wire::validate_request(req, wire::server_options{});
    if (!v.ok) o_.request_problem = v.why;
    const wire::http_response response =
        make_server_response(c_.handshake.response, req, side.location_url);
    const std::string head = wire::serialize(response);
    const std::span<const std::uint8_t> head_bytes(
        reinterpret_cast<const std::uint8_t*>(head.data()), head.size());
    log_http(report::wirelog_entry::direction::out, head_bytes);
    try {
      co_await net::with_deadline(conn_->stream(), remaining(), "sending the handshake response",
                                  conn_->write(head_bytes));
    } catch (const std::exception& e) {
      o_.handshake_error = e.what();
      closed_first_ = true;
      o_.peer_closed_tcp = true;
      co_return;
    }
    o_.response_received = true;  // as the server: the response was sent
    o_.status = response.status;
    o_.response_headers = response.headers;
    o_.handshake_us = now_us();
    o_.upgraded = response.status == 101;
  }

  // After a refusal: does the client close, send something anyway, or hang?
  net::awaitable<void> watch_refused() {
    for (;;) {
      const auto left = remaining();
      if (left <= clock::duration::zero()) break;
      net::read_result r = co_await conn_->read(left, 64 * 1024);
      if (r.status == net::read_status::ok) {
        in_log_.raw(r.bytes, now_us());
        o_.client_sent_frames = true;
        break;
      }
      if (r.status == net::read_status::timeout) break;
      o_.peer_closed_tcp = true;
      closed_first_ = true;
      o_.peer_closed_at_us = now_us();
      if (r.status == net::read_status::error) {
        o_.tcp_reset = true;
        o_.tcp_error = r.error;
      }
      break;
    }
  }

  std::int64_t now_us() const {
    return duration_cast<std::chrono::microseconds>(clock::now() - start_).count();
  }

  template <typename Pred>
  net::awaitable<bool> wait_for(Pred pred, clock::time_point until) {
    while (!pred()) {
      if (clock::now() >= until) co_return false;
      co_await wake_.wait_until(until);
    }
    co_return true;
  }

  // The connection is over for the steps: the peer closed or failed it, or we did.
  bool over() const { return o_.peer_closed() || in_.failed() || write_failed_ || o_.timed_out; }

  void time_out(std::string detail) {
    if (o_.timed_out) return;
    o_.timed_out = true;
    o_.timeout_detail = std::move(detail);
  }

  net::awaitable<void> connect() {
    net::connect_options co;
    co.timeout = timeout_;
    co.tls = opt_.tls;
    try {
      auto stream = co_await net::connect(opt_.url, co);
      conn_ = std::make_unique<net::conn>(std::move(stream));
      o_.connected = true;
      o_.connect_us = now_us();
    } catch (const std::exception& e) {
      o_.connect_error = e.what();
    }
  }

  // The opening handshake (RFC 6455 §4.1), changed as the case says.
  net::awaitable<void> handshake() {
    const cases::handshake_changes& h = c_.handshake;
    wire::client_options copts;
    copts.subprotocols = h.subprotocols;
    const std::string key = wire::generate_key();
    wire::http_request request = wire::make_client_request(
        opt_.url.host_header(), h.target.value_or(opt_.url.target), key, copts);
    if (h.method) request.method = *h.method;
    if (h.version) request.version = *h.version;
    for (const auto& [name, value] : h.headers) {
      if (value) {
        request.headers.set(name, *value);
      } else {
        request.headers.remove(name);
      }
    }
    for (const auto& [name, value] : h.add_headers) request.headers.add(name, value);
    const std::string head = wire::serialize(request);
    const std::span<const std::uint8_t> head_bytes(
        reinterpret_cast<const std::uint8_t*>(head.data()), head.size());
    log_http(report::wirelog_entry::direction::out, head_bytes);
    try {
      co_await net::with_deadline(conn_->stream(), remaining(), "sending the opening handshake",
                                  conn_->write(head_bytes));
    } catch (const std::exception& e) {
      o_.handshake_error = e.what();
      co_return;
    }
    const net::http_head_result response = co_await conn_->read_http_head(remaining());
    if (response.status != net::read_status::ok) {
      switch (response.status) {
        case net::read_status::timeout:
          time_out("no handshake response within " + ms_text(timeout_));
          o_.handshake_error = "no response within " + ms_text(timeout_);
          break;
        case net::read_status::eof:
          o_.handshake_error = "connection closed before a complete response";
          o_.peer_closed_tcp = true;
          break;
        default:
          o_.handshake_error = response.error;
          o_.peer_closed_tcp = true;
          o_.tcp_reset = true;
          o_.tcp_error = response.error;
          break;
      }
      co_return;
    }
    log_http(
        report::wirelog_entry::direction::in,
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(response.head.data()),
                                      response.head.size()));
    wire::response_parser parser;
    std::size_t consumed = 0;
    if (parser.feed(response.head, consumed) != wire::parse_status::done) {
      o_.handshake_error = "malformed handshake response: " + parser.error();
      co_return;
    }
    const wire::http_response& r = parser.message();
    o_.response_received = true;
    o_.status = r.status;
    o_.response_headers = r.headers;
    o_.handshake_us = now_us();
    if (r.status != 101) co_return;
    // Every 101 is checked against the request actually sent. A request without exactly one
    // Sec-WebSocket-Key has no correct accept value; the other checks still apply.
    wire::response_checks checks;
    checks.check_accept = request.headers.count("Sec-WebSocket-Key") == 1;
    const wire::response_validation v = wire::validate_response(request, r, checks);
    if (v.ok) {
      o_.upgraded = true;
      o_.subprotocol = v.agreed.subprotocol;
      co_return;
    }
    o_.handshake_error = v.why;
    // Only a case that names 101 for a non-OK verdict goes on after an invalid one.
    if (accepts_invalid_101(c_)) {
      o_.upgraded = true;
      if (const std::string* p = r.headers.find("Sec-WebSocket-Protocol")) o_.subprotocol = *p;
    }
  }

  void log_http(report::wirelog_entry::direction dir, std::span<const std::uint8_t> bytes) {
    report::wirelog_entry e;
    e.t_us = now_us();
    e.dir = dir;
    e.what = report::wirelog_entry::kind::http;
    e.data = report::digest_bytes(bytes);
    log_.add(std::move(e));
  }

  clock::duration remaining() const {
    const auto now = clock::now();
    return deadline_ > now ? deadline_ - now : clock::duration::zero();
  }

  // --- After the handshake: a reader and a writer beside the steps --------------------------

  net::awaitable<void> reader() {
    // Small reads while the peer sends little (conn::read allocates and clears the whole size
    // each time), larger ones once a read comes back full (large messages).
    std::size_t read_size = 16 * 1024;
    for (;;) {
      const auto now = clock::now();
      if (now >= hard_deadline_ || stopping_) break;
      net::read_result r = co_await conn_->read(hard_deadline_ - now, read_size);
      if (stopping_) break;
      if (r.status == net::read_status::ok) {
        const std::int64_t t = now_us();
        if (r.bytes.size() == read_size)
          read_size = std::min<std::size_t>(read_size * 2, 256 * 1024);
        in_log_.feed(r.bytes, t);
        std::vector<outgoing> replies;
        const bool had_close = o_.close_received;
        in_.feed(r.bytes, t, replies);
        if (!had_close && o_.close_received && last_write_us_ >= 0) {
          close_reaction_us_ = t - last_write_us_;
        }
        for (outgoing& reply : replies) enqueue(std::move(reply));
        wake_.notify();
        continue;
      }
      if (r.status == net::read_status::timeout) break;
      o_.peer_closed_tcp = true;
      if (!o_.close_sent) closed_first_ = true;
      if (o_.peer_closed_at_us < 0) o_.peer_closed_at_us = now_us();
      if (r.status == net::read_status::error) {
        o_.tcp_reset = true;
        o_.tcp_error = r.error;
      }
      wake_.notify();
      break;
    }
  }

  net::awaitable<void> writer() {
    for (;;) {
      while (queue_.empty() && !stopping_) co_await wake_.wait_until(clock::time_point::max());
      if (queue_.empty() || stopping_) break;
      outgoing item = std::move(queue_.front());
      queue_.pop_front();
      if (!write_failed_) {
        const std::int64_t t = now_us();
        std::size_t at = 0;
        for (const outgoing::piece& p : item.log_pieces()) {
          const auto part = std::span<const std::uint8_t>(item.bytes).subspan(at, p.size);
          if (p.raw) {
            out_log_.raw(part, t);
          } else {
            out_log_.feed(part, t);
          }
          at += p.size;
        }
        last_write_us_ = t;
        try {
          co_await conn_->write(item.bytes, item.chunk);
        } catch (const std::exception& e) {
          write_failed_ = true;
          write_error_ = e.what();
        }
      }
      ++written_;
      wake_.notify();
    }
  }

  std::uint64_t enqueue(outgoing item) {
    queue_.push_back(std::move(item));
    wake_.notify();
    return ++queued_;
  }

  // A send step: with "flush": false its bytes wait for the next step's, so that both leave in
  // one write (Autobahn's "one chop" cases); otherwise they go with whatever was held.
  net::awaitable<void> send_step(outgoing item, bool flush, const char* what) {
    if (held_) {
      item = join(std::move(*held_), std::move(item));
      held_.reset();
    }
    if (!flush) {
      held_ = std::move(item);
      co_return;
    }
    co_await send(std::move(item), what);
  }

  // Writes what "flush": false steps held, before a step that waits or after the last step.
  net::awaitable<void> release_held() {
    if (!held_) co_return;
    outgoing item = std::move(*held_);
    held_.reset();
    co_await send(std::move(item), "held frames");
  }

  // Queues bytes and waits until they are written (or the deadline passes).
  net::awaitable<void> send(outgoing item, const char* what) {
    const std::uint64_t id = enqueue(std::move(item));
    if (!co_await wait_for([&] { return written_ >= id || write_failed_; }, deadline_)) {
      time_out(std::string("deadline passed while sending ") + what + " (peer not reading?)");
    }
  }

  void start_io() {
    auto done = [this](bool& flag) {
      return [this, &flag](std::exception_ptr) {
        flag = true;
        wake_.notify();
      };
    };
    asio::co_spawn(executor_, reader(), done(reader_done_));
    asio::co_spawn(executor_, writer(), done(writer_done_));
    io_started_ = true;
  }

  net::awaitable<void> run_steps(const std::vector<cases::step>& steps) {
    for (const cases::step& s : steps) {
      if (over()) co_return;
      if (clock::now() >= deadline_) {
        time_out("deadline of " + ms_text(timeout_) + " passed during the steps");
        co_return;
      }
      ++step_index_;
      if (const auto* f = std::get_if<cases::send_frame_step>(&s)) {
        co_await send_step(out_.frame(*f), f->flush, "a frame");
        continue;
      }
      if (const auto* m = std::get_if<cases::send_message_step>(&s)) {
        co_await send_step(out_.message(*m), m->flush, "a message");
        continue;
      }
      if (const auto* cl = std::get_if<cases::send_close_step>(&s)) {
        co_await send_step(out_.close(*cl), cl->flush, "a close frame");
        continue;
      }
      if (const auto* r = std::get_if<cases::send_raw_step>(&s)) {
        co_await send_step(out_.raw(*r), r->flush, "raw bytes");
        continue;
      }
      if (!std::holds_alternative<cases::repeat_step>(s)) co_await release_held();
      if (over()) co_return;
      if (const auto* p = std::get_if<cases::pause_step>(&s)) {
        const auto until = std::min(clock::now() + milliseconds(p->ms), deadline_);
        co_await wait_for([&] { return over(); }, until);
      } else if (const auto* a = std::get_if<cases::await_step>(&s)) {
        co_await await(*a);
      } else if (const auto* ff = std::get_if<cases::expect_fail_fast_step>(&s)) {
        co_await expect_fail_fast(*ff);
      } else if (const auto* rep = std::get_if<cases::repeat_step>(&s)) {
        for (std::uint64_t i = 0; i < rep->count && !over(); ++i) co_await run_steps(rep->steps);
      }
    }
  }

  net::awaitable<void> await(const cases::await_step& a) {
    std::uint64_t messages = 0;
    std::uint64_t pongs = 0;
    switch (a.what) {
      case cases::await_step::kind::echo:
        messages = o_.sent.size();
        break;
      case cases::await_step::kind::pong:
        pongs = o_.pings_sent;
        break;
      case cases::await_step::kind::counts:
        messages = a.messages;
        pongs = a.pongs;
        break;
    }
    auto arrived = [&] {
      return o_.messages_received() >= messages && o_.pongs_received() >= pongs;
    };
    if (!co_await wait_for([&] { return arrived() || over(); }, deadline_)) {
      time_out("step " + std::to_string(step_index_) +
               " (await): " + std::to_string(o_.messages_received()) + " of " +
               std::to_string(messages) + " messages and " + std::to_string(o_.pongs_received()) +
               " of " + std::to_string(pongs) + " pongs after " + ms_text(timeout_));
    }
  }

  net::awaitable<void> expect_fail_fast(const cases::expect_fail_fast_step& f) {
    const auto window = std::min(milliseconds(f.window_ms), opt_.window);
    o_.fail_fast_checked = true;
    const auto until = std::min(clock::now() + window, deadline_);
    const bool failed = co_await wait_for([&] { return o_.peer_closed() || in_.failed(); }, until);
    if (!failed && !o_.fail_fast_missed) {
      o_.fail_fast_missed = true;
      o_.fail_fast_detail =
          "connection still open " + ms_text(window) + " after step " + std::to_string(step_index_);
    }
  }

  net::awaitable<void> converse() {
    start_io();
    co_await run_steps(c_.steps);
    if (!over()) co_await release_held();
    if (!over()) {
      // Until the longest acceptable outcome is complete, the peer closes, or the deadline.
      const bool arrived =
          co_await wait_for([&] { return expected_events_arrived(c_, o_) || over(); }, deadline_);
      if (!arrived) o_.events_wait_expired = true;
    }
    const auto quiet = std::min(milliseconds(c_.quiet_ms), opt_.window);
    if (quiet.count() > 0 && !over()) {
      co_await wait_for([&] { return over(); }, std::min(clock::now() + quiet, hard_deadline_));
    }
    if (o_.timed_out || write_failed_) co_return;  // drop the connection
    if (c_.finish.what == cases::finish_spec::kind::drop) {
      // Our bytes on the wire first, then TCP closed without a close frame.
      co_await wait_for([&] { return written_ >= queued_ || write_failed_; }, deadline_);
      co_return;
    }
    if (!o_.peer_closed() && !in_.failed() && !o_.close_sent) {
      if (c_.finish.what == cases::finish_spec::kind::wait) {
        co_await wait_for([&] { return over() || client_proceeded_for_good(); }, deadline_);
      }
      if (!o_.peer_closed() && !in_.failed() && !o_.close_sent) {
        const std::uint16_t code =
            c_.finish.what == cases::finish_spec::kind::close ? c_.finish.code : 1000;
        enqueue(out_.close_frame(code, c_.finish.reason));
        if (!o_.close_sent && c_.close.informational) {
          // Our close lands inside a frame the peer is still reading (a declared length we did
          // not fill, or bytes it cannot parse): to the peer it is no close, so no closing
          // handshake can follow, and the close is only reported. Our bytes out, then we drop
          // the connection instead of waiting the close timeout for nothing.
          co_await wait_for([&] { return written_ >= queued_ || write_failed_ || over(); },
                            clock::now() + opt_.close_timeout);
          co_return;
        }
      }
    }
    if (server_) {
      co_await close_as_server();
      co_return;
    }
    // The closing handshake: the peer's close (if we sent ours first) and its TCP close
    // (RFC 6455 §7.1.1: the server closes TCP first).
    const auto close_until = clock::now() + opt_.close_timeout;
    co_await wait_for([&] { return o_.peer_closed_tcp || write_failed_ || in_.failed(); },
                      close_until);
    if (in_.failed()) {
      // Give our close frame a moment to leave before dropping the connection.
      co_await wait_for([&] { return written_ >= queued_ || write_failed_; },
                        std::min(close_until, clock::now() + milliseconds(100)));
      co_return;
    }
    if (o_.close_sent && !o_.close_received && !o_.peer_closed_tcp) o_.close_reply_missing = true;
    if (o_.close_sent && o_.close_received && !o_.peer_closed_tcp) o_.tcp_close_missing = true;
  }

  // As the server: the client's close (or its answer to ours), our reply on the wire, a short
  // grace in which a client that follows §7.1.1 keeps TCP open, then we close TCP.
  net::awaitable<void> close_as_server() {
    const auto close_until = clock::now() + opt_.close_timeout;
    co_await wait_for(
        [&] {
          return (o_.close_received && o_.close_sent && written_ >= queued_) ||
                 o_.peer_closed_tcp || write_failed_ || in_.failed();
        },
        close_until);
    if (in_.failed()) {
      co_await wait_for([&] { return written_ >= queued_ || write_failed_; },
                        std::min(close_until, clock::now() + milliseconds(100)));
      co_return;
    }
    if (o_.close_sent && !o_.close_received && !o_.peer_closed_tcp) o_.close_reply_missing = true;
    if (o_.close_sent && o_.close_received && !o_.peer_closed_tcp) {
      co_await wait_for([&] { return o_.peer_closed_tcp; },
                        std::min(close_until, clock::now() + tcp_close_grace()));
    }
    if (o_.close_sent && o_.close_received && o_.peer_closed_tcp) o_.client_closed_tcp_first = true;
  }

  // As the server after a handshake response the case changed, `wait` gives the client time to
  // fail the connection. Once the client has sent a frame its action is "proceeded" for good
  // (run_server); when every outcome is judged on that action alone (no events compared) and the
  // close is only reported, nothing the client does later changes the verdict.
  bool client_proceeded_for_good() const {
    if (!server_ || !c_.handshake.response.given || !o_.client_sent_frames) return false;
    if (!c_.close.informational || c_.outcomes.empty()) return false;
    return std::all_of(c_.outcomes.begin(), c_.outcomes.end(), [](const cases::outcome& out) {
      return !out.client_actions.empty() && !out.events && !out.echo;
    });
  }

  // After the closing handshake, how long a client has to show that it closes TCP before the
  // server (§7.1.1) before we close it. A client that does so closes right after handling the
  // last close frame, so its FIN follows within about the time it took to answer our last write
  // with its close (one pass through its event loop and one round trip). We wait 8 times that,
  // at least 5 ms (a client preempted between its close frame and its FIN on a loaded machine)
  // and at most 25 ms (also when we wrote nothing before its close).
  clock::duration tcp_close_grace() const {
    constexpr auto most = milliseconds(25);
    if (close_reaction_us_ < 0) return most;
    const auto grace = std::chrono::microseconds(8 * close_reaction_us_);
    return std::clamp<clock::duration>(grace, milliseconds(5), most);
  }

  net::awaitable<void> stop() {
    stopping_ = true;
    if (conn_) conn_->close();
    wake_.notify();
    if (io_started_) {
      co_await wait_for([&] { return reader_done_ && writer_done_; },
                        clock::now() + std::chrono::seconds(2));
    }
  }

  const cases::test_case& c_;
  const script_options& opt_;
  asio::any_io_executor executor_;
  observation o_;
  wakeup wake_;
  wirelog_recorder log_;
  frame_logger out_log_;
  frame_logger in_log_;
  outbound out_;
  inbound in_;
  std::unique_ptr<net::conn> conn_;

  clock::time_point start_;
  milliseconds timeout_{};
  clock::time_point deadline_;
  clock::time_point hard_deadline_;

  std::optional<outgoing> held_;  // bytes of "flush": false steps, for the next write
  std::deque<outgoing> queue_;
  std::uint64_t queued_ = 0;
  std::uint64_t written_ = 0;
  bool write_failed_ = false;
  std::string write_error_;
  bool stopping_ = false;
  bool io_started_ = false;
  bool reader_done_ = false;
  bool writer_done_ = false;
  std::int64_t last_write_us_ = -1;  // when our last write started (its bytes leave at once)
  // From the start of our last write to the peer's close frame: the peer's reaction time plus
  // our own scheduling (more when a long write was still on its way); -1: nothing written.
  std::int64_t close_reaction_us_ = -1;
  std::size_t step_index_ = 0;
  bool server_ = false;
  bool closed_first_ = false;  // the peer closed TCP before we sent a close frame
};

}  // namespace

net::awaitable<observation> run_case_script(const cases::test_case& c,
                                            const script_options& options) {
  auto executor = co_await asio::this_coro::executor;
  auto s = std::make_unique<session>(c, options, executor);
  co_return co_await s->run();
}

net::awaitable<observation> run_case_as_server(const cases::test_case& c,
                                               const script_options& options, server_side side) {
  auto executor = co_await asio::this_coro::executor;
  auto s = std::make_unique<session>(c, options, executor, wire::role::server);
  co_return co_await s->run_server(std::move(side));
}

}  // namespace wsprobe::run
