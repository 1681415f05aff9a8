// Verdict rules (harness/run/verdict.hpp): one hand-built observation per rule.
#include "harness/run/verdict.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wsprobe::run {
namespace {

using cases::verdict;

std::vector<std::uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

cases::expected_event message(std::string_view text, std::uint8_t op = wire::opcode::text) {
  cases::expected_event e;
  e.what = cases::expected_event::kind::message;
  e.opcode = op;
  e.payload = cases::payload_spec::text(text);
  return e;
}

cases::expected_event pong(std::string_view text) {
  cases::expected_event e;
  e.what = cases::expected_event::kind::pong;
  e.opcode = wire::opcode::pong;
  e.payload = cases::payload_spec::text(text);
  return e;
}

cases::outcome events_outcome(verdict v, std::vector<cases::expected_event> events) {
  cases::outcome o;
  o.result = v;
  o.events = std::move(events);
  return o;
}

// A case closed by us with 1000 whose OK outcome is `events`.
cases::test_case make_case(std::vector<cases::expected_event> events) {
  cases::test_case c;
  c.id = "framing.test";
  c.area = "framing";
  c.outcomes.push_back(events_outcome(verdict::ok, std::move(events)));
  return c;
}

// A connection that upgraded and ended with a clean closing handshake that we started.
observation clean_observation() {
  observation o;
  o.connected = true;
  o.response_received = true;
  o.status = 101;
  o.upgraded = true;
  o.initiator = close_initiator::us;
  o.close_sent = true;
  o.sent_close_code = 1000;
  o.close_received = true;
  o.close_code = 1000;
  o.peer_closed_tcp = true;
  return o;
}

received_event got_message(std::string_view text, std::uint8_t op = wire::opcode::text) {
  received_event e;
  e.what = received_event::kind::message;
  e.opcode = op;
  e.payload = bytes_of(text);
  return e;
}

received_event got_pong(std::string_view text) {
  received_event e;
  e.what = received_event::kind::pong;
  e.opcode = wire::opcode::pong;
  e.payload = bytes_of(text);
  return e;
}

// The peer failed the connection with a close frame carrying `code`, no clean TCP close needed.
observation peer_failed(std::uint16_t code) {
  observation o = clean_observation();
  o.initiator = close_initiator::peer;
  o.close_code = code;
  return o;
}

cases::test_case fail_case(std::vector<std::uint16_t> codes) {
  cases::test_case c = make_case({});
  c.close.by = cases::closer::peer;
  c.close.codes = std::move(codes);
  c.close.clean = false;
  c.finish.what = cases::finish_spec::kind::wait;
  return c;
}

TEST(Verdict, ExactEventsGiveOk) {
  cases::test_case c = make_case({message("Hello"), pong("x")});
  observation o = clean_observation();
  o.events = {got_message("Hello"), got_pong("x")};
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::ok);
  EXPECT_EQ(j.close_result, verdict::ok);
  EXPECT_EQ(j.reason, "");
}

TEST(Verdict, PayloadMismatchNamesLengthsAndFirstDifference) {
  cases::expected_event big;
  big.payload = cases::payload_spec::repeat(bytes_of("*"), 65536);
  cases::test_case c = make_case({message("a"), big});
  observation o = clean_observation();
  std::string got(65535, '*');
  got[1024] = '#';
  o.events = {got_message("a"), got_message(got)};
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_EQ(
      j.reason,
      "OK outcome: message 2: expected 65536 bytes, got 65535; first difference at byte 1024");
}

TEST(Verdict, SameLengthPayloadMismatchNamesByte) {
  cases::test_case c = make_case({message("Hello")});
  observation o = clean_observation();
  o.events = {got_message("Hellp")};
  EXPECT_EQ(judge(c, o).reason, "OK outcome: message 1: payload differs at byte 4 of 5");
}

