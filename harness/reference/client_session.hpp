// One connection of our own reference echo client, sans-I/O: bytes from the server go in, bytes
// for the server and the decisions about the TCP connection come out. The I/O driver
// (wsprobe_echo_client.cpp) only moves bytes and keeps the clock; every protocol decision, and
// every injected fault, lives here so that unit tests can drive a connection without sockets.
//
// Strict behaviour (no faults), RFC 6455:
// - The opening request carries a fresh random Sec-WebSocket-Key (§4.1); the 101 is validated
//   with every check of wire::validate_response (status, Upgrade, Connection, the accept key,
//   only offered subprotocols and extensions). A bad answer fails the connection: nothing is
//   sent, TCP is closed at once (§4.1 "_Fail the WebSocket Connection_").
// - Every frame is masked with a fresh key from a CSPRNG (§5.1, §5.3).
// - Server frames must not be masked (§5.1); every other framing, fragmentation, UTF-8 (§8.1,
//   fail-fast) and close payload rule of wire::message_reader applies. A violation sends a close
//   frame with the code the reader reports (1002, 1007, 1009) and then waits for the server to
//   close TCP (§7.1.7, §7.1.1).
// - Text and binary messages are echoed with the same opcode (in echo mode), one frame per
//   message; pings are answered with pongs carrying the same payload (§5.5.2); pongs are ignored.
// - A close from the server is answered with a close echoing its code (an empty close for an
//   empty payload, §5.5.1), then the client waits for the server to close TCP (§7.1.1); the
//   driver closes TCP itself only after a timeout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/reference/client_faults.hpp"
#include "harness/wire/close.hpp"
#include "harness/wire/frame.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head_parser.hpp"
#include "harness/wire/message_reader.hpp"

namespace wsprobe::reference {

// Masking keys from OpenSSL's CSPRNG (RAND_bytes), drawn in blocks so that a frame costs no
// system call. Throws std::runtime_error if the generator fails.
class random_mask_source {
 public:
  wire::masking_key operator()();

 private:
  std::vector<std::uint8_t> pool_;
  std::size_t used_ = 0;
};

struct client_session_options {
  client_fault_set faults;
  std::uint64_t max_message_size = std::uint64_t{64} << 20;  // larger fails with 1009
  std::size_t max_response_head = wire::default_max_head_size;
  // Echo text and binary messages (the testee's job). Off: messages are only recorded
  // (received_messages()), e.g. for /getCaseCount.
  bool echo = true;
  // What the opening request offers (subprotocols, extensions, extra headers).
  wire::client_options request;
  // Only for reproducible tests: the Sec-WebSocket-Key to send (empty: a fresh random one) and
  // where masking keys come from (empty: random_mask_source).
  std::string key;
  std::function<wire::masking_key()> mask_source;
};

class client_session {
 public:
  enum class state {
    handshake,  // request sent, waiting for the 101
    open,       // echoing
    closing,    // we sent a close first (client_close): reading on for the server's close
    closed,     // close sent (answered, or after a failure): waiting for the server to close TCP
    done,       // close TCP now (after sending take_output())
  };

  // Queues the opening handshake request for `target` ("/runCase?case=1&agent=x") on the server
  // named by `host` (the Host header value).
  client_session(std::string host, std::string target, client_session_options options = {});

  // Hands bytes received from the server to the session. Bytes that arrive once nothing more is
  // expected (closed, done) are discarded.
  void receive(std::span<const std::uint8_t> bytes);
  // The server closed its side of the TCP connection (EOF): the session is done.
  void receive_eof();
  // Starts the closing handshake (open only): sends a close with `code` and reads on for the
  // server's answer.
  void client_close(std::uint16_t code = wire::close_code::normal);

  // Bytes to send, in order; the session forgets them.
  std::vector<std::uint8_t> take_output();
  bool has_output() const { return !output_.empty(); }

  state current_state() const { return state_; }
  // True once the client should close TCP itself (after sending take_output()).
  bool should_close_tcp() const { return state_ == state::done; }
  // True while the client waits for the server to close TCP; the driver closes it after a
  // timeout (§7.1.1).
  bool awaiting_server_close() const { return state_ == state::closed; }
  // False once further input would be discarded.
  bool wants_input() const { return state_ <= state::closing; }

  // The request sent (with its key).
  const wire::http_request& request() const { return request_; }
  // True once a valid 101 arrived.
  bool opened() const { return opened_; }
  // True once a close frame went each way (a clean closing handshake).
  bool close_exchanged() const { return close_sent_ && close_received_; }
  // The server's close (code and reason), if one arrived.
  const std::optional<wire::close_payload>& server_close() const { return server_close_; }
  // Messages received while echo is off: (opcode, payload).
  const std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>>& received_messages() const {
    return received_;
  }
  // Why the connection was failed ("" while none): for logs.
  const std::string& failure() const { return failure_; }

 private:
  void receive_handshake(std::span<const std::uint8_t> bytes);
  void receive_frames(std::span<const std::uint8_t> bytes);
  void handle(wire::message_event& event);
  void handle_close(const wire::message_event& event);
  void fail(std::string reason, std::uint16_t code);
  void send_frame(std::uint8_t opcode, std::span<const std::uint8_t> payload);
  wire::masking_key next_key();

  client_session_options options_;
  state state_ = state::handshake;
  wire::http_request request_;
  wire::response_parser head_parser_;
  wire::message_reader reader_;
  random_mask_source random_keys_;
  std::vector<std::uint8_t> output_;
  std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>> received_;
  std::optional<wire::close_payload> server_close_;
  bool opened_ = false;
  bool close_sent_ = false;
  bool close_received_ = false;
  std::string failure_;
};

}  // namespace wsprobe::reference
