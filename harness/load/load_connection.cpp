#include "harness/load/load_connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
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

// Plain TCP I/O goes straight to the descriptor, which is non-blocking from its creation (Asio's
// own read_some would block on a descriptor it was not told about, and telling it costs a
// system call per connection).
std::size_t receive_some(int fd, std::span<std::uint8_t> into, error_code& ec) {
  for (;;) {
    const auto n = ::recv(fd, into.data(), into.size(), 0);
    if (n > 0) {
      ec = {};
      return static_cast<std::size_t>(n);
    }
    if (n == 0) {
      ec = asio::error::eof;
      return 0;
    }
    if (errno != EINTR) {
      ec = error_code(errno, boost::system::system_category());
      return 0;
    }
  }
}

std::size_t send_some(int fd, const std::uint8_t* data, std::size_t size, error_code& ec) {
  for (;;) {
    const auto n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n >= 0) {
      ec = {};
      return static_cast<std::size_t>(n);
    }
    if (errno != EINTR) {
      ec = error_code(errno, boost::system::system_category());
      return 0;
    }
  }
}

}  // namespace

// What a plain TCP connection needs only while it opens.
struct load_connection::opening_state {
  clock::time_point started;
  clock::time_point connected;
  std::array<char, load_worker::key_size> key{};  // our Sec-WebSocket-Key, base64
  std::size_t request_sent = 0;
  // Only when the 101 is split over reads; a 101 that comes whole is parsed by the worker's.
  std::unique_ptr<wire::response_parser> parser;
};

load_connection::load_connection(load_worker& worker, std::size_t id)
    : w_(worker), id_(static_cast<std::uint32_t>(id)) {}

load_connection::~load_connection() {
  if (fd_ >= 0) ::close(fd_);
}

void load_connection::start() {
  if (!w_.options_.url.secure) {
    open_plain();
    return;
  }
  st_ = std::make_unique<connection_state>();
  st_->timer = std::make_unique<connection_state::timer_type>(w_.ctx_.get_executor());
  asio::co_spawn(w_.ctx_, run_tls(), asio::detached);
}

std::uint64_t load_connection::outstanding() const {
  // Nothing more comes back once the read side is over.
  if (failed_ || peer_gone_ || finished_) return 0;
  if (w_.options_.model == load_model::idle) return ping_unanswered_ ? 1 : 0;
  if (w_.options_.send_only || !st_) return 0;
  return st_->verifier.outstanding(st_->sent);
}

void load_connection::count_unanswered_ping() {
  // A server may answer only the latest of several pings (RFC 6455 §5.5.3), so only the last
  // one is owed a pong.
  if (ping_unanswered_) w_.stats_.error(error_kind::lost);
  ping_unanswered_ = false;
}

void load_connection::wake() {
  if (idle_) {
    idle_step();
  } else if (waiting_) {
    st_->timer->cancel();
  }
}

void load_connection::abort() {
  if (open_) {
    // Plain TCP still opening: that fails it (it did not open in time), which comes back here.
    plain_failed(error_kind::timeout);
    return;
  }
  if (tls_) {
    tls_->close();
  } else if (connecting_) {
    error_code ignored;
    connecting_->close(ignored);
  }
  if (fd_ >= 0) {
    ::close(fd_);  // also leaves the worker's epoll instance
    fd_ = -1;
    peer_gone_ = true;  // nothing more is read
  }
  read_then_ = write_then_ = nullptr;
  if (waiting_) st_->timer->cancel();  // a writer waiting for room sees the socket gone
}

void load_connection::on_ready(std::uint32_t events) {
  if (fd_ < 0) return;  // closed while this batch of events was on its way
  // Edge-triggered: remember readiness until a read or write finds the socket empty or full.
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) readable_ = true;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) writable_ = true;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_side_ending_ = true;
  if (readable_ && read_then_) std::exchange(read_then_, nullptr)(*this);
  if (writable_ && write_then_ && fd_ >= 0) std::exchange(write_then_, nullptr)(*this);
}

void load_connection::when_readable(step then) {
  when_ready(readable_, read_then_, then);
}

void load_connection::when_writable(step then) {
  when_ready(writable_, write_then_, then);
}

void load_connection::when_ready(bool ready, step& slot, step then) {
  if (!ready) {
    slot = then;  // on_ready() runs it at the next edge
    return;
  }
  asio::post(w_.ctx_, [this, then] {
    if (fd_ >= 0) then(*this);
  });
}