TEST(Verdict, WrongOpcodeAndWrongKindAreMismatches) {
  cases::test_case c = make_case({message("Hello")});
  observation o = clean_observation();
  o.events = {got_message("Hello", wire::opcode::binary)};
  EXPECT_EQ(judge(c, o).reason, "OK outcome: message 1: expected text, got binary");
  o.events = {got_pong("Hello")};
  EXPECT_EQ(judge(c, o).reason,
            "OK outcome: event 1: expected text message of 5 bytes, got pong of 5 bytes");
}

TEST(Verdict, MissingAndExtraEventsFail) {
  cases::test_case c = make_case({message("a"), message("b")});
  observation o = clean_observation();
  o.events = {got_message("a")};
  EXPECT_EQ(judge(c, o).reason,
            "OK outcome: expected 2 events, got 1; missing: text message of 1 byte");
  o.events = {got_message("a"), got_message("b"), got_pong("")};
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_EQ(j.reason, "OK outcome: expected 2 events, got 3; unexpected: pong of 0 bytes");
}

TEST(Verdict, EventsNotRecordedAreMoreThanExpected) {
  // inbound keeps the first 10000 events of a flooding peer and counts the rest: the recorded
  // prefix may match an outcome, the run as a whole does not.
  cases::test_case c = make_case({message("a")});
  observation o = clean_observation();
  o.events = {got_message("a")};
  o.events_not_recorded = 5;
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_EQ(j.reason, "OK outcome: the peer sent more than 1 events (5 more not recorded)");
  // A difference in what was recorded is named first.
  o.events = {got_message("b")};
  EXPECT_EQ(judge(c, o).reason, "OK outcome: message 1: payload differs at byte 0 of 1");
}

TEST(Verdict, OutcomesAreTriedInOrder) {
  cases::test_case c = make_case({message("a"), pong("")});
  c.outcomes.push_back(events_outcome(verdict::non_strict, {message("a")}));
  c.outcomes.push_back(events_outcome(verdict::informational, {}));
  observation o = clean_observation();
  o.events = {got_message("a")};
  judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::non_strict);
  EXPECT_NE(j.reason.find("matched the NON-STRICT outcome"), std::string::npos);
  o.events = {};
  EXPECT_EQ(judge(c, o).result, verdict::informational);
  o.events = {got_pong("")};
  EXPECT_EQ(judge(c, o).result, verdict::failed);
}

TEST(Verdict, UnimplementedOutcome) {
  cases::test_case c = make_case({message("a")});
  cases::outcome refused;
  refused.result = verdict::unimplemented;
  refused.status = {400, 501};
  c.outcomes.push_back(refused);
  observation o = clean_observation();
  o.status = 400;
  o.upgraded = false;
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::unimplemented);
}

TEST(Verdict, EchoComparesMessagesOnlyAgainstWhatWasSent) {
  cases::test_case c;
  cases::outcome echo;
  echo.echo = true;
  c.outcomes.push_back(echo);
  observation o = clean_observation();
  o.sent = {{wire::opcode::text, bytes_of("one")}, {wire::opcode::binary, bytes_of("two")}};
  o.events = {got_message("one"), got_pong(""), got_message("two", wire::opcode::binary)};
  EXPECT_EQ(judge(c, o).result, verdict::ok);
  o.events = {got_message("one")};
  EXPECT_EQ(judge(c, o).reason,
            "OK outcome: expected 2 echoed messages, got 1; missing: binary message of 3 bytes");
  EXPECT_FALSE(expected_events_arrived(c, o));
  o.events.push_back(got_message("two", wire::opcode::binary));
  EXPECT_TRUE(expected_events_arrived(c, o));
}

TEST(Verdict, ExpectedEventsArrivedUsesLongestOutcome) {
  cases::test_case c = make_case({message("a")});
  c.outcomes.push_back(events_outcome(verdict::non_strict, {message("a"), pong("")}));
  observation o = clean_observation();
  o.events = {got_message("a")};
  EXPECT_FALSE(expected_events_arrived(c, o));
  o.events.push_back(got_pong(""));
  EXPECT_TRUE(expected_events_arrived(c, o));
}

