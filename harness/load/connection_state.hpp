// The part of a load connection that an idle connection does without: buffers, the frame being
// decoded, the send schedule and the echo bookkeeping. Message-mode and TLS connections keep one
// for their whole life. An idle plain-TCP connection gives its own up once the handshake is done
// and decodes each read with its worker's scratch copy; it takes one again only while a frame
// spans two reads or a write waits for room (docs/load.md, "Fast targets and flags for
// benchmarks").
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "harness/load/echo_verifier.hpp"
#include "harness/load/pacing_schedule.hpp"
#include "harness/wire/frame_decoder.hpp"

namespace wsprobe::load {

struct connection_state {
  connection_state() : decoder(wire::decoder_options{.local_role = wire::role::client}) {}

  // Nothing that has to outlive the read being decoded: no frame begun, nothing queued.
  using timer_type =
      boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                        boost::asio::wait_traits<std::chrono::steady_clock>,
                                        boost::asio::io_context::executor_type>;

  bool disposable() const { return !mid_frame && !in_message && wlen == 0 && early.empty(); }

  std::unique_ptr<timer_type> timer;  // the opening deadline, then the writer's waits
  std::vector<std::uint8_t> wbuf;     // storage; wlen bytes of it are queued
  std::size_t wlen = 0;
  std::vector<std::uint8_t> rbuf;     // TLS only
  std::vector<std::uint8_t> early;    // frames that came with the 101
  std::vector<std::uint8_t> message;  // a data message being reassembled from pieces
  std::array<std::uint8_t, 125> control{};
  std::uint8_t control_size = 0;
  std::uint8_t message_opcode = 0;
  std::uint8_t frame_opcode = 0;
  bool mid_frame = false;   // the decoder holds part of a frame
  bool in_message = false;  // a fragmented data message has begun
  bool pong_due = false;    // a ping to answer, its payload in pong
  std::uint8_t pong_size = 0;
  std::array<std::uint8_t, 125> pong{};
  wire::frame_decoder decoder;

  std::optional<pacing_schedule> schedule;
  echo_verifier verifier;
  std::uint64_t sent = 0;   // messages written (all of them, sequence numbers 0..sent-1)
  std::size_t credits = 0;  // closed loop: messages that may leave now
};

}  // namespace wsprobe::load
