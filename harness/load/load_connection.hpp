// One load connection: connect (from a chosen source address), opening handshake, then a writer
// and a reader coroutine on the worker's io_context. Frames are encoded and masked into a
// per-connection write buffer (no allocation per message once it has grown), all messages due
// are written in one batch, and the reader decodes every frame of each read in place.
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
#include <vector>

#include "harness/load/echo_verifier.hpp"
#include "harness/load/load_stats.hpp"
#include "harness/load/pacing_schedule.hpp"
#include "harness/net/conn.hpp"
#include "harness/wire/frame_decoder.hpp"

namespace wsprobe::load {

class load_worker;

class load_connection {
 public:
  load_connection(load_worker& worker, std::size_t id);

  // The whole life of the connection; never throws.
  boost::asio::awaitable<void> run();
  // Wakes the writer (new credits, a pong to send, the end moved, the drain over).
  void wake();
  // Closes the socket at once, also one still connecting or in its TLS handshake; pending
  // reads and writes end.
  void abort();
  // The opening handshake is done.
  bool up() const { return up_; }
  // Messages sent and not back yet.
  std::uint64_t outstanding() const { return verifier_.outstanding(sent_); }
  bool finished() const { return finished_; }

 private:
  boost::asio::awaitable<bool> open();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<bool> flush();
  boost::asio::awaitable<void> wait_until(std::chrono::steady_clock::time_point when);
  // Appends one masked frame with a payload written by `fill` (called with the plain payload
  // area, which is then masked in place).
  template <typename Fill>
  void append_frame(std::uint8_t opcode, std::size_t size, Fill fill);
  void append_message(std::uint64_t seq, std::chrono::steady_clock::time_point intended);
  void on_bytes(std::span<std::uint8_t> bytes);
  void on_message(std::uint8_t opcode);
  void on_control(std::uint8_t opcode);
  void fail(error_kind kind);
  void fail_opening(error_kind kind);

  load_worker& w_;
  std::size_t id_;
  std::unique_ptr<net::conn> conn_;
  net::byte_stream* stream_ = nullptr;
  // While opening: the socket being connected, then the stream in its TLS handshake.
  boost::asio::ip::tcp::socket* connecting_ = nullptr;
  net::byte_stream* opening_ = nullptr;
  boost::asio::steady_timer timer_;
  bool waiting_ = false;

  std::vector<std::uint8_t> wbuf_;  // storage; wlen_ bytes of it are queued
  std::size_t wlen_ = 0;
  std::vector<std::uint8_t> rbuf_;
  std::vector<std::uint8_t> message_;  // the data message being reassembled
  std::array<std::uint8_t, 125> control_{};
  std::size_t control_size_ = 0;
  std::uint8_t message_opcode_ = 0;
  std::uint8_t frame_opcode_ = 0;
  wire::frame_decoder decoder_;

  std::optional<pacing_schedule> schedule_;
  echo_verifier verifier_;
  std::uint64_t sent_ = 0;   // messages written (all of them, sequence numbers 0..sent_-1)
  std::size_t credits_ = 0;  // closed loop: messages that may leave now
  bool pong_due_ = false;    // a ping to answer, its payload in pong_
  std::array<std::uint8_t, 125> pong_{};
  std::size_t pong_size_ = 0;
  std::chrono::steady_clock::time_point next_ping_;
  bool up_ = false;
  bool closing_ = false;    // we sent a close frame
  bool peer_gone_ = false;  // the read side ended
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace wsprobe::load
