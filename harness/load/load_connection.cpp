#include "harness/load/load_connection.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <cstring>
#include <string_view>

#include "harness/load/echo_payload.hpp"
#include "harness/load/load_worker.hpp"
#include "harness/net/tls_stream.hpp"
#include "harness/net/transport_error.hpp"
#include "harness/wire/base64.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head.hpp"
#include "harness/wire/http_head_parser.hpp"
#include "harness/wire/mask.hpp"

namespace wsprobe::load {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

namespace {

// A write batch stops growing here; what is still due leaves in the next write.
constexpr std::size_t max_batch_bytes = 256 * 1024;
// A TLS connection's read buffer starts small (idle connections cost little) and doubles, up to
// the maximum, whenever a read fills it.
constexpr std::size_t initial_read_buffer = 4 * 1024;
constexpr std::size_t max_read_buffer = 256 * 1024;
// After our close frame, how long the peer has to answer before the socket is closed.
constexpr auto close_wait = std::chrono::milliseconds(250);
// --send-only: the writer wakes at most this often, so that many frames leave per write even at
// rates the generator can keep up with (no latency is measured, so sending a little late costs
// nothing; each message still carries its intended time).
constexpr auto send_only_batch_gap = std::chrono::microseconds(100);

std::uint64_t micros(clock::duration d) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  return ns > 0 ? static_cast<std::uint64_t>(ns) / 1000 : 0;
}

std::uint64_t nanos_since(clock::time_point epoch, clock::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t - epoch).count();
  return ns > 0 ? static_cast<std::uint64_t>(ns) : 0;
}

