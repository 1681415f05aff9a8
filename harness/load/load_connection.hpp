// One load connection: connect (from a chosen source address), opening handshake, then a writer
// and a reader on the worker's io_context. Frames are encoded and masked into a per-connection
// write buffer (no allocation per message once it has grown), all messages due are written in
// one batch, and the reader decodes every frame of each read in place.
//
// Plain TCP connections do their I/O directly on the non-blocking socket: a read goes into the
// worker's shared read buffer once the socket is readable (so an idle connection holds no read
// buffer of its own) and is decoded before anything else runs; a write is one send() that waits
// for writability only when the socket buffer is full. wss:// connections go through the TLS
// stream with a read buffer of their own.
//
// Plain TCP connections open with handlers, not coroutines, and with as few system calls as the
// kernel allows: a non-blocking socket, connect(), the request sent at once (over loopback the
// TCP handshake is complete when connect() returns; otherwise it waits for writability), then
// a wait for the 101. Their deadline is watched by the worker, not by a timer of their own.
//
// Idle plain-TCP connections (--idle over ws://) hold as little as possible: once up, no
// coroutine, no timer and no connection_state of their own; their worker's ping walker sends
// their pings, a ping from the server is answered at once, and the close at the end is sent from
// the worker's wake-up.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "harness/load/connection_state.hpp"
#include "harness/load/load_stats.hpp"

namespace wsprobe::net {
class tls_stream;
}

namespace wsprobe::load {

class load_worker;

class load_connection {
 public:
  // After our close frame, how long the peer has to answer before the socket is closed.
  static constexpr auto close_wait = std::chrono::milliseconds(250);

  load_connection(load_worker& worker, std::size_t id);
  ~load_connection();

  // Starts opening: handlers for plain TCP, a coroutine for TLS; never throws.
  void start();
  // Plain TCP while opening: when it times out (its worker watches the deadline).
  bool opening() const { return open_ != nullptr; }
  std::chrono::steady_clock::time_point open_deadline() const;
  // The opening deadline passed: give up (counted as a timeout).
  void open_timed_out();
  // Wakes the writer (new credits, a pong to send, the end moved, the drain over); an idle
  // connection sends its close once the drain is over.
  void wake();
  // Closes the socket at once, also one still connecting or in its TLS handshake; pending
  // reads and writes end.
  void abort();
  // The drain has been over for the close wait: a connection still waiting for the answer to
  // its close, or for room to write, gives up.
  void close_wait_over();
  // The opening handshake is done.
  bool up() const { return up_; }
  // Messages sent and not back yet (none are awaited with --send-only); idle: 1 while the last
  // ping has no pong.
  std::uint64_t outstanding() const;
  bool finished() const { return finished_; }
  // Idle: sends the ping due at `now`; false once the connection no longer pings.
  bool ping(std::chrono::steady_clock::time_point now);
  std::chrono::steady_clock::time_point next_ping() const { return next_ping_; }
  // Plain TCP: the worker's readiness_poller reports epoll events of this connection's socket.
  void on_ready(std::uint32_t events);

 private:
  using socket_type = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                       boost::asio::io_context::executor_type>;

  struct opening_state;
  // What runs once the socket is readable or writable (plain TCP).
  using step = void (*)(load_connection&);

  // TLS: the whole life of the connection.
  boost::asio::awaitable<void> run_tls();
  boost::asio::awaitable<bool> open();
  boost::asio::awaitable<bool> connect_tcp();
  boost::asio::awaitable<bool> upgrade();
  // After the opening handshake (or its failure): counts it; false when it failed.
  bool came_up(bool opened);
  // Message modes once up: the writer, then the polite close and the bookkeeping.
  boost::asio::awaitable<void> serve_messages();
  boost::asio::awaitable<void> write_loop();

