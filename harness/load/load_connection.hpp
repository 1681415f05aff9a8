// One load connection: connect (from a chosen source address), opening handshake, then a writer
// and a reader coroutine on the worker's io_context. Frames are encoded and masked into a
// per-connection write buffer (no allocation per message once it has grown), all messages due
// are written in one batch, and the reader decodes every frame of each read in place.
//
// Plain TCP connections do their I/O directly on the non-blocking socket: a read goes into the
// worker's shared read buffer once the socket is readable (so an idle connection holds no read
// buffer of its own) and is decoded before anything else runs; a write is one send() that waits
// for writability only when the socket buffer is full. wss:// connections go through the TLS
// stream with a read buffer of their own.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "harness/load/echo_verifier.hpp"
#include "harness/load/load_stats.hpp"
#include "harness/load/pacing_schedule.hpp"
#include "harness/wire/frame_decoder.hpp"

namespace wsprobe::net {
class tls_stream;
}

namespace wsprobe::load {

class load_worker;

class load_connection {
 public:
  load_connection(load_worker& worker, std::size_t id);
  ~load_connection();

  // The whole life of the connection; never throws.
  boost::asio::awaitable<void> run();
  // Wakes the writer (new credits, a pong to send, the end moved, the drain over).
  void wake();
  // Closes the socket at once, also one still connecting or in its TLS handshake; pending
  // reads and writes end.
  void abort();
  // The opening handshake is done.
  bool up() const { return up_; }
  // Messages sent and not back yet (none are awaited with --send-only).
  std::uint64_t outstanding() const;
  bool finished() const { return finished_; }

 private:
  boost::asio::awaitable<bool> open();
  boost::asio::awaitable<bool> connect_tcp();
  boost::asio::awaitable<bool> upgrade();
  boost::asio::awaitable<void> write_loop();
  // TLS: a coroutine that reads and decodes until the stream ends.
  boost::asio::awaitable<void> read_loop();
  // Plain TCP: reads until the socket is empty, then waits for readability with a plain
  // handler (no coroutine frames held by an idle connection).
  void on_readable(boost::system::error_code ec);
  void reading_over(const boost::system::error_code& ec);
  // Writes the queued bytes; false (and the connection failed unless it is closing) on error.
  boost::asio::awaitable<bool> flush();
  // Reads what is there: plain TCP into the worker's shared buffer, TLS into rbuf_. An empty
  // span with ec set when the stream ended or failed.
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
  void fail_opening(error_kind kind);
  void failed_io(const boost::system::error_code& ec);

  load_worker& w_;
  std::size_t id_;
  boost::asio::ip::tcp::socket socket_;  // plain TCP, and while connecting
  std::unique_ptr<net::tls_stream> tls_;
  bool opening_tls_ = false;
  boost::asio::steady_timer timer_;
  bool waiting_ = false;
  bool open_timed_out_ = false;

  std::vector<std::uint8_t> wbuf_;  // storage; wlen_ bytes of it are queued
  std::size_t wlen_ = 0;
  std::vector<std::uint8_t> rbuf_;     // TLS only
  std::vector<std::uint8_t> early_;    // frames that came with the 101
  std::vector<std::uint8_t> message_;  // a data message being reassembled from pieces
  std::array<std::uint8_t, 125> control_{};
  std::uint8_t control_size_ = 0;
  std::uint8_t message_opcode_ = 0;
  std::uint8_t frame_opcode_ = 0;
  bool pong_due_ = false;  // a ping to answer, its payload in pong_
  std::uint8_t pong_size_ = 0;
  std::array<std::uint8_t, 125> pong_{};
  wire::frame_decoder decoder_;
  std::chrono::steady_clock::time_point read_at_;  // when the bytes being decoded arrived

  std::optional<pacing_schedule> schedule_;
  echo_verifier verifier_;
  std::uint64_t sent_ = 0;   // messages written (all of them, sequence numbers 0..sent_-1)
  std::size_t credits_ = 0;  // closed loop: messages that may leave now
  std::chrono::steady_clock::time_point next_ping_;
  bool up_ = false;
  bool closing_ = false;    // we sent a close frame
  bool peer_gone_ = false;  // the read side ended
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace wsprobe::load