bool would_block(const error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

load_connection::load_connection(load_worker& worker, std::size_t id)
    : w_(worker),
      id_(id),
      socket_(worker.ctx_),
      timer_(worker.ctx_),
      decoder_(wire::decoder_options{.local_role = wire::role::client}) {}

load_connection::~load_connection() = default;

std::uint64_t load_connection::outstanding() const {
  return w_.options_.send_only ? 0 : verifier_.outstanding(sent_);
}

void load_connection::wake() {
  if (waiting_) timer_.cancel();
}

void load_connection::abort() {
  if (tls_) {
    tls_->close();
  } else {
    error_code ignored;
    socket_.close(ignored);
  }
}

void load_connection::fail(error_kind kind) {
  if (failed_) return;
  failed_ = true;
  w_.stats_.error(kind);
  wake();
}

void load_connection::fail_opening(error_kind kind) {
  // Cut short by the deadline, or by the end of the run: it did not open in time.
  fail(open_timed_out_ || w_.drained_ ? error_kind::timeout : kind);
}

void load_connection::failed_io(const error_code& ec) {
  if (!up_) {
    fail_opening(error_kind::handshake_failed);
  } else if (!closing_ && !peer_gone_ && !w_.drained_) {
    fail(ec == asio::error::eof || ec == asio::error::broken_pipe ||
                 ec == asio::error::connection_reset
             ? error_kind::closed_by_server
             : error_kind::io_error);
  }
}

asio::awaitable<void> load_connection::wait_until(clock::time_point when) {
  timer_.expires_at(when);
  waiting_ = true;
  error_code ec;
  co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiting_ = false;
}

asio::awaitable<bool> load_connection::connect_tcp() {
  const auto& o = w_.options_;
  const auto& target = w_.targets_[id_ % w_.targets_.size()];
  error_code ec;
  socket_.open(target.protocol(), ec);
  if (!ec && !o.source_ips.empty()) {
    const auto& source = o.source_ips[id_ % o.source_ips.size()];
    // Bind the address only; the port is chosen at connect time, per destination, so that
    // many connections from one address do not exhaust the ephemeral ports (Linux >= 4.2).
    const int one = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket_.bind(tcp::endpoint(source, 0), ec);
  }
  if (ec) {
    fail_opening(error_kind::connect_failed);
    co_return false;
  }
  co_await socket_.async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    fail_opening(ec == asio::error::connection_refused ? error_kind::connect_refused
                                                       : error_kind::connect_failed);
    co_return false;
  }
  socket_.set_option(tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
  co_return true;
}

asio::awaitable<bool> load_connection::open() {
  const auto& o = w_.options_;
  const auto started = clock::now();
  // One deadline for connect, TLS and the opening handshake, never past the end of the drain: it
  // closes the socket, which ends whatever is pending.
  timer_.expires_at(std::min(started + o.connect_timeout, w_.end_ + o.drain));
  timer_.async_wait([this](const error_code& ec) {
    if (ec || up_ || failed_) return;
    open_timed_out_ = true;
    abort();
  });
  bool ok = co_await connect_tcp();
  if (ok && o.url.secure) {
    tls_ = std::make_unique<net::tls_stream>(std::move(socket_), w_.tls_);
    try {
      co_await tls_->handshake_client(o.url.host);
    } catch (const std::exception&) {
      fail_opening(error_kind::handshake_failed);
      ok = false;
    }
    rbuf_.resize(initial_read_buffer);
  }
  if (ok) {
    w_.connect_.record(micros(clock::now() - started));
    const auto connected = clock::now();
    ok = co_await upgrade();
    if (ok) w_.upgrade_.record(micros(clock::now() - connected));
  }
  up_ = ok;
  timer_.cancel();
  co_return ok;
}

asio::awaitable<bool> load_connection::upgrade() {
  const auto& o = w_.options_;
  // A fresh Sec-WebSocket-Key: 16 bytes from the CSPRNG (RFC 6455 §4.1), the 101 checked
  // against it by the same rules as everywhere else (wire::validate_response).
  std::array<std::uint8_t, 16> nonce{};
  w_.keys_.fill(nonce);
  const auto request =
      wire::make_client_request(o.url.host_header(), o.url.target, wire::base64_encode(nonce));
  const std::string head = wire::serialize(request);
  wbuf_.assign(head.begin(), head.end());
  wlen_ = wbuf_.size();
  if (!co_await flush()) co_return false;

  wire::response_parser parser;
  for (;;) {
    error_code ec;
    const auto bytes = co_await read_some(ec);
    if (ec) {
      failed_io(ec);
      co_return false;
    }
    std::size_t used = 0;
    const auto status = parser.feed(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), used);
    if (status == wire::parse_status::need_more) continue;
    if (status == wire::parse_status::error) {
      fail_opening(error_kind::handshake_failed);
      co_return false;
    }
    early_.assign(bytes.begin() + static_cast<std::ptrdiff_t>(used), bytes.end());
    break;
  }
  if (!wire::validate_response(request, parser.message()).ok) {
    fail_opening(error_kind::handshake_failed);
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> load_connection::run() {
  const bool opened = co_await open();
  w_.handshake_finished();
  if (!opened) {
    w_.stats_.connect_errors.add();
    abort();
    finished_ = true;
    co_return;
  }
  w_.stats_.connections_up.add();
  w_.stats_.connections_established.add();
  w_.last_up_ = std::max(w_.last_up_, clock::now());

  const auto& o = w_.options_;
  const auto now = clock::now();
  if (o.model == load_model::open_loop) {
    // Each connection sends rate / connections, its schedule shifted by its share of one period
    // so that the connections' sends interleave instead of bunching.
    const double per_connection = o.rate / static_cast<double>(o.connections);
    const double phase = static_cast<double>(id_) / static_cast<double>(o.connections);
    const auto offset = std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>(phase / per_connection));
    schedule_.emplace(std::max(now, w_.timing_.epoch) + offset, per_connection);
  } else if (o.model == load_model::closed_loop) {
    credits_ = o.in_flight;
  } else {
    next_ping_ = now + o.ping_interval;
  }

  if (!early_.empty()) {
    read_at_ = clock::now();
    on_bytes(early_);
    std::vector<std::uint8_t>().swap(early_);
  }
  if (tls_) {
    asio::co_spawn(w_.ctx_, read_loop(), asio::detached);
  } else {
    on_readable({});
  }
  co_await write_loop();

  // Close politely when we can: a close frame, then a short wait for the peer's answer.
  if (!failed_ && !peer_gone_) {
    closing_ = true;
    std::uint8_t code[2] = {0x03, 0xE8};  // 1000 normal closure
    append_frame(wire::opcode::close, 2,
                 [&](std::uint8_t* out) { std::memcpy(out, code, sizeof code); });
    if (co_await flush()) {
      const auto until = clock::now() + close_wait;
      while (!peer_gone_ && clock::now() < until) co_await wait_until(until);
    }
  }
  closing_ = true;
  abort();

  if (o.model == load_model::open_loop && schedule_) {
    w_.scheduled_ += schedule_->count_in(std::max(w_.timing_.window_start, schedule_->start()),
                                         std::max(w_.end_, w_.timing_.window_start));
  }
  const auto lost = o.send_only ? 0 : verifier_.lost(sent_);
  if (lost != 0) w_.stats_.error(error_kind::lost, lost);
  w_.stats_.connections_up.sub();
  finished_ = true;
}

template <typename Fill>
void load_connection::append_frame(std::uint8_t opcode, std::size_t size, Fill fill) {
  const std::size_t need = wlen_ + wire::max_header_size + size;
  if (wbuf_.size() < need) wbuf_.resize(std::max(need, wbuf_.size() * 2));
  wire::frame_spec spec;
  spec.opcode = opcode;
  spec.mask = w_.keys_.next();  // a fresh key for every frame (RFC 6455 §5.3)
  std::uint8_t* out = wbuf_.data() + wlen_;
  const std::size_t header = wire::write_header(out, spec, size);
  std::uint8_t* payload = out + header;
  fill(payload);
  wire::apply_mask(std::span<std::uint8_t>(payload, size), *spec.mask);
  wlen_ += header + size;
}

void load_connection::append_message(std::uint64_t seq, clock::time_point intended,
                                     clock::time_point now) {
  const auto& o = w_.options_;
  const std::size_t size = payload_size(o.payload, seq);
  const stamp s{seq, nanos_since(w_.timing_.epoch, intended)};
  append_frame(o.payload.text ? wire::opcode::text : wire::opcode::binary, size,
               [&](std::uint8_t* out) { fill_payload(o.payload, s, out); });
  ++sent_;
  auto& stats = w_.stats_;
  stats.sent_all.add();
  // Echoed runs count a message by its intended time, so that the echoes of exactly these
  // messages are awaited; --send-only counts what actually left in the window (its rate is the
  // achieved send rate).
  const auto counted_at = o.send_only ? now : intended;
  if (counted_at >= w_.timing_.window_start && counted_at < w_.end_) {
    stats.messages_sent.add();
    stats.bytes_sent.add(size);
  }
}

asio::awaitable<bool> load_connection::flush() {
  if (wlen_ == 0) co_return true;
  error_code ec;
  if (tls_) {
    try {
      co_await tls_->write(std::span<const std::uint8_t>(wbuf_.data(), wlen_));
    } catch (const boost::system::system_error& e) {
      ec = e.code();
    }
  } else {
    // One send() for the whole batch; wait for room only when the socket buffer is full.
    std::size_t done = 0;
    while (done < wlen_) {
      const std::size_t n = socket_.write_some(asio::buffer(wbuf_.data() + done, wlen_ - done), ec);
      done += n;
      if (!ec) continue;
      if (!would_block(ec)) break;
      co_await socket_.async_wait(tcp::socket::wait_write,
                                  asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
  }
  wlen_ = 0;
  if (ec) {
    failed_io(ec);
    co_return false;
  }
  co_return true;
}

asio::awaitable<std::span<std::uint8_t>> load_connection::read_some(error_code& ec) {
  ec = {};
  if (tls_) {
    try {
      const std::size_t n = co_await tls_->read_some(rbuf_);
      std::span<std::uint8_t> got(rbuf_.data(), n);
      if (n == rbuf_.size() && rbuf_.size() < max_read_buffer) rbuf_.resize(rbuf_.size() * 2);
      co_return got;
    } catch (const boost::system::system_error& e) {
      ec = e.code();
      co_return std::span<std::uint8_t>();
    }
  }
  // Read first and wait only when nothing is there: the socket's readiness is edge-triggered,
  // so waiting is only safe once a read has found it empty. The shared buffer is used up by the
  // caller before anything else can run on this thread.
  auto& buffer = w_.read_buffer_;
  for (;;) {
    const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
    if (!ec) co_return std::span<std::uint8_t>(buffer.data(), n);
    if (!would_block(ec)) co_return std::span<std::uint8_t>();
    co_await socket_.async_wait(tcp::socket::wait_read,
                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return std::span<std::uint8_t>();
  }
}

asio::awaitable<void> load_connection::write_loop() {
  const auto& o = w_.options_;
  auto& stats = w_.stats_;
  auto last_wake = clock::time_point();
  for (;;) {
    if (failed_ || peer_gone_) break;
    const auto now = clock::now();
    if (o.model == load_model::open_loop) {
      // Everything due now leaves, each message stamped with its own intended time; a writer
      // that wakes after the end still owes the messages meant for before it.
      // --send-only stops at the end: what the schedule offered and did not leave in time shows
      // as achieved < offered.
      const auto due = o.send_only && now >= w_.end_
                           ? sent_
                           : schedule_->due_by(std::min(now, w_.end_ - clock::duration(1)));
      while (sent_ < due && wlen_ < max_batch_bytes) {
        append_message(sent_, schedule_->intended(sent_), now);
      }
    }
    if (now >= w_.end_) {
      // Sending is over; answer pings until the worker says the drain is over.
      if (wlen_ == 0 && !pong_due_) {
        if (w_.drained_) break;
        co_await wait_until(w_.end_ + o.drain);
        continue;
      }
    } else if (o.model == load_model::closed_loop) {
      for (; credits_ > 0 && wlen_ < max_batch_bytes; --credits_) append_message(sent_, now, now);
    } else if (o.model == load_model::idle && now >= next_ping_) {
      const std::uint64_t t = nanos_since(w_.timing_.epoch, now);
      append_frame(wire::opcode::ping, 8, [&](std::uint8_t* out) {
        for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(t >> (8 * i));
      });
      stats.pings_sent.add();
      next_ping_ += o.ping_interval;
      if (next_ping_ <= now) next_ping_ = now + o.ping_interval;  // fell behind: no burst
    }
    if (pong_due_) {
      pong_due_ = false;
      append_frame(wire::opcode::pong, pong_size_,
                   [&](std::uint8_t* out) { std::memcpy(out, pong_.data(), pong_size_); });
    }
    if (wlen_ != 0) {
      if (!co_await flush()) break;
      continue;
    }
    auto next = w_.end_;
    if (o.model == load_model::open_loop) {
      next = std::min(next, schedule_->intended(sent_));
      if (o.send_only) {
        last_wake = std::max(last_wake + send_only_batch_gap, now);
        next = std::max(next, std::min(last_wake, w_.end_));
      }
    }
    if (o.model == load_model::idle) next = std::min(next, next_ping_);
    co_await wait_until(next);
  }
}

asio::awaitable<void> load_connection::read_loop() {
  error_code ec;
  while (!failed_) {
    const auto bytes = co_await read_some(ec);
    if (ec) break;
    w_.stats_.bytes_read_all.add(bytes.size());
    // Every frame of one read arrived at the same moment: one clock reading for all of them.
    read_at_ = clock::now();
    on_bytes(bytes);
  }
  reading_over(ec);
}

void load_connection::on_readable(error_code ec) {
  // Read first and wait only once a read found the socket empty (readiness is edge-triggered).
  // A connection that keeps the buffer full yields to the others after a few reads.
  auto& buffer = w_.read_buffer_;
  for (int reads = 0; !ec && !failed_; ++reads) {
    if (reads == 16) {
      asio::post(w_.ctx_, [this] { on_readable({}); });
      return;
    }
    const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
    if (!ec) {
      w_.stats_.bytes_read_all.add(n);
      read_at_ = clock::now();
      on_bytes(std::span<std::uint8_t>(buffer.data(), n));
    } else if (would_block(ec)) {
      socket_.async_wait(tcp::socket::wait_read, [this](const error_code& e) { on_readable(e); });
      return;
    }
  }
  reading_over(ec);
}

void load_connection::reading_over(const error_code& ec) {
  if (ec && !failed_) failed_io(ec);
  peer_gone_ = true;
  wake();
}

void load_connection::on_bytes(std::span<std::uint8_t> bytes) {
  const bool check = !w_.options_.send_only;
  // A data message that arrives whole in this read is checked where it lies, without a copy.
  std::span<const std::uint8_t> whole;
  // Until need_more, even once every byte is used: a frame's end is reported by the call after
  // its last payload bytes.
  while (!failed_) {
    std::size_t used = 0;
    const auto event = decoder_.next(bytes, used);
    bytes = bytes.subspan(used);
    using kind = wire::frame_decoder::event_kind;
    switch (event.kind) {
      case kind::need_more:
        return;
      case kind::header:
        frame_opcode_ = decoder_.header().opcode;
        if (wire::is_control(frame_opcode_)) {
          control_size_ = 0;
        } else if (frame_opcode_ != wire::opcode::continuation) {
          message_opcode_ = frame_opcode_;
          message_.clear();  // keeps its capacity
        }
        break;
      case kind::payload:
        if (wire::is_control(frame_opcode_)) {
          const std::size_t n = std::min(event.payload.size(), control_.size() - control_size_);
          std::memcpy(control_.data() + control_size_, event.payload.data(), n);
          control_size_ = static_cast<std::uint8_t>(control_size_ + n);
        } else if (check) {
          const auto& h = decoder_.header();
          if (h.fin && frame_opcode_ != wire::opcode::continuation &&
              event.payload.size() == h.payload_length) {
            whole = event.payload;
          } else {
            message_.insert(message_.end(), event.payload.begin(), event.payload.end());
          }
        }
        break;
      case kind::frame_end:
        if (wire::is_control(frame_opcode_)) {
          on_control(frame_opcode_);
        } else if (decoder_.header().fin && check) {
          on_message(whole.empty() ? std::span<const std::uint8_t>(message_) : whole,
                     message_opcode_);
          whole = {};
        }
        break;
      case kind::error:
        fail(error_kind::protocol_error);
        return;
    }
  }
}

void load_connection::on_message(std::span<const std::uint8_t> payload, std::uint8_t opcode) {
  const auto& o = w_.options_;
  auto& stats = w_.stats_;
  const auto stamp = read_stamp(payload);
  const std::uint64_t seq = stamp ? stamp->seq : 0;
  const std::uint8_t expected = o.payload.text ? wire::opcode::text : wire::opcode::binary;
  const bool payload_ok = stamp && opcode == expected && check_payload(o.payload, seq, payload);
  const auto verdict = verifier_.on_echo(stamp.has_value(), seq, payload_ok, sent_);
  switch (verdict) {
    case echo_verifier::verdict::reordered:
      stats.error(error_kind::reordered);
      [[fallthrough]];
    case echo_verifier::verdict::ok: {
      const auto intended = w_.timing_.epoch + std::chrono::duration_cast<clock::duration>(
                                                   std::chrono::nanoseconds(stamp->sent_ns));
      const std::uint64_t latency = micros(read_at_ - intended);
      stats.received_all.add();
      w_.interval_.record(latency);
      if (intended >= w_.timing_.window_start && intended < w_.end_) {
        w_.latency_.record(latency);
        stats.messages_received.add();
        stats.bytes_received.add(payload.size());
      }
      break;
    }
    case echo_verifier::verdict::duplicate:
      stats.error(error_kind::duplicated);
      return;  // no credit: it was returned already
    case echo_verifier::verdict::corrupted:
      stats.error(error_kind::corrupted);
      if (!stamp) return;
      break;
  }
  if (o.model == load_model::closed_loop) {
    ++credits_;
    wake();
  }
}

void load_connection::on_control(std::uint8_t opcode) {
  auto& stats = w_.stats_;
  if (opcode == wire::opcode::ping) {
    // Answer with the same payload (RFC 6455 §5.5.3); a newer ping replaces an unanswered one.
    std::memcpy(pong_.data(), control_.data(), control_size_);
    pong_size_ = control_size_;
    pong_due_ = true;
    wake();
  } else if (opcode == wire::opcode::pong) {
    stats.pongs_received.add();
    if (control_size_ == 8) {
      std::uint64_t t = 0;
      for (int i = 7; i >= 0; --i) t = (t << 8) | control_[static_cast<std::size_t>(i)];
      const auto sent = w_.timing_.epoch +
                        std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(t));
      const auto rtt = micros(read_at_ - sent);
      w_.ping_.record(rtt);
      w_.interval_.record(rtt);
    }
  } else if (opcode == wire::opcode::close) {
    if (!closing_ && !w_.drained_) {
      fail(error_kind::closed_by_server);
    } else {
      peer_gone_ = true;  // the answer to our close (or a close after the drain)
      wake();
    }
  }
}

}  // namespace wsprobe::load
