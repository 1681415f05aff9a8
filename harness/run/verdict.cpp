#include "harness/run/verdict.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <vector>

#include "harness/wire/frame.hpp"

namespace wsprobe::run {

using cases::verdict;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// A header value as a list: elements split at commas, optional whitespace trimmed, empty ones
// dropped, lowercased (RFC 7230 §7).
std::vector<std::string> list_elements(std::string_view value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view item = value.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.push_back(lower(item));
    start = end + 1;
  }
  return out;
}

std::string join_codes(const std::vector<std::uint16_t>& codes) {
  std::string out;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (i > 0) out += i + 1 == codes.size() ? " or " : ", ";
    out += std::to_string(codes[i]);
  }
  return out;
}

std::string join_statuses(const cases::outcome& expected) {
  std::vector<std::string> items;
  for (int s : expected.status) items.push_back(std::to_string(s));
  for (int c : expected.status_classes) items.push_back(std::to_string(c) + "xx");
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string bytes_word(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

// "message 2" / "pong 1": the position of an event among those of its kind.
std::string event_label(bool message, std::size_t ordinal) {
  return (message ? "message " : "pong ") + std::to_string(ordinal);
}

std::string describe_received(const received_event& e) {
  if (e.what == received_event::kind::pong) return "pong of " + bytes_word(e.payload.size());
  return std::string(wire::opcode_name(e.opcode)) + " message of " + bytes_word(e.payload.size());
}

std::string describe_expected(const cases::expected_event& e) {
  if (e.what == cases::expected_event::kind::pong) return "pong of " + bytes_word(e.payload.size());
  return std::string(wire::opcode_name(e.opcode)) + " message of " + bytes_word(e.payload.size());
}

// Why `got` differs from `want` (same length or not), naming the first differing byte.
std::string payload_difference(std::span<const std::uint8_t> want,
                               std::span<const std::uint8_t> got) {
  const std::size_t common = std::min(want.size(), got.size());
  std::size_t i = 0;
  while (i < common && want[i] == got[i]) ++i;
  std::string out;
  if (want.size() != got.size()) {
    out = "expected " + bytes_word(want.size()) + ", got " + std::to_string(got.size());
    if (i < common) out += "; first difference at byte " + std::to_string(i);
  } else {
    out = "payload differs at byte " + std::to_string(i) + " of " + std::to_string(want.size());
  }
  return out;
}

// Compares the peer's events with an expected list, in order.
std::optional<std::string> compare_events(const std::vector<cases::expected_event>& want,
                                          const std::vector<received_event>& got) {
  std::size_t messages = 0;
  std::size_t pongs = 0;
  const std::size_t n = std::min(want.size(), got.size());
  for (std::size_t i = 0; i < n; ++i) {
    const cases::expected_event& w = want[i];
    const received_event& g = got[i];
    const bool want_message = w.what == cases::expected_event::kind::message;
    const std::string label = event_label(want_message, want_message ? ++messages : ++pongs);
    const bool got_message = g.what == received_event::kind::message;
    if (want_message != got_message) {
      return "event " + std::to_string(i + 1) + ": expected " + describe_expected(w) + ", got " +
             describe_received(g);
    }
    if (want_message && w.opcode != g.opcode) {
      return label + ": expected " + std::string(wire::opcode_name(w.opcode)) + ", got " +
             std::string(wire::opcode_name(g.opcode));
    }
    if (!w.payload.equals(g.payload)) {
      return label + ": " + payload_difference(w.payload.bytes(), g.payload);
    }
  }
  if (got.size() < want.size()) {
    return "expected " + std::to_string(want.size()) + " events, got " +
           std::to_string(got.size()) + "; missing: " + describe_expected(want[got.size()]);
  }
  if (got.size() > want.size()) {
    return "expected " + std::to_string(want.size()) + " events, got " +
           std::to_string(got.size()) + "; unexpected: " + describe_received(got[want.size()]);
  }
  return std::nullopt;
}

// Compares the peer's messages with the ones we sent (pongs are left out).
std::optional<std::string> compare_echo(const std::vector<sent_message>& sent,
                                        const std::vector<received_event>& got) {
  std::size_t k = 0;
  for (const received_event& g : got) {
    if (g.what != received_event::kind::message) continue;
    if (k == sent.size()) {
      return "expected " + std::to_string(sent.size()) +
             " echoed messages, got more; unexpected: " + describe_received(g);
    }
    const sent_message& s = sent[k++];
    const std::string label = event_label(true, k);
    if (s.opcode != g.opcode) {
      return label + ": expected " + std::string(wire::opcode_name(s.opcode)) + ", got " +
             std::string(wire::opcode_name(g.opcode));
    }
    if (s.payload != g.payload) return label + ": " + payload_difference(s.payload, g.payload);
  }
  if (k < sent.size()) {
    return "expected " + std::to_string(sent.size()) + " echoed messages, got " +
           std::to_string(k) + "; missing: " + std::string(wire::opcode_name(sent[k].opcode)) +
           " message of " + bytes_word(sent[k].payload.size());
  }
  return std::nullopt;
}

// The peer's close frame or TCP close, for reasons.
std::string describe_peer_close(const observation& o) {
  if (o.close_received) {
    return o.close_code ? "close frame with code " + std::to_string(*o.close_code)
                        : std::string("close frame without code");
  }
  if (o.peer_closed_tcp) {
    return o.tcp_reset ? "connection reset (" + o.tcp_error + ")" : std::string("TCP close");
  }
  return "nothing";
}

// The events (or echo) an outcome names against those received; events past inbound's
// recording limits are more than any outcome names.
std::optional<std::string> compare_received(const cases::outcome& expected, const observation& o) {
  std::optional<std::string> why;
  if (expected.events) {
    why = compare_events(*expected.events, o.events);
  } else if (expected.echo) {
    why = compare_echo(o.sent, o.events);
  } else {
    return std::nullopt;
  }
  if (!why && o.events_not_recorded > 0) {
    why = "the peer sent more than " + std::to_string(o.events.size()) + " events (" +
          std::to_string(o.events_not_recorded) + " more not recorded)";
  }
  return why;
}

bool code_acceptable(const cases::close_expectation& e, const observation& o) {
  if (e.codes.empty()) return true;
  const std::uint16_t code = o.close_code.value_or(1005);  // RFC 6455 §7.1.5: no code = 1005
  return std::find(e.codes.begin(), e.codes.end(), code) != e.codes.end();
}

}  // namespace

std::optional<std::string> mismatch(const cases::outcome& expected, const observation& o) {
  if (!o.response_received) {
    return "no handshake response" + (o.handshake_error.empty() ? "" : ": " + o.handshake_error);
  }
  if (!expected.client_actions.empty()) {
    const auto& a = expected.client_actions;
    if (std::find(a.begin(), a.end(), o.client_action) == a.end()) {
      std::string want;
      for (std::size_t i = 0; i < a.size(); ++i) want += (i > 0 ? " or " : "") + a[i];
      return "client " + (o.client_action.empty() ? std::string("did nothing") : o.client_action) +
             ", expected " + want;
    }
  }
  // As the server we chose the status and headers ourselves: only the client's side counts.
  if (o.as_server) return compare_received(expected, o);
  if (!expected.accepts_status(static_cast<int>(o.status))) {
    return "HTTP status " + std::to_string(o.status) + ", expected " + join_statuses(expected);
  }
  for (const cases::header_expectation& h : expected.headers) {
    const bool present = o.response_headers.contains(h.name);
    if (!h.value) {
      if (present) return "header " + h.name + " present, expected none";
      continue;
    }
    if (!present) return "header " + h.name + " missing, expected \"" + *h.value + "\"";
    // The response lists at least these tokens: `Sec-WebSocket-Version: 13, 8` names 13 too
    // (RFC 6455 §4.4 lets a server list every version it speaks).
    const std::string got = o.response_headers.combined(h.name);
    const std::vector<std::string> got_tokens = list_elements(got);
    for (const std::string& want : list_elements(*h.value)) {
      if (std::find(got_tokens.begin(), got_tokens.end(), want) == got_tokens.end()) {
        return "header " + h.name + ": \"" + got + "\", expected it to contain \"" + want + "\"";
      }
    }
  }
  if (expected.check_subprotocol && o.subprotocol != expected.subprotocol) {
    return "subprotocol " + (o.subprotocol ? "\"" + *o.subprotocol + "\"" : std::string("none")) +
           ", expected " +
           (expected.subprotocol ? "\"" + *expected.subprotocol + "\"" : std::string("none"));
  }
  return compare_received(expected, o);
}

judgement judge_close(const cases::close_expectation& e, const cases::test_case& c,
                      const observation& o) {
  judgement j;
  j.close_result = verdict::ok;
  if (!o.connected) {
    j.close_result = verdict::failed;
    j.close_reason = "no connection";
    return j;
  }
  if (!o.upgraded && o.as_server) {
    j.close_reason = "no WebSocket connection to close";
    return j;
  }
  if (!o.upgraded) {
    // Nothing to close when the handshake was refused; that is the point of a case that ends
    // after the handshake. Otherwise the case verdict already says what went wrong.
    if (c.ends_after_handshake() || e.informational) {
      j.close_reason = "no WebSocket connection to close";
    } else {
      j.close_result = verdict::failed;
      j.close_reason = "no WebSocket connection";
    }
    return j;
  }
  const std::string what = describe_peer_close(o);
  if (e.informational) {
    j.close_result = verdict::informational;
    j.close_reason = std::string("closing handshake started by ") + to_string(o.initiator) +
                     "; peer sent " + what;
    return j;
  }
  if (!o.peer_violation.empty() && o.initiator == close_initiator::us && !o.close_received) {
    j.close_result = verdict::failed;
    j.close_reason = "we failed the connection: " + o.peer_violation;
    return j;
  }
  // Who started the closing handshake.
  if (e.by == cases::closer::peer && o.initiator == close_initiator::us) {
    j.close_result = verdict::failed;
    j.close_reason = "peer did not close the connection; we closed it after the steps";
    return j;
  }
  if (e.by == cases::closer::peer && !o.peer_closed()) {
    j.close_result = verdict::failed;
    j.close_reason = "peer did not close the connection";
    return j;
  }
  if (e.by == cases::closer::us && o.initiator == close_initiator::peer) {
    j.close_result = verdict::failed;
    j.close_reason = "peer closed the connection first with a " + what;
    return j;
  }
  if (e.by == cases::closer::us && o.initiator == close_initiator::none && o.peer_closed_tcp) {
    j.close_result = verdict::failed;
    j.close_reason = "peer dropped the connection (" + what + ") before we closed it";
    return j;
  }
  // What the peer's side of the closing handshake looked like.
  if (!o.close_received) {
    if (o.initiator == close_initiator::us && !o.peer_closed_tcp) {
      j.close_result = verdict::failed;
      j.close_reason = "peer did not answer our close frame";
      return j;
    }
    if (!o.peer_closed_tcp) {
      j.close_result = verdict::failed;
      j.close_reason = "connection was not closed";
      return j;
    }
    // RFC 6455 §7.1.7: an endpoint that fails the connection SHOULD send a close frame first.
    j.close_result = e.clean ? verdict::failed : verdict::non_strict;
    j.close_reason = "peer closed without a close frame (" + what + ")";
    return j;
  }
  if (!o.close_payload_error.empty()) {
    j.close_result = verdict::failed;
    j.close_reason = "peer's close frame is invalid: " + o.close_payload_error;
    return j;
  }
  if (!code_acceptable(e, o)) {
    j.close_result = verdict::failed;
    j.close_reason = "peer's " + what + ", expected " + join_codes(e.codes);
    return j;
  }
  if (o.tcp_close_missing) {
    // RFC 6455 §7.1.1: after the closing handshake the server SHOULD close TCP first.
    j.close_result = verdict::non_strict;
    j.close_reason = "peer did not close TCP after the closing handshake; we dropped it";
    return j;
  }
  if (o.client_closed_tcp_first) {
    // RFC 6455 §7.1.1: the client SHOULD wait for the server to close TCP.
    j.close_result = verdict::non_strict;
    j.close_reason = "client closed TCP before the server did after the closing handshake";
    return j;
  }
  if (e.clean && o.tcp_reset) {
    j.close_result = verdict::non_strict;
    j.close_reason = "closing handshake ended with a " + what + ", not a TCP close";
  }
  return j;
}

judgement judge(const cases::test_case& c, const observation& o) {
  judgement j = judge_close(c.close, c, o);
  if (!o.connected) {
    j.result = verdict::failed;
    j.reason = "cannot connect: " + o.connect_error;
    return j;
  }
  if (!o.internal_error.empty()) {
    j.result = verdict::failed;
    j.reason = "runner error: " + o.internal_error;
    return j;
  }
  if (o.as_server && !o.request_problem.empty()) {
    j.result = verdict::failed;
    j.reason = "invalid opening handshake request: " + o.request_problem;
    return j;
  }
  // An invalid 101 (wrong Sec-WebSocket-Accept …) fails the case, unless the case names 101
  // for a non-OK verdict: then only those outcomes are tried.
  const bool invalid_101 = o.status == 101 && o.response_received && !o.handshake_error.empty();
  if (invalid_101 && (!o.upgraded || !accepts_invalid_101(c))) {
    j.result = verdict::failed;
    j.reason = "invalid handshake response: " + o.handshake_error;
    return j;
  }
  if (!o.peer_violation.empty()) {
    j.result = verdict::failed;
    j.reason = "peer protocol violation: " + o.peer_violation;
    return j;
  }
  if (o.timed_out) {
    j.result = verdict::failed;
    j.reason = "timeout: " + o.timeout_detail;
    return j;
  }
  std::optional<std::string> first_mismatch;
  bool matched = false;
  for (const cases::outcome& out : c.outcomes) {
    if (invalid_101 && !tolerates_invalid_101(out)) continue;
    std::optional<std::string> why = mismatch(out, o);
    if (!why) {
      j.result = out.result;
      matched = true;
      // A refused handshake that this outcome accepts leaves nothing to close.
      if (!o.upgraded && !out.accepts_status(101)) {
        j.close_result = verdict::ok;
        j.close_reason = "no WebSocket connection to close";
      }
      break;
    }
    if (!first_mismatch) {
      first_mismatch = std::string(cases::verdict_name(out.result)) + " outcome: " + *why;
    }
  }
  if (!matched) {
    j.result = verdict::failed;
    j.reason = first_mismatch.value_or("no acceptable outcome");
    if (invalid_101)
      j.reason = "invalid handshake response: " + o.handshake_error + "; " + j.reason;
    if (o.events_wait_expired) j.reason = "timeout waiting for events; " + j.reason;
  } else if (j.result != verdict::ok) {
    j.reason = "matched the " + std::string(cases::verdict_name(j.result)) + " outcome";
    if (first_mismatch) j.reason += " (" + *first_mismatch + ")";
  }
  if (j.result == verdict::ok && o.fail_fast_missed) {
    j.result = verdict::non_strict;
    j.reason = "did not fail fast: " + o.fail_fast_detail;
  }
  if (j.result == verdict::ok && o.as_server) {
    if (std::optional<std::string> why = weak_masking(o)) {
      j.result = verdict::non_strict;
      j.reason = *why;
    }
  }
  if (j.close_result == verdict::failed && j.result != verdict::failed) {
    j.result = verdict::failed;
    j.reason = "close: " + j.close_reason;
  }
  return j;
}

std::optional<std::string> weak_masking(const observation& o) {
  if (o.mask_keys.empty()) return std::nullopt;
  const std::array<std::uint8_t, 4> zero{};
  const bool all_zero =
      std::all_of(o.mask_keys.begin(), o.mask_keys.end(), [&](const auto& k) { return k == zero; });
  if (all_zero) return "every masking key is 00000000 (RFC 6455 §5.3: unpredictable keys)";
  if (o.mask_keys.size() < 2) return std::nullopt;
  const bool all_equal = std::all_of(o.mask_keys.begin(), o.mask_keys.end(),
                                     [&](const auto& k) { return k == o.mask_keys.front(); });
  if (all_equal) {
    return "the same masking key in all " + std::to_string(o.mask_keys.size()) +
           " frames (RFC 6455 §5.3: a fresh key per frame)";
  }
  return std::nullopt;
}

bool tolerates_invalid_101(const cases::outcome& out) {
  return out.result != verdict::ok && out.status_given &&
         std::find(out.status.begin(), out.status.end(), 101) != out.status.end();
}

bool accepts_invalid_101(const cases::test_case& c) {
  return std::any_of(c.outcomes.begin(), c.outcomes.end(), tolerates_invalid_101);
}

bool expected_events_arrived(const cases::test_case& c, const observation& o) {
  std::size_t events = 0;
  std::size_t messages = 0;
  for (const cases::outcome& out : c.outcomes) {
    if (out.events) {
      events = std::max(events, out.events->size());
    } else if (out.echo) {
      messages = std::max(messages, o.sent.size());
    }
  }
  return o.events.size() >= events && o.messages_received() >= messages;
}

}  // namespace wsprobe::run
