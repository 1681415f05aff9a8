// One connection of our own reference echo server, sans-I/O: bytes from the client go in, bytes
// for the client and the decision to close the TCP connection come out. The I/O driver
// (wsprobe_echo_server.cpp) only moves bytes; every protocol decision, and every injected fault,
// lives here so that unit tests can drive a connection without sockets.
//
// Strict behaviour (no faults), RFC 6455:
// - The opening handshake is validated: 400 with a reason for a bad request, 426 with
//   Sec-WebSocket-Version: 13 for another version, else 101 with the right accept key (§4.2).
// - Text and binary messages are echoed with the same opcode, reassembled into ONE frame per
//   message whatever fragmentation they arrived in (§5.4 allows an intermediary-free peer to
//   choose its own fragmentation).
// - Pings are answered with pongs carrying the same payload (§5.5.2); unsolicited pongs are
//   ignored (§5.5.3).
// - A protocol violation fails the connection: a close frame with the code the decoder or the
//   message reader reports (1002, 1007, 1009), then TCP is closed at once (§7.1.7).
// - A valid close is answered with a close echoing its code (none for an empty payload), then
//   the server closes TCP first (§7.1.1, §5.5.1).
// - Invalid UTF-8 fails as soon as the offending byte arrives, even inside a frame (§8.1).
// Memory per connection is bounded: the request head by max_request_head, a message by
// max_message_size (1009 beyond), control frames by 125 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "harness/reference/faults.hpp"
#include "harness/wire/http_head_parser.hpp"
#include "harness/wire/message_reader.hpp"

namespace wsprobe::reference {

struct session_options {
  fault_set faults;
  std::uint64_t max_message_size = std::uint64_t{64} << 20;
  // A request head larger than this is refused with 400 (and the connection closed).
  std::size_t max_request_head = 16 * 1024;
};

class server_session {
 public:
  enum class state {
    handshake,  // waiting for the HTTP request head
    open,       // echoing
    closing,    // close received, no reply sent (no-close-reply fault): waiting for the peer
    closed,     // nothing more will be read or sent; close TCP once the output is flushed
  };

  explicit server_session(session_options options = {});

  // Hands bytes received from the client to the session. Bytes that arrive once the session is
  // closing or closed are discarded.
  void receive(std::span<const std::uint8_t> bytes);
  // The client closed its side of the TCP connection (EOF).
  void receive_eof();

  // Bytes to send, in order; the session forgets them.
  std::vector<std::uint8_t> take_output();
  bool has_output() const { return !output_.empty(); }
  // True once the server should close the TCP connection (after sending take_output()).
  bool should_close_tcp() const { return state_ == state::closed; }
  // False once further input would be discarded (the driver may stop reading).
  bool wants_input() const { return state_ == state::handshake || state_ == state::open; }

  state current_state() const { return state_; }
  // Why the connection was failed or refused ("" while none): for logs.
  const std::string& failure() const { return failure_; }

 private:
  void receive_handshake(std::span<const std::uint8_t> bytes);
  void receive_frames(std::span<const std::uint8_t> bytes);
  void handle(wire::message_event& event);
  void handle_close(const wire::message_event& event);
  void fail(std::string reason, std::uint16_t code);
  void send_frame(std::uint8_t opcode, std::span<const std::uint8_t> payload);
  void send_http(const std::string& response);

  session_options options_;
  state state_ = state::handshake;
  wire::request_parser head_parser_;
  wire::message_reader reader_;
  std::vector<std::uint8_t> output_;
  std::string failure_;
};

}  // namespace wsprobe::reference