TEST(Verdict, MissedFailFastCapsAtNonStrict) {
  cases::test_case c = fail_case({1007});
  observation o = peer_failed(1007);
  o.fail_fast_checked = true;
  o.fail_fast_missed = true;
  o.fail_fast_detail = "connection still open 200 ms after the invalid byte";
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::non_strict);
  EXPECT_EQ(j.close_result, verdict::ok);
  EXPECT_EQ(j.reason, "did not fail fast: connection still open 200 ms after the invalid byte");
  o.fail_fast_missed = false;
  EXPECT_EQ(judge(c, o).result, verdict::ok);
}

TEST(Verdict, HandshakeStatusHeadersAndSubprotocol) {
  cases::test_case c;
  cases::outcome rejected;
  rejected.events = std::vector<cases::expected_event>{};
  rejected.status = {426};
  rejected.headers = {{"Sec-WebSocket-Version", "13"}, {"Sec-WebSocket-Protocol", std::nullopt}};
  c.outcomes.push_back(rejected);
  observation o;
  o.connected = true;
  o.response_received = true;
  o.status = 426;
  o.response_headers.add("sec-websocket-version", " 13 ");
  judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::ok);
  EXPECT_EQ(j.close_result, verdict::ok);  // nothing to close after a refused handshake

  o.response_headers.add("Sec-WebSocket-Protocol", "chat");
  EXPECT_EQ(judge(c, o).reason, "OK outcome: header Sec-WebSocket-Protocol present, expected none");
  o.response_headers.remove("Sec-WebSocket-Protocol");
  // The response's token list must contain the expected tokens (RFC 6455 §4.4: a server may
  // list several versions).
  o.response_headers.set("Sec-WebSocket-Version", "8, 13");
  EXPECT_EQ(judge(c, o).result, verdict::ok);
  o.response_headers.set("Sec-WebSocket-Version", "8");
  EXPECT_EQ(judge(c, o).reason,
            "OK outcome: header Sec-WebSocket-Version: \"8\", expected it to contain \"13\"");
  o.response_headers.set("Sec-WebSocket-Version", "13, 8");
  o.status = 400;
  EXPECT_EQ(judge(c, o).reason, "OK outcome: HTTP status 400, expected 426");

  cases::test_case sub;
  cases::outcome chat;
  chat.check_subprotocol = true;
  chat.subprotocol = "chat";
  sub.outcomes.push_back(chat);
  observation up = clean_observation();
  up.subprotocol = "superchat";
  EXPECT_EQ(judge(sub, up).reason, "OK outcome: subprotocol \"superchat\", expected \"chat\"");
  up.subprotocol = "chat";
  EXPECT_EQ(judge(sub, up).result, verdict::ok);
}

TEST(Verdict, InvalidHandshakeResponseFails) {
  cases::test_case c = make_case({});
  observation o;
  o.connected = true;
  o.response_received = true;
  o.status = 101;
  o.handshake_error = "Sec-WebSocket-Accept does not match the key";
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_EQ(j.reason, "invalid handshake response: Sec-WebSocket-Accept does not match the key");
}

TEST(Verdict, StatusClassMatchesAnyCodeOfTheClass) {
  cases::test_case c;
  cases::outcome rejected;
  rejected.status = {426};
  rejected.status_classes = {4};
  c.outcomes.push_back(rejected);
  EXPECT_TRUE(c.ends_after_handshake());
  observation o;
  o.connected = true;
  o.response_received = true;
  for (unsigned status : {400u, 404u, 426u, 499u}) {
    o.status = status;
    EXPECT_EQ(judge(c, o).result, verdict::ok) << status;
  }
  o.status = 500;
  EXPECT_EQ(judge(c, o).reason, "OK outcome: HTTP status 500, expected 426 or 4xx");
  o.status = 101;
  EXPECT_EQ(judge(c, o).result, verdict::failed);
}

