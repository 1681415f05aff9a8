// What the test-server runner saw during one case, as plain data: the input of the verdict rules
// (verdict.hpp) and of the report's "observed" field. Filled by the case script; built by hand
// in unit tests.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/report/result.hpp"
#include "harness/wire/http_head.hpp"

namespace wsprobe::run {

// A data message (reassembled, whatever its fragmentation) or a pong the peer sent.
struct received_event {
  enum class kind { message, pong };
  kind what = kind::message;
  std::uint8_t opcode = 0x1;  // text or binary for messages; pong for pongs
  std::vector<std::uint8_t> payload;
  std::size_t frames = 1;  // how many frames the message came in
  std::int64_t t_us = 0;   // since the case started
};

// A data message we sent, reassembled the way the peer should see it.
struct sent_message {
  std::uint8_t opcode = 0x1;
  std::vector<std::uint8_t> payload;
};

// Which side sent the first close frame.
enum class close_initiator { none, us, peer };

// "none", "us", "peer".
const char* to_string(close_initiator c);

struct observation {
  // Connection (TCP, TLS).
  bool connected = false;
  std::string connect_error;  // why the connection could not be made

  // Opening handshake.
  bool response_received = false;  // an HTTP response head arrived and parsed
  unsigned status = 0;
  wire::http_headers response_headers;
  std::optional<std::string> subprotocol;  // negotiated (Sec-WebSocket-Protocol of a valid 101)
  // Why the handshake did not give a WebSocket connection when the peer answered 101 (wrong
  // Sec-WebSocket-Accept, …) or when no response could be read.
  std::string handshake_error;
  bool upgraded = false;  // a valid 101: frames were exchanged afterwards

  // Data flow.
  std::vector<sent_message> sent;  // data messages we sent, complete ones only
  std::uint64_t pings_sent = 0;
  std::vector<received_event> events;  // messages and pongs from the peer, in order
  // Events past inbound's recording limits (a peer that floods): counted, not kept.
  std::uint64_t events_not_recorded = 0;
  std::uint64_t pings_received = 0;  // pings from the peer (answered with pongs)

  // The peer broke RFC 6455 in what it sent (masked frames, reserved bits, invalid UTF-8,
  // a bad close payload, data after its close frame …): the first such violation.
  std::string peer_violation;

  // Closing.
  close_initiator initiator = close_initiator::none;
  bool close_received = false;
  std::optional<std::uint16_t> close_code;  // from the peer's close frame; none = empty payload
  std::string close_reason;
  std::string close_payload_error;  // the peer's close payload broke §5.5.1/§7.4 (code 5000 …)
  bool close_sent = false;
  std::optional<std::uint16_t> sent_close_code;
  bool peer_closed_tcp = false;         // end of stream (FIN) or reset from the peer
  bool tcp_reset = false;               // the end was a reset or a transport error
  std::string tcp_error;                // its description
  bool close_reply_missing = false;     // we sent close first and none came back in time
  bool tcp_close_missing = false;       // the peer kept TCP open after the closing handshake
  std::int64_t peer_closed_at_us = -1;  // when the peer's close frame or TCP close arrived

  // expect_fail_fast steps: the first one whose window passed with the connection still open.
  bool fail_fast_checked = false;
  bool fail_fast_missed = false;
  std::string fail_fast_detail;

  // A step waited for the peer (await) past the case deadline, or the deadline passed while
  // steps were still being sent: the case FAILS with reason "timeout: <detail>".
  bool timed_out = false;
  std::string timeout_detail;
  // The wait for the expected events after the steps ended at the deadline (not itself a
  // failure: the outcomes decide, the reason mentions it).
  bool events_wait_expired = false;

  // Something failed in the runner itself (never the peer's fault); the case FAILS with it.
  std::string internal_error;

  // Timings, microseconds since the case started (-1: did not happen).
  std::int64_t connect_us = -1;
  std::int64_t handshake_us = -1;
  std::int64_t duration_us = 0;

  // --- Cases against clients (wsprobe is the server; `as_server`) ---------------------------
  bool as_server = false;
  // The client's opening handshake request as received.
  std::string request_method;
  std::string request_target;
  std::string request_version;
  wire::http_headers request_headers;
  // Why the request breaks RFC 6455 §4.1 (no Host, a bad key, version not 13 …; also a key
  // the client used before): the case FAILS with it.
  std::string request_problem;
  // The masking keys of the client's frames (up to 64 kept) and how many frames came.
  std::vector<std::array<std::uint8_t, 4>> mask_keys;
  std::uint64_t client_frames = 0;
  bool client_sent_frames = false;  // frames arrived before we sent a close
  // What the client did after our handshake response: "failed" (closed TCP without frames),
  // "proceeded" (sent frames), "retried" (connected again), "followed" (requested the
  // Location target), "hung" (none of these before the deadline).
  std::string client_action;
  bool client_closed_tcp_first = false;  // §7.1.1: the server should close TCP first

  // Wire log (bounded; see wirelog_dropped).
  std::vector<report::wirelog_entry> wirelog;
  std::uint64_t wirelog_dropped = 0;

  // How many of the peer's events are messages.
  std::size_t messages_received() const;
  std::size_t pongs_received() const;
  // The peer's close frame or TCP close arrived (it closed, failed or dropped the connection).
  bool peer_closed() const { return close_received || peer_closed_tcp; }
};

// The report's "observed" object: handshake, events (payloads over report::max_shown_bytes as
// length + SHA-256), close, fail-fast, timeout, violation, timings.
nlohmann::ordered_json describe(const observation& o);

}  // namespace wsprobe::run