bool load_connection::drained_by(std::size_t n, std::size_t buffer_size) {
  // A read that did not fill the buffer took everything there was, unless the peer's FIN or an
  // error was signalled (a read must then see it): the next edge says when more comes, so the
  // read that would only find the socket empty is skipped.
  if (n == 0 || n >= buffer_size || read_side_ending_) return false;
  readable_ = false;
  return true;
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

clock::time_point load_connection::open_deadline() const {
  return open_->started + w_.options_.connect_timeout;
}

void load_connection::open_timed_out() {
  if (!open_) return;
  open_timed_out_ = true;
  abort();  // fails the opening
}

void load_connection::open_plain() {
  const auto& o = w_.options_;
  open_ = std::make_unique<opening_state>();
  open_->started = clock::now();
  w_.opening_.push_back(this);
  const auto& target = w_.targets_[id_ % w_.targets_.size()];
  // Non-blocking from the start, and TCP_NODELAY before connect(): no later system calls.
  const int fd =
      ::socket(target.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    plain_failed(error_kind::connect_failed);
    return;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  bool ok = true;
  if (!o.source_ips.empty()) {
    const tcp::endpoint source(o.source_ips[id_ % o.source_ips.size()], 0);
    // Bind the address only; the port is chosen at connect time, per destination, so that
    // many connections from one address do not exhaust the ephemeral ports (Linux >= 4.2).
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    ok = ::bind(fd, source.data(), static_cast<socklen_t>(source.size())) == 0;
  }
  // EINPROGRESS is the normal answer of a non-blocking connect().
  int connect_errno = 0;
  if (ok && ::connect(fd, target.data(), static_cast<socklen_t>(target.size())) != 0 &&
      errno != EINPROGRESS) {
    connect_errno = errno;
    ok = false;
  }
  // One registration for the connection's life (the worker's epoll instance).
  if (ok && !w_.poller_->watch(fd, this)) ok = false;
  if (!ok) {
    ::close(fd);
    plain_failed(connect_errno == ECONNREFUSED ? error_kind::connect_refused
                                               : error_kind::connect_failed);
    return;
  }
  fd_ = fd;
  w_.keys_.fill(w_.nonce_);
  wire::base64_encode_to(w_.nonce_, open_->key.data());
  send_request();
}

void load_connection::send_request() {
  // The worker's request head with this connection's key written in.
  std::string& head = w_.request_head_;
  std::memcpy(head.data() + w_.key_offset_, open_->key.data(), open_->key.size());
  while (open_->request_sent < head.size()) {
    const auto n = ::send(fd_, head.data() + open_->request_sent, head.size() - open_->request_sent,
                          MSG_NOSIGNAL);
    if (n > 0) {
      open_->request_sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // Still connecting (or no room): the handshake's end makes the socket writable.
      writable_ = false;
      when_writable([](load_connection& c) { c.on_connect_writable(); });
      return;
    }
    // The TCP handshake failed (refused, unreachable) or the connection went at once.
    const int e = errno;
    plain_failed(open_->request_sent == 0 && e == ECONNREFUSED ? error_kind::connect_refused
                 : open_->request_sent == 0                    ? error_kind::connect_failed
                                                               : error_kind::handshake_failed);
    return;
  }
  if (open_->connected == clock::time_point()) {
    open_->connected = clock::now();
    w_.connect_.record(micros(open_->connected - open_->started));
  }
  when_readable([](load_connection& c) { c.on_response_readable(); });
}

void load_connection::on_connect_writable() {
  int error = 0;
  socklen_t size = sizeof error;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size) != 0) {
    error = errno;
  }
  if (error != 0) {
    plain_failed(error == ECONNREFUSED ? error_kind::connect_refused : error_kind::connect_failed);
    return;
  }
  send_request();
}

