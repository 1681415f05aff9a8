// The in-memory model of a test case (cases/README.md is the format). The loader fills in every
// default, expands `matrix` and the `fail` shorthand, so the runner reads plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cases/payload.hpp"
#include "harness/wire/frame.hpp"
#include "harness/wire/frame_encoder.hpp"

namespace wsprobe::cases {

// Autobahn's verdict names, in the order the outcomes of a case are tried.
enum class verdict { ok, non_strict, informational, unimplemented, failed };

// "OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED".
std::string_view verdict_name(verdict v);
// Inverse of verdict_name; nullopt for anything else.
std::optional<verdict> verdict_from_name(std::string_view name);

// How a frame is masked. `auto_` is what RFC 6455 §5.1 requires of our role: a fresh random key
// when wsprobe is the client, no mask when it is the server.
enum class mask_mode { auto_, none, random, fixed };

struct mask_spec {
  mask_mode mode = mask_mode::auto_;
  wire::masking_key key{};  // only for mask_mode::fixed
};

// {"send_frame": …}: one frame, any bits.
struct send_frame_step {
  std::uint8_t opcode = wire::opcode::text;  // 0-15, reserved values included
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  payload_spec payload;
  mask_spec mask;
  wire::length_form length_form = wire::length_form::minimal;
  std::optional<std::uint64_t> declared_length;  // header says this instead of payload.size()
  bool length_msb = false;
  std::size_t chunk = 0;  // socket writes of this many bytes; 0 = all at once
  bool flush = true;      // false: held back and written together with the next step's bytes
};

// {"send_message": …}: a message cut into frames (first frame `opcode`, then continuations).
struct send_message_step {
  std::uint8_t opcode = wire::opcode::text;
  payload_spec payload;
  std::uint64_t fragment_size = 0;       // 0 = not given
  std::vector<std::uint64_t> fragments;  // explicit sizes; empty = not given (they add up)
  mask_spec mask;
  std::size_t chunk = 0;
  bool flush = true;

  // Payload size of each frame in order: explicit fragments, or payload cut into fragment_size
  // pieces, or one frame. Always at least one entry (an empty message is one empty frame).
  std::vector<std::uint64_t> frame_sizes() const;
};

// {"send_close": …}: a close frame.
struct send_close_step {
  std::optional<std::uint16_t> code;    // any value, valid or not
  std::string reason;                   // only with code
  std::optional<payload_spec> payload;  // raw close payload instead of code+reason
  mask_spec mask;
  std::size_t chunk = 0;
  bool flush = true;

  // The close frame's payload: `payload`, or code (big-endian) + reason, or nothing.
  std::vector<std::uint8_t> close_payload() const;
};

// {"send_raw": …}: bytes written as they are.
struct send_raw_step {
  payload_spec payload;
  std::size_t chunk = 0;
  bool flush = true;
};

// {"pause": {"ms": N}}, N ≤ 2000.
struct pause_step {
  std::uint32_t ms = 0;
};

// {"await": "echo" | "pong" | {"messages": N, "pongs": M}}.
struct await_step {
  enum class kind { echo, pong, counts };
  kind what = kind::echo;
  std::uint64_t messages = 0;  // kind::counts: totals since the case began
  std::uint64_t pongs = 0;
};

// {"expect_fail_fast": {"window_ms": N}}.
struct expect_fail_fast_step {
  std::uint32_t window_ms = 200;
};

struct repeat_step;

// One step of a case.
using step = std::variant<send_frame_step, send_message_step, send_close_step, send_raw_step,
                          pause_step, await_step, expect_fail_fast_step, repeat_step>;

// {"repeat": {"count": N, "steps": […]}}.
struct repeat_step {
  std::uint64_t count = 1;
  std::vector<step> steps;
};

// An event the peer sends: a whole data message or a pong.
struct expected_event {
  enum class kind { message, pong };
  kind what = kind::message;
  std::uint8_t opcode = wire::opcode::text;  // message: text or binary; pong: wire::opcode::pong
  payload_spec payload;
};

// A header expected in the handshake response; no value = must be absent.
struct header_expectation {
  std::string name;
  std::optional<std::string> value;  // compared case-insensitively as a token list
};

// One acceptable outcome, with the verdict it gives.
struct outcome {
  verdict result = verdict::ok;
  // Messages and pongs received, in order, must be exactly these; nullopt = not compared
  // (unless `echo`).
  std::optional<std::vector<expected_event>> events;
  bool echo = false;  // messages received == data messages sent, in order
  std::vector<int> status{101};
  // Status classes: 4 for "4xx" (any code 400-499). A status matches when it is in `status` or
  // its class is here.
  std::vector<int> status_classes;
  bool status_given = false;  // `status` was written in the case (not the default [101])
  std::vector<header_expectation> headers;