// A case that changed its request still gets its 101 checked: the case script records why the
// 101 is invalid, and the case FAILS unless a non-OK outcome names 101 explicitly.
TEST(Verdict, InvalidHandshakeResponseFailsAlsoForChangedRequests) {
  cases::test_case c = make_case({});
  c.handshake.add_headers.emplace_back("Origin", "http://example.com");
  observation o = clean_observation();
  o.handshake_error = "Sec-WebSocket-Accept is \"x\", expected \"y\"";
  EXPECT_FALSE(accepts_invalid_101(c));
  judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_EQ(j.reason, "invalid handshake response: Sec-WebSocket-Accept is \"x\", expected \"y\"");

  // The default status [101] is not "explicitly expects": still FAILED.
  c.outcomes.push_back(events_outcome(verdict::informational, {}));
  EXPECT_FALSE(accepts_invalid_101(c));
  EXPECT_EQ(judge(c, o).result, verdict::failed);

  // A non-OK outcome that names 101 takes it, and only such outcomes are tried.
  cases::outcome taken;
  taken.result = verdict::informational;
  taken.status = {101};
  taken.status_given = true;
  c.outcomes.push_back(taken);
  EXPECT_TRUE(accepts_invalid_101(c));
  j = judge(c, o);
  EXPECT_EQ(j.result, verdict::informational);

  // An OK outcome naming 101 does not.
  cases::test_case ok_only = make_case({});
  ok_only.outcomes[0].status_given = true;
  EXPECT_FALSE(accepts_invalid_101(ok_only));
  EXPECT_EQ(judge(ok_only, o).result, verdict::failed);
}

TEST(Verdict, RefusedConnectionFails) {
  observation o;
  o.connect_error = "connection refused by 127.0.0.1:9";
  const judgement j = judge(make_case({}), o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_EQ(j.close_result, verdict::failed);
  EXPECT_EQ(j.reason, "cannot connect: connection refused by 127.0.0.1:9");
}

TEST(Verdict, PeerProtocolViolationFails) {
  cases::test_case c = make_case({message("a")});
  observation o = clean_observation();
  o.events = {got_message("a")};
  o.peer_violation = "masked frame from a server";
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_EQ(j.reason, "peer protocol violation: masked frame from a server");
}

TEST(Verdict, TimeoutFails) {
  cases::test_case c = make_case({});
  observation o = clean_observation();
  o.timed_out = true;
  o.timeout_detail = "await echo: 0 of 1 messages after 5000 ms";
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_EQ(j.reason, "timeout: await echo: 0 of 1 messages after 5000 ms");
}

TEST(Verdict, FailCaseCloseCodes) {
  cases::test_case c = fail_case({1002});
  EXPECT_EQ(judge(c, peer_failed(1002)).result, verdict::ok);
  const judgement wrong = judge(c, peer_failed(1000));
  EXPECT_EQ(wrong.close_result, verdict::failed);
  EXPECT_EQ(wrong.result, verdict::failed);
  EXPECT_EQ(wrong.close_reason, "peer's close frame with code 1000, expected 1002");
  EXPECT_EQ(wrong.reason, "close: peer's close frame with code 1000, expected 1002");
  // An empty close payload counts as 1005 (RFC 6455 §7.1.5).
  observation empty = peer_failed(1002);
  empty.close_code.reset();
  EXPECT_EQ(judge(c, empty).close_reason, "peer's close frame without code, expected 1002");
}

TEST(Verdict, TcpCloseWithoutCloseFrameIsNonStrictWhenNotClean) {
  cases::test_case c = fail_case({1002});
  observation o = clean_observation();
  o.initiator = close_initiator::none;
  o.close_sent = false;
  o.close_received = false;
  o.close_code.reset();
  o.peer_closed_tcp = true;
  judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::ok);
  EXPECT_EQ(j.close_result, verdict::non_strict);
  EXPECT_EQ(j.close_reason, "peer closed without a close frame (TCP close)");
  c.close.clean = true;
  j = judge(c, o);
  EXPECT_EQ(j.close_result, verdict::failed);
  EXPECT_EQ(j.result, verdict::failed);
}