void load_connection::on_response_readable() {
  // Read until the head is complete or the socket is empty (readiness is edge-triggered).
  auto& buffer = w_.read_buffer_;
  error_code ec;
  while (!ec) {
    const std::size_t n = receive_some(fd_, buffer, ec);
    if (would_block(ec)) {
      readable_ = false;
      when_readable([](load_connection& c) { c.on_response_readable(); });
      return;
    }
    if (ec) break;
    w_.stats_.bytes_read_all.add(n);
    auto& parser = open_->parser ? *open_->parser : w_.response_parser_;
    std::size_t used = 0;
    const auto status =
        parser.feed(std::string_view(reinterpret_cast<const char*>(buffer.data()), n), used);
    if (status == wire::parse_status::need_more) {
      // Rare: the 101 comes in pieces. This connection keeps the parser from here on.
      if (!open_->parser) {
        open_->parser = std::make_unique<wire::response_parser>(std::move(w_.response_parser_));
        w_.response_parser_ = wire::response_parser();
      }
      if (drained_by(n, buffer.size())) {
        when_readable([](load_connection& c) { c.on_response_readable(); });
        return;
      }
      continue;
    }
    // The worker's request as this connection sent it, to check the 101 against.
    w_.request_template_.headers.fields[w_.key_field_].value.assign(open_->key.data(),
                                                                    open_->key.size());
    const bool valid = status == wire::parse_status::done &&
                       wire::validate_response(w_.request_template_, parser.message()).ok;
    if (!open_->parser) parser.reset();  // the worker's, ready for the next connection
    if (!valid) break;
    const bool drained = drained_by(n, buffer.size());
    plain_up(std::span<std::uint8_t>(buffer.data() + used, n - used), drained);
    return;
  }
  // The stream ended or failed, or the 101 was malformed or wrong.
  plain_failed(error_kind::handshake_failed);
}

void load_connection::plain_failed(error_kind kind) {
  fail_opening(kind);  // counts nothing more when the failure was counted already
  open_.reset();
  came_up(false);
}

void load_connection::plain_up(std::span<std::uint8_t> early, bool drained) {
  w_.upgrade_.record(micros(clock::now() - open_->connected));
  open_.reset();
  up_ = true;
  const auto& o = w_.options_;
  if (o.model != load_model::idle) {
    st_ = std::make_unique<connection_state>();
    st_->timer = std::make_unique<connection_state::timer_type>(w_.ctx_.get_executor());
  }
  came_up(true);
  if (o.model == load_model::idle) {
    // From here on handlers only; set before the early bytes so that a ping among them is
    // answered the idle way.
    idle_ = true;
    w_.schedule_ping(this);
  }
  if (!early.empty()) {
    w_.read_at_ = clock::now();
    on_bytes(early);
  }
  if (idle_) settle_state();
  if (drained) {
    if (!failed_ && !finished_) when_readable([](load_connection& c) { c.on_readable(); });
  } else {
    on_readable();
  }
  if (!idle_) asio::co_spawn(w_.ctx_, serve_messages(), asio::detached);
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
  st_->timer->expires_at(when);
  waiting_ = true;
  error_code ec;
  co_await st_->timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiting_ = false;
}

asio::awaitable<bool> load_connection::connect_tcp() {
  const auto& o = w_.options_;
  const auto& target = w_.targets_[id_ % w_.targets_.size()];
  error_code ec;
  connecting_ = std::make_unique<socket_type>(w_.ctx_.get_executor());
  auto& socket = *connecting_;
  socket.open(target.protocol(), ec);
  if (!ec && !o.source_ips.empty()) {
    const auto& source = o.source_ips[id_ % o.source_ips.size()];
    // Bind the address only; the port is chosen at connect time, per destination, so that
    // many connections from one address do not exhaust the ephemeral ports (Linux >= 4.2).
    const int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.bind(tcp::endpoint(source, 0), ec);
  }
  if (ec) {
    fail_opening(error_kind::connect_failed);
    co_return false;
  }
  co_await socket.async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    fail_opening(ec == asio::error::connection_refused ? error_kind::connect_refused
                                                       : error_kind::connect_failed);
    co_return false;
  }
  socket.set_option(tcp::no_delay(true), ec);
  socket.non_blocking(true, ec);
  co_return true;
}