  // Plain TCP opening, handler-driven.
  void open_plain();
  void on_connect_writable();
  // Sends (the rest of) the request; waits for writability while the TCP handshake runs.
  void send_request();
  void on_response_readable();
  // The 101 was valid: up, then the mode's own way of running; `early` came right after it,
  // `drained`: the socket had nothing more.
  void plain_up(std::span<std::uint8_t> early, bool drained);
  void plain_failed(error_kind kind);
  // Runs `then` once the socket is readable (writable): at the next edge, or soon when one came
  // already. One of each at a time.
  void when_readable(step then);
  void when_writable(step then);
  void when_ready(bool ready, step& slot, step then);
  // After a read of n bytes into a buffer of buffer_size: true when it took everything there
  // was, so that the next read should wait for the next edge.
  bool drained_by(std::size_t n, std::size_t buffer_size);
  // TLS: a coroutine that reads and decodes until the stream ends.
  boost::asio::awaitable<void> read_loop();
  // Plain TCP: reads until the socket is empty, then waits for readability with a plain
  // handler (no coroutine frames held by an idle connection).
  void on_readable();
  void reading_over(const boost::system::error_code& ec);
  // Writes the queued bytes; false (and the connection failed unless it is closing) on error.
  boost::asio::awaitable<bool> flush();
  // TLS: reads what is there into rbuf. An empty span with ec set when the stream ended or
  // failed. (Plain TCP reads in on_readable() and on_response_readable().)
  boost::asio::awaitable<std::span<std::uint8_t>> read_some(boost::system::error_code& ec);
  boost::asio::awaitable<void> wait_until(std::chrono::steady_clock::time_point when);
  // Appends one masked frame with a payload written by `fill` (called with the plain payload
  // area, which is then masked in place).
  template <typename Fill>
  void append_frame(std::uint8_t opcode, std::size_t size, Fill fill);
  void append_message(std::uint64_t seq, std::chrono::steady_clock::time_point intended,
                      std::chrono::steady_clock::time_point now);
  void on_bytes(std::span<std::uint8_t> bytes);
  void on_message(std::span<const std::uint8_t> payload, std::uint8_t opcode);
  void on_control(std::uint8_t opcode);
  void fail(error_kind kind);
  // Idle, at the end of the drain: a last ping without a pong counts as lost.
  void count_unanswered_ping();
  void fail_opening(error_kind kind);
  void failed_io(const boost::system::error_code& ec);

  // Sends one control frame now; what the socket does not take waits in a state's wbuf.
  void send_control(std::uint8_t opcode, std::span<const std::uint8_t> payload);
  void on_writable();
  // Sends the close at the end, or finishes a connection that failed or whose peer went.
  void idle_step();
  void idle_finish();
  // The state to decode with: the connection's own, or the worker's scratch one.
  connection_state& state();
  // Keeps a scratch state that is still needed (a frame spans reads, a write waits), drops an
  // own state that is no longer needed.
  void settle_state();

  // Kept small: 10,000 idle connections hold 10,000 of these (docs/load.md).
  load_worker& w_;
  int fd_ = -1;  // plain TCP, registered with the worker's readiness_poller
  std::unique_ptr<socket_type> connecting_;  // wss:// until its TLS stream takes it
  std::unique_ptr<net::tls_stream> tls_;
  std::unique_ptr<connection_state> st_;
  std::unique_ptr<opening_state> open_;  // plain TCP, while opening
  std::chrono::steady_clock::time_point next_ping_;
  step read_then_ = nullptr;
  step write_then_ = nullptr;
  std::uint32_t id_;
  bool readable_ = false;          // an edge came and no read has found the socket empty yet
  bool writable_ = false;          // likewise for writing
  bool read_side_ending_ = false;  // the peer's FIN, a reset or an error was signalled
  bool waiting_ = false;
  bool open_timed_out_ = false;
  bool idle_ = false;     // handler-driven once up (idle plain TCP)
  bool writing_ = false;  // idle: a write waits for room
  bool up_ = false;
  bool closing_ = false;    // we sent a close frame
  bool peer_gone_ = false;  // the read side ended
  bool failed_ = false;
  bool finished_ = false;
  bool ping_unanswered_ = false;  // idle: the last ping has no pong yet
};

}  // namespace wsprobe::load