  // Whether an HTTP status is one this outcome accepts.
  bool accepts_status(int s) const;
  bool check_subprotocol = false;
  std::optional<std::string> subprotocol;  // with check_subprotocol: nullopt = none negotiated
  // Cases against clients: what the client may do after our handshake response ("failed",
  // "proceeded", "retried", "followed", "hung"); empty = not compared.
  std::vector<std::string> client_actions;
};

// Who is expected to start the closing handshake.
enum class closer { us, peer, either };

// The close verdict: {"by": …, "codes": […], "clean": …} or {"informational": true}.
struct close_expectation {
  closer by = closer::us;
  std::vector<std::uint16_t> codes{1000};  // empty = any code
  bool clean = true;                       // false: a TCP close without close frame is NON-STRICT
  bool informational = false;              // report, never fail
};

// What the runner does after the steps (and the expected events and quiet_ms).
struct finish_spec {
  // drop: close TCP without a close frame (cases against clients: the server goes away).
  enum class kind { close, wait, drop };
  kind what = kind::close;
  std::uint16_t code = 1000;  // kind::close
  std::string reason;
};

// Changes to the standard opening handshake response, when wsprobe is the server (cases against
// clients). Header values may hold "{location}" (a URL on wsprobe's listener: a request to it
// counts as following a redirect) and "{accept}" (the correct Sec-WebSocket-Accept).
struct response_changes {
  bool given = false;
  std::optional<unsigned> status;
  std::optional<std::string> reason;
  std::optional<std::string> version;                                       // "HTTP/1.0"
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;  // set / remove
  std::vector<std::pair<std::string, std::string>> add_headers;
};

// Changes to the standard opening handshake request.
struct handshake_changes {
  std::optional<std::string> method;
  std::optional<std::string> version;  // "HTTP/1.0"
  std::optional<std::string> target;
  // Set (value) or remove (nullopt) a header of the standard request, in file order.
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  std::vector<std::pair<std::string, std::string>> add_headers;  // appended, duplicates allowed
  std::vector<std::string> subprotocols;                         // Sec-WebSocket-Protocol
  response_changes response;  // cases against clients: the response we send

  bool empty() const {
    return !method && !version && !target && headers.empty() && add_headers.empty() &&
           subprotocols.empty();
  }
};

enum class party { server, client, both };
enum class transport { h1, h2 };

std::string_view party_name(party p);          // "server", "client", "both"
std::string_view transport_name(transport t);  // "h1", "h2"

// One test case, matrix already expanded.
struct test_case {
  std::string id;                       // "reserved.rsv2-on-text"
  std::string area;                     // "reserved": the part of id before the first dot
  std::optional<std::string> autobahn;  // "3.2"
  std::string title;
  std::string requirement;
  std::vector<std::string> rfc;  // "6455#5.2"
  party under_test = party::server;
  std::vector<transport> transports{transport::h1};
  std::optional<std::uint32_t> timeout_ms;  // nullopt: the --timeout default
  handshake_changes handshake;
  std::vector<step> steps;
  std::vector<outcome> outcomes;  // at least one, in verdict order (OK first); none is FAILED
  close_expectation close;
  finish_spec finish;  // default derived from close.by
  std::uint32_t quiet_ms = 0;
  std::string notes;
  // Agent name → how that reference implementation deviates here and why it is still a
  // deviation ("beast" → "Boost.Beast 1.74 …"), in file order.
  std::vector<std::pair<std::string, std::string>> known_differences;

  // Where it came from, for messages.
  std::string file;                         // as shown in messages: "cases/framing/text.json"
  std::size_t index = 0;                    // position in the file's list (0 for a lone object)
  std::optional<std::size_t> matrix_entry;  // which expansion of a matrix definition
  nlohmann::ordered_json definition;        // the case's JSON after ${name} substitution

  // `cases/framing/text.json: case "framing.text-0-bytes"`, for messages.
  std::string location() const;
  // The outcome for a verdict, or nullptr when the case names none.
  const outcome* outcome_for(verdict v) const;
  // True when every acceptable outcome wants a status other than 101: nothing after the
  // handshake runs.
  bool ends_after_handshake() const;
};

}  // namespace wsprobe::cases