asio::awaitable<bool> load_connection::open() {
  const auto& o = w_.options_;
  const auto started = clock::now();
  // One deadline for connect, TLS and the opening handshake, never past the end of the drain: it
  // closes the socket, which ends whatever is pending.
  st_->timer->expires_at(std::min(started + o.connect_timeout, w_.end_ + o.drain));
  st_->timer->async_wait([this](const error_code& ec) {
    if (ec || up_ || failed_) return;
    open_timed_out_ = true;
    abort();
  });
  bool ok = co_await connect_tcp();
  if (ok && o.url.secure) {
    tls_ = std::make_unique<net::tls_stream>(std::move(*connecting_), w_.tls_);
    connecting_.reset();
    try {
      co_await tls_->handshake_client(o.url.host);
    } catch (const std::exception&) {
      fail_opening(error_kind::handshake_failed);
      ok = false;
    }
    st_->rbuf.resize(initial_read_buffer);
  }
  if (ok) {
    w_.connect_.record(micros(clock::now() - started));
    const auto connected = clock::now();
    ok = co_await upgrade();
    if (ok) w_.upgrade_.record(micros(clock::now() - connected));
  }
  up_ = ok;
  st_->timer->cancel();
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
  st_->wbuf.assign(head.begin(), head.end());
  st_->wlen = st_->wbuf.size();
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
    st_->early.assign(bytes.begin() + static_cast<std::ptrdiff_t>(used), bytes.end());
    break;
  }
  if (!wire::validate_response(request, parser.message()).ok) {
    fail_opening(error_kind::handshake_failed);
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> load_connection::run_tls() {
  const bool opened = co_await open();
  if (!came_up(opened)) co_return;
  if (!st_->early.empty()) {
    w_.read_at_ = clock::now();
    auto early = std::move(st_->early);
    st_->early.clear();
    on_bytes(early);
  }
  asio::co_spawn(w_.ctx_, read_loop(), asio::detached);
  co_await serve_messages();
}

bool load_connection::came_up(bool opened) {
  w_.handshake_finished();
  if (!opened) {
    w_.stats_.connect_errors.add();
    abort();
    finished_ = true;
    return false;
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
    st_->schedule.emplace(std::max(now, w_.timing_.epoch) + offset, per_connection);
  } else if (o.model == load_model::closed_loop) {
    st_->credits = o.in_flight;
  } else {
    next_ping_ = now + o.ping_interval;
  }
  return true;
}

asio::awaitable<void> load_connection::serve_messages() {
  co_await write_loop();

  // Close politely when we can: a close frame, then a short wait for the peer's answer.
  const auto& o = w_.options_;
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

  auto& s = *st_;
  if (o.model == load_model::open_loop && s.schedule) {
    w_.scheduled_ += s.schedule->count_in(std::max(w_.timing_.window_start, s.schedule->start()),
                                          std::max(w_.end_, w_.timing_.window_start));
  }
  const auto lost = o.send_only ? 0 : s.verifier.lost(s.sent);
  if (lost != 0) w_.stats_.error(error_kind::lost, lost);
  w_.stats_.connections_up.sub();
  finished_ = true;
}

template <typename Fill>
void load_connection::append_frame(std::uint8_t opcode, std::size_t size, Fill fill) {
  auto& s = *st_;
  const std::size_t need = s.wlen + wire::max_header_size + size;
  if (s.wbuf.size() < need) s.wbuf.resize(std::max(need, s.wbuf.size() * 2));
  wire::frame_spec spec;
  spec.opcode = opcode;
  spec.mask = w_.keys_.next();  // a fresh key for every frame (RFC 6455 §5.3)
  std::uint8_t* out = s.wbuf.data() + s.wlen;
  const std::size_t header = wire::write_header(out, spec, size);
  std::uint8_t* payload = out + header;
  fill(payload);
  wire::apply_mask(std::span<std::uint8_t>(payload, size), *spec.mask);
  s.wlen += header + size;
}

void load_connection::append_message(std::uint64_t seq, clock::time_point intended,
                                     clock::time_point now) {
  const auto& o = w_.options_;
  const std::size_t size = payload_size(o.payload, seq);
  const stamp s{seq, nanos_since(w_.timing_.epoch, intended)};
  append_frame(o.payload.text ? wire::opcode::text : wire::opcode::binary, size,
               [&](std::uint8_t* out) { fill_payload(o.payload, s, out); });
  ++st_->sent;
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
  auto& s = *st_;
  if (s.wlen == 0) co_return true;
  error_code ec;
  if (tls_) {
    try {
      co_await tls_->write(std::span<const std::uint8_t>(s.wbuf.data(), s.wlen));
    } catch (const boost::system::system_error& e) {
      ec = e.code();
    }
  } else {
    // One send() for the whole batch; wait for room only when the socket buffer is full.
    std::size_t done = 0;
    while (done < s.wlen) {
      if (fd_ < 0) {
        ec = asio::error::bad_descriptor;  // closed while waiting for room
        break;
      }
      const std::size_t n = send_some(fd_, s.wbuf.data() + done, s.wlen - done, ec);
      done += n;
      if (!ec) continue;
      if (!would_block(ec)) break;
      ec = {};
      // The socket buffer is full: the poller's writability edge (or anything else that wakes
      // the writer, or the socket's close) ends the wait.
      writable_ = false;
      when_writable([](load_connection& c) { c.wake(); });
      co_await wait_until(clock::now() + std::chrono::hours(1));
      write_then_ = nullptr;
    }
  }
  s.wlen = 0;
  if (ec) {
    failed_io(ec);
    co_return false;
  }
  co_return true;
}

asio::awaitable<std::span<std::uint8_t>> load_connection::read_some(error_code& ec) {
  ec = {};
  try {
    auto& rbuf = st_->rbuf;
    const std::size_t n = co_await tls_->read_some(rbuf);
    std::span<std::uint8_t> got(rbuf.data(), n);
    if (n == rbuf.size() && rbuf.size() < max_read_buffer) rbuf.resize(rbuf.size() * 2);
    co_return got;
  } catch (const boost::system::system_error& e) {
    ec = e.code();
    co_return std::span<std::uint8_t>();
  }
}

asio::awaitable<void> load_connection::write_loop() {
  const auto& o = w_.options_;
  auto& stats = w_.stats_;
  auto& s = *st_;
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
                           ? s.sent
                           : s.schedule->due_by(std::min(now, w_.end_ - clock::duration(1)));
      while (s.sent < due && s.wlen < max_batch_bytes) {
        append_message(s.sent, s.schedule->intended(s.sent), now);
      }
    }
    if (now >= w_.end_) {
      // Sending is over; answer pings until the worker says the drain is over.
      if (s.wlen == 0 && !s.pong_due) {
        if (w_.drained_) {
          count_unanswered_ping();
          break;
        }
        co_await wait_until(w_.end_ + o.drain);
        continue;
      }
    } else if (o.model == load_model::closed_loop) {
      for (; s.credits > 0 && s.wlen < max_batch_bytes; --s.credits) {
        append_message(s.sent, now, now);
      }
    } else if (o.model == load_model::idle && now >= next_ping_) {
      const std::uint64_t t = nanos_since(w_.timing_.epoch, now);
      append_frame(wire::opcode::ping, 8, [&](std::uint8_t* out) {
        for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(t >> (8 * i));
      });
      stats.pings_sent.add();
      ping_unanswered_ = true;
      next_ping_ += o.ping_interval;
      if (next_ping_ <= now) next_ping_ = now + o.ping_interval;  // fell behind: no burst
    }
    if (s.pong_due) {
      s.pong_due = false;
      append_frame(wire::opcode::pong, s.pong_size,
                   [&](std::uint8_t* out) { std::memcpy(out, s.pong.data(), s.pong_size); });
    }
    if (s.wlen != 0) {
      if (!co_await flush()) break;
      continue;
    }
    auto next = w_.end_;
    if (o.model == load_model::open_loop) {
      next = std::min(next, s.schedule->intended(s.sent));
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
    w_.read_at_ = clock::now();
    on_bytes(bytes);
  }
  reading_over(ec);
}