TEST(Verdict, PeerThatDoesNotFailTheConnectionFails) {
  cases::test_case c = fail_case({1002});
  observation o = clean_observation();  // we closed after the steps
  const judgement j = judge(c, o);
  EXPECT_EQ(j.close_result, verdict::failed);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_EQ(j.close_reason, "peer did not close the connection; we closed it after the steps");
}

TEST(Verdict, PeerClosingFirstWhenWeShouldFails) {
  cases::test_case c = make_case({});
  const judgement j = judge(c, peer_failed(1002));
  EXPECT_EQ(j.close_result, verdict::failed);
  EXPECT_EQ(j.close_reason, "peer closed the connection first with a close frame with code 1002");
}

TEST(Verdict, UnansweredCloseFails) {
  cases::test_case c = make_case({});
  observation o = clean_observation();
  o.close_received = false;
  o.close_code.reset();
  o.peer_closed_tcp = false;
  o.close_reply_missing = true;
  const judgement j = judge(c, o);
  EXPECT_EQ(j.close_result, verdict::failed);
  EXPECT_EQ(j.close_reason, "peer did not answer our close frame");
}

TEST(Verdict, PeerKeepingTcpOpenAfterClosingHandshakeIsNonStrict) {
  cases::test_case c = make_case({});
  observation o = clean_observation();
  o.peer_closed_tcp = false;
  o.tcp_close_missing = true;
  const judgement j = judge(c, o);
  EXPECT_EQ(j.close_result, verdict::non_strict);
  EXPECT_EQ(j.result, verdict::ok);  // only a FAILED close verdict changes the case verdict
}

TEST(Verdict, EitherSideMayClose) {
  cases::test_case c = make_case({});
  c.close.by = cases::closer::either;
  EXPECT_EQ(judge(c, peer_failed(1000)).close_result, verdict::ok);
  EXPECT_EQ(judge(c, clean_observation()).close_result, verdict::ok);
}

TEST(Verdict, InformationalCloseNeverFails) {
  cases::test_case c = make_case({});
  c.close.informational = true;
  const judgement j = judge(c, peer_failed(4999));
  EXPECT_EQ(j.close_result, verdict::informational);
  EXPECT_EQ(j.result, verdict::ok);
  EXPECT_EQ(j.close_reason,
            "closing handshake started by peer; peer sent close frame with code 4999");
}

TEST(Verdict, AnyCodeWhenCodesEmpty) {
  cases::test_case c = fail_case({});
  EXPECT_EQ(judge(c, peer_failed(3000)).close_result, verdict::ok);
}

}  // namespace
}  // namespace wsprobe::run

namespace wsprobe::run {
namespace {

TEST(Verdict, InvalidClosePayloadFailsTheCloseUnlessInformational) {
  cases::test_case c = make_case({});
  observation o = clean_observation();
  o.close_code = 5000;
  o.close_payload_error = "close code 5000 is not allowed on the wire";
  judgement j = judge(c, o);
  EXPECT_EQ(j.close_result, verdict::failed);
  EXPECT_EQ(j.close_reason,
            "peer's close frame is invalid: close code 5000 is not allowed on the wire");
  c.close.informational = true;
  j = judge(c, o);
  EXPECT_EQ(j.close_result, verdict::informational);
  EXPECT_EQ(j.result, verdict::ok);
}

}  // namespace
}  // namespace wsprobe::run