void load_connection::on_readable() {
  if (finished_ || fd_ < 0) return;
  // Read until a read finds the socket empty, or did not fill the buffer (drained_by), then
  // wait for the next edge. A connection that keeps the buffer full yields to the others after
  // a few reads.
  auto& buffer = w_.read_buffer_;
  error_code ec;
  for (int reads = 0; !ec && !failed_ && !finished_ && fd_ >= 0; ++reads) {
    if (reads == 16) {
      asio::post(w_.ctx_, [this] { on_readable(); });
      return;
    }
    const std::size_t n = receive_some(fd_, buffer, ec);
    if (!ec) {
      w_.stats_.bytes_read_all.add(n);
      w_.read_at_ = clock::now();
      on_bytes(std::span<std::uint8_t>(buffer.data(), n));
      if (drained_by(n, buffer.size()) && !failed_ && !finished_ && fd_ >= 0) {
        when_readable([](load_connection& c) { c.on_readable(); });
        return;
      }
    } else if (would_block(ec)) {
      readable_ = false;
      when_readable([](load_connection& c) { c.on_readable(); });
      return;
    }
  }
  if (fd_ < 0) return;  // closed by its own decoding (a failure): nothing more to read
  if (finished_) return;
  reading_over(ec);
}

void load_connection::reading_over(const error_code& ec) {
  if (ec && !failed_) failed_io(ec);
  peer_gone_ = true;
  wake();
}

connection_state& load_connection::state() {
  if (!st_) st_ = w_.take_scratch_state();
  return *st_;
}

void load_connection::settle_state() {
  if (idle_ && st_ && !writing_ && st_->disposable() && !st_->decoder.failed()) {
    w_.give_back_scratch_state(std::move(st_));
  }
}

void load_connection::on_bytes(std::span<std::uint8_t> bytes) {
  auto& s = state();
  const bool check = !w_.options_.send_only;
  // A data message that arrives whole in this read is checked where it lies, without a copy.
  std::span<const std::uint8_t> whole;
  // Until need_more, even once every byte is used: a frame's end is reported by the call after
  // its last payload bytes.
  while (!failed_) {
    std::size_t used = 0;
    const auto event = s.decoder.next(bytes, used);
    bytes = bytes.subspan(used);
    using kind = wire::frame_decoder::event_kind;
    switch (event.kind) {
      case kind::need_more:
        if (used != 0) s.mid_frame = true;  // part of a header is kept in the decoder
        settle_state();
        return;
      case kind::header:
        s.mid_frame = true;
        s.frame_opcode = s.decoder.header().opcode;
        if (wire::is_control(s.frame_opcode)) {
          s.control_size = 0;
        } else if (s.frame_opcode != wire::opcode::continuation) {
          s.message_opcode = s.frame_opcode;
          s.message.clear();  // keeps its capacity
        }
        break;
      case kind::payload:
        if (wire::is_control(s.frame_opcode)) {
          const std::size_t n = std::min(event.payload.size(), s.control.size() - s.control_size);
          std::memcpy(s.control.data() + s.control_size, event.payload.data(), n);
          s.control_size = static_cast<std::uint8_t>(s.control_size + n);
        } else if (check) {
          const auto& h = s.decoder.header();
          if (h.fin && s.frame_opcode != wire::opcode::continuation &&
              event.payload.size() == h.payload_length) {
            whole = event.payload;
          } else {
            s.message.insert(s.message.end(), event.payload.begin(), event.payload.end());
          }
        }
        break;
      case kind::frame_end:
        s.mid_frame = false;
        if (wire::is_control(s.frame_opcode)) {
          on_control(s.frame_opcode);
        } else {
          s.in_message = !s.decoder.header().fin;
          if (!s.in_message && check) {
            on_message(whole.empty() ? std::span<const std::uint8_t>(s.message) : whole,
                       s.message_opcode);
            whole = {};
          }
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
  auto& s = *st_;
  const auto stamp = read_stamp(payload);
  const std::uint64_t seq = stamp ? stamp->seq : 0;
  const std::uint8_t expected = o.payload.text ? wire::opcode::text : wire::opcode::binary;
  const bool payload_ok = stamp && opcode == expected && check_payload(o.payload, seq, payload);
  const auto verdict = s.verifier.on_echo(stamp.has_value(), seq, payload_ok, s.sent);
  switch (verdict) {
    case echo_verifier::verdict::reordered:
      stats.error(error_kind::reordered);
      [[fallthrough]];
    case echo_verifier::verdict::ok: {
      const auto intended = w_.timing_.epoch + std::chrono::duration_cast<clock::duration>(
                                                   std::chrono::nanoseconds(stamp->sent_ns));
      const std::uint64_t latency = micros(w_.read_at_ - intended);
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
    ++s.credits;
    wake();
  }
}

void load_connection::on_control(std::uint8_t opcode) {
  auto& stats = w_.stats_;
  auto& s = *st_;
  if (opcode == wire::opcode::ping) {
    // Answer with the same payload (RFC 6455 §5.5.3); a newer ping replaces an unanswered one.
    if (idle_) {
      send_control(wire::opcode::pong, std::span(s.control.data(), s.control_size));
      return;
    }
    std::memcpy(s.pong.data(), s.control.data(), s.control_size);
    s.pong_size = s.control_size;
    s.pong_due = true;
    wake();
  } else if (opcode == wire::opcode::pong) {
    stats.pongs_received.add();
    ping_unanswered_ = false;
    if (s.control_size == 8) {
      std::uint64_t t = 0;
      for (int i = 7; i >= 0; --i) t = (t << 8) | s.control[static_cast<std::size_t>(i)];
      const auto sent = w_.timing_.epoch +
                        std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(t));
      const auto rtt = micros(w_.read_at_ - sent);
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

bool load_connection::ping(clock::time_point now) {
  if (finished_ || failed_ || peer_gone_ || closing_) return false;
  const std::uint64_t t = nanos_since(w_.timing_.epoch, now);
  std::array<std::uint8_t, 8> payload{};
  for (std::size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<std::uint8_t>(t >> (8 * i));
  }
  w_.stats_.pings_sent.add();
  ping_unanswered_ = true;
  send_control(wire::opcode::ping, payload);
  const auto interval = w_.options_.ping_interval;
  next_ping_ += interval;
  if (next_ping_ <= now) next_ping_ = now + interval;  // fell behind: no burst
  return !finished_ && !failed_;
}

void load_connection::send_control(std::uint8_t opcode, std::span<const std::uint8_t> payload) {
  std::array<std::uint8_t, wire::max_header_size + 125> frame;
  wire::frame_spec spec;
  spec.opcode = opcode;
  spec.mask = w_.keys_.next();  // a fresh key for every frame (RFC 6455 §5.3)
  const std::size_t size = std::min(payload.size(), std::size_t{125});
  const std::size_t header = wire::write_header(frame.data(), spec, size);
  std::memcpy(frame.data() + header, payload.data(), size);
  wire::apply_mask(std::span<std::uint8_t>(frame.data() + header, size), *spec.mask);
  const std::size_t total = header + size;

  std::size_t done = 0;
  if (!writing_) {
    error_code ec;
    done = send_some(fd_, frame.data(), total, ec);
    if (ec && !would_block(ec)) {
      failed_io(ec);
      idle_finish();
      return;
    }
    if (ec) done = 0;
    if (done == total) return;
  }
  // The socket buffer is full (or a write already waits): the rest waits for room, in order.
  auto& s = state();
  if (s.wbuf.size() < s.wlen + total - done) s.wbuf.resize(s.wlen + total - done);
  std::memcpy(s.wbuf.data() + s.wlen, frame.data() + done, total - done);
  s.wlen += total - done;
  if (!writing_) {
    writing_ = true;
    writable_ = false;
    when_writable([](load_connection& c) { c.on_writable(); });
  }
}

void load_connection::on_writable() {
  if (finished_) return;
  writing_ = false;
  auto& s = *st_;
  std::size_t done = 0;
  error_code ec;
  while (!ec && done < s.wlen) {
    done += send_some(fd_, s.wbuf.data() + done, s.wlen - done, ec);
  }
  if (ec && would_block(ec)) {
    std::memmove(s.wbuf.data(), s.wbuf.data() + done, s.wlen - done);
    s.wlen -= done;
    writing_ = true;
    writable_ = false;
    when_writable([](load_connection& c) { c.on_writable(); });
    return;
  }
  s.wlen = 0;
  if (ec) {
    failed_io(ec);
    idle_finish();
    return;
  }
  settle_state();
}

void load_connection::idle_step() {
  if (finished_) return;
  if (failed_ || peer_gone_) {
    idle_finish();
  } else if (w_.drained_ && !closing_) {
    count_unanswered_ping();
    // Close politely: a close frame, then the peer's answer ends it (or the close wait does).
    closing_ = true;
    const std::uint8_t code[2] = {0x03, 0xE8};  // 1000 normal closure
    send_control(wire::opcode::close, code);
  }
}

void load_connection::close_wait_over() {
  if (idle_) {
    idle_finish();
  } else if (!finished_) {
    // Its own close wait is over too, or its writer still waits for room that a stalled peer
    // never makes: closing the socket ends the wait.
    abort();
  }
}

void load_connection::idle_finish() {
  if (finished_) return;
  closing_ = true;
  abort();
  w_.stats_.connections_up.sub();
  finished_ = true;
}

}  // namespace wsprobe::load
