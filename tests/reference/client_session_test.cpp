// Drives the sans-I/O client session with server bytes built by harness/wire's encoder: the strict
// behaviour rule by rule, then every client fault shown to change what the client does on the
// wire (its bytes, or when it closes TCP).
#include "harness/reference/client_session.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/reference/client_faults.hpp"
#include "harness/wire/base64.hpp"
#include "harness/wire/close.hpp"
#include "harness/wire/frame_decoder.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head_parser.hpp"
#include "harness/wire/mask.hpp"

namespace {

using namespace wsprobe;
using reference::client_fault;
using reference::client_session;
using state = client_session::state;
using bytes = std::vector<std::uint8_t>;

constexpr std::string_view test_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3
constexpr std::string_view host = "127.0.0.1:9001";
constexpr std::string_view target = "/runCase?case=1&agent=x";

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

std::string_view as_text(const bytes& b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// Masking keys 01020304, 05060708, …: distinct per frame, and reproducible.
std::function<wire::masking_key()> counting_keys() {
  return [n = std::uint8_t{0}]() mutable {
    wire::masking_key key{};
    for (auto& b : key) b = ++n;
    return key;
  };
}

reference::client_session_options options_with(std::initializer_list<client_fault> faults = {}) {
  reference::client_session_options o;
  o.key = std::string(test_key);
  o.mask_source = counting_keys();
  for (auto f : faults) o.faults.add(f);
  return o;
}

client_session make_session(reference::client_session_options options = options_with()) {
  return client_session(std::string(host), std::string(target), std::move(options));
}

wire::http_response accept_response(const std::vector<wire::http_header>& extra = {}) {
  const auto request = wire::make_client_request(host, target, test_key);
  wire::accept_options o;
  o.extra_headers = extra;
  return wire::make_accept_response(request, {}, o);
}

bytes response_bytes(const wire::http_response& response = accept_response()) {
  return to_bytes(wire::serialize(response));
}

struct frame_options {
  bool fin = true;
  std::optional<wire::masking_key> mask;
};

// A server frame, unmasked unless told otherwise.
bytes server_frame(std::uint8_t opcode, std::string_view payload, frame_options o = {}) {
  wire::frame_spec spec;
  spec.opcode = opcode;
  spec.fin = o.fin;
  spec.mask = o.mask;
  return wire::encode_frame(
      spec, std::span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()));
}

bytes close_frame(std::optional<std::uint16_t> code, std::string_view reason = {}) {
  return server_frame(wire::opcode::close, as_text(wire::build_close_payload(code, reason)));
}

bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Client frames, decoded leniently (unmasked ones are seen too), each with its header.
std::vector<wire::frame> frames_of(const bytes& raw) {
  wire::decoder_options options;
  options.local_role = wire::role::server;
  options.require_mask_direction = false;
  wire::frame_decoder decoder(options);
  bytes buffer = raw;
  std::span<std::uint8_t> in(buffer);
  std::vector<wire::frame> out;
  wire::frame current;
  for (;;) {
    std::size_t used = 0;
    const auto ev = decoder.next(in, used);
    in = in.subspan(used);
    if (ev.kind == wire::frame_decoder::event_kind::header) {
      current = {};
      current.header = decoder.header();
    } else if (ev.kind == wire::frame_decoder::event_kind::payload) {
      current.payload.insert(current.payload.end(), ev.payload.begin(), ev.payload.end());
    } else if (ev.kind == wire::frame_decoder::event_kind::frame_end) {
      out.push_back(current);
    } else {
      EXPECT_NE(ev.kind, wire::frame_decoder::event_kind::error) << decoder.error().reason;
      break;
    }
  }
  return out;
}

// A session past its opening handshake, its request already taken.
client_session open_session(reference::client_session_options options = options_with()) {
  auto session = make_session(std::move(options));
  session.take_output();
  session.receive(response_bytes());
  EXPECT_EQ(session.current_state(), state::open) << session.failure();
  return session;
}

std::optional<std::uint16_t> close_code_of(const wire::frame& f) {
  EXPECT_EQ(f.header.opcode, wire::opcode::close);
  return wire::parse_close_payload(f.payload).payload.code;
}

// --- Opening handshake ------------------------------------------------------------------------

TEST(ClientSessionHandshake, SendsAValidRequestWithAFreshRandomKey) {
  reference::client_session_options plain;  // no fixed key: a random one
  client_session a(std::string(host), std::string(target), plain);
  client_session b(std::string(host), std::string(target), plain);
  const auto out = a.take_output();
  wire::request_parser parser;
  std::size_t consumed = 0;
  ASSERT_EQ(parser.feed(as_text(out), consumed), wire::parse_status::done);
  EXPECT_EQ(consumed, out.size());
  const auto& request = parser.message();
  EXPECT_EQ(request.target, target);
  EXPECT_TRUE(wire::validate_request(request).ok) << wire::validate_request(request).why;
  EXPECT_EQ(*request.headers.find("Host"), host);
  const auto* key = request.headers.find("Sec-WebSocket-Key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(wire::base64_decode(*key)->size(), 16u);
  EXPECT_NE(*key, *b.request().headers.find("Sec-WebSocket-Key"));
  EXPECT_EQ(a.current_state(), state::handshake);
}

TEST(ClientSessionHandshake, OpensOnAValid101AndEchoesFramesBehindIt) {
  auto session = make_session();
  session.take_output();
  session.receive(concat({response_bytes(), server_frame(wire::opcode::text, "early")}));
  EXPECT_TRUE(session.opened());
  ASSERT_EQ(session.current_state(), state::open);
  const auto frames = frames_of(session.take_output());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(as_text(frames[0].payload), "early");
}

TEST(ClientSessionHandshake, WaitsForTheWholeHeadInPieces) {
  auto session = make_session();
  session.take_output();
  const auto response = response_bytes();
  for (std::size_t i = 0; i < response.size(); ++i) {
    EXPECT_EQ(session.current_state(), state::handshake);
    session.receive(std::span(response).subspan(i, 1));
  }
  EXPECT_EQ(session.current_state(), state::open);
}

// A bad answer fails the connection: nothing is sent and TCP is closed at once (§4.1).
void expect_refused(const wire::http_response& response, std::string_view why) {
  auto session = make_session();
  session.take_output();
  session.receive(
      concat({to_bytes(wire::serialize(response)), server_frame(wire::opcode::text, "after")}));
  EXPECT_TRUE(session.should_close_tcp());
  EXPECT_FALSE(session.opened());
  EXPECT_FALSE(session.has_output());
  EXPECT_NE(session.failure().find(why), std::string::npos) << session.failure();
}

TEST(ClientSessionHandshake, FailsOnAWrongAcceptKey) {
  auto response = accept_response();
  response.headers.fields.clear();
  response.headers.add("Upgrade", "websocket");
  response.headers.add("Connection", "Upgrade");
  response.headers.add("Sec-WebSocket-Accept", wire::compute_accept("x"));
  expect_refused(response, "Sec-WebSocket-Accept");
}

TEST(ClientSessionHandshake, FailsOnAMissingAcceptKey) {
  auto response = accept_response();
  response.headers.fields.clear();
  response.headers.add("Upgrade", "websocket");
  response.headers.add("Connection", "Upgrade");
  expect_refused(response, "Sec-WebSocket-Accept");
}

TEST(ClientSessionHandshake, FailsOnASubprotocolItDidNotOffer) {
  expect_refused(accept_response({{"Sec-WebSocket-Protocol", "chat"}}), "chat");
}

TEST(ClientSessionHandshake, FailsOnAnExtensionItDidNotOffer) {
  expect_refused(accept_response({{"Sec-WebSocket-Extensions", "permessage-deflate"}}),
                 "permessage-deflate");
}

TEST(ClientSessionHandshake, FailsOnAStatusOtherThan101) {
  expect_refused(wire::make_reject_response(400), "400");
}

TEST(ClientSessionHandshake, FailsOnAMalformedHead) {
  auto session = make_session();
  session.take_output();
  session.receive(to_bytes("HTTP/1.1 101 OK\nUpgrade: websocket\n\n"));
  EXPECT_TRUE(session.should_close_tcp());
  EXPECT_FALSE(session.has_output());
}

TEST(ClientSessionHandshake, EofBeforeTheAnswerEndsTheSession) {
  auto session = make_session();
  session.take_output();
  session.receive_eof();
  EXPECT_TRUE(session.should_close_tcp());
  EXPECT_FALSE(session.failure().empty());
}

// --- Echo and masking -------------------------------------------------------------------------

TEST(ClientSessionEcho, EchoesTextAndBinaryWithTheirOpcodeMasked) {
  auto session = open_session();
  session.receive(concat({server_frame(wire::opcode::text, "Hello"),
                          server_frame(wire::opcode::binary, std::string_view("\x00\xff", 2))}));
  const auto frames = frames_of(session.take_output());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].header.opcode, wire::opcode::text);
  EXPECT_EQ(as_text(frames[0].payload), "Hello");
  EXPECT_EQ(frames[1].header.opcode, wire::opcode::binary);
  EXPECT_EQ(as_text(frames[1].payload), std::string_view("\x00\xff", 2));
  for (const auto& f : frames) {
    EXPECT_TRUE(f.header.masked);
    EXPECT_TRUE(f.header.fin);
  }
}

TEST(ClientSessionEcho, EchoesAFragmentedMessageAsOneFrame) {
  auto session = open_session();
  session.receive(concat(
      {server_frame(wire::opcode::text, "Hel", {.fin = false, .mask = std::nullopt}),
       server_frame(wire::opcode::ping, "p"), server_frame(wire::opcode::continuation, "lo")}));
  const auto frames = frames_of(session.take_output());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].header.opcode, wire::opcode::pong);  // the ping between the fragments
  EXPECT_EQ(as_text(frames[1].payload), "Hello");
  EXPECT_TRUE(frames[1].header.fin);
}

TEST(ClientSessionEcho, MasksEveryFrameWithAFreshRandomKey) {
  reference::client_session_options o;  // the CSPRNG, not the test's counter
  o.key = std::string(test_key);
  auto session = open_session(o);
  constexpr int count = 64;
  for (int i = 0; i < count; ++i) session.receive(server_frame(wire::opcode::text, "abcd"));
  const auto frames = frames_of(session.take_output());
  ASSERT_EQ(frames.size(), std::size_t{count});
  std::set<wire::masking_key> keys;
  for (const auto& f : frames) {
    EXPECT_TRUE(f.header.masked);
    EXPECT_EQ(as_text(f.payload), "abcd");
    keys.insert(f.header.key);
  }
  // 64 random 32-bit keys collide with a probability of about 5e-7.
  EXPECT_EQ(keys.size(), std::size_t{count});
}

TEST(ClientSessionEcho, TheMaskedBytesAreNotThePayload) {
  auto session = open_session();
  session.receive(server_frame(wire::opcode::text, "Hello"));
  const auto out = session.take_output();
  EXPECT_EQ(as_text(out).find("Hello"), std::string_view::npos);
}

TEST(ClientSessionEcho, RecordModeKeepsMessagesAndClosesWhenAsked) {
  auto o = options_with();
  o.echo = false;
  auto session = open_session(std::move(o));
  session.receive(server_frame(wire::opcode::text, "42"));
  EXPECT_FALSE(session.has_output());
  ASSERT_EQ(session.received_messages().size(), 1u);
  EXPECT_EQ(as_text(session.received_messages()[0].second), "42");
  session.client_close();
  EXPECT_EQ(session.current_state(), state::closing);
  auto frames = frames_of(session.take_output());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].header.masked);
  EXPECT_EQ(close_code_of(frames[0]), wire::close_code::normal);
  // The server's answer completes the handshake; no second close is sent.
  session.receive(close_frame(wire::close_code::normal));
  EXPECT_TRUE(session.close_exchanged());
  EXPECT_TRUE(session.awaiting_server_close());
  EXPECT_FALSE(session.has_output());
}

// --- Ping and pong ----------------------------------------------------------------------------

TEST(ClientSessionPing, AnswersAPingWithTheSamePayloadMasked) {
  auto session = open_session();
  session.receive(server_frame(wire::opcode::ping, "ping-payload"));
  const auto frames = frames_of(session.take_output());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].header.opcode, wire::opcode::pong);
  EXPECT_TRUE(frames[0].header.masked);
  EXPECT_EQ(as_text(frames[0].payload), "ping-payload");
}

TEST(ClientSessionPing, IgnoresAnUnsolicitedPong) {
  auto session = open_session();
  session.receive(server_frame(wire::opcode::pong, "x"));
  EXPECT_FALSE(session.has_output());
  EXPECT_EQ(session.current_state(), state::open);
}

// --- Failing the connection -------------------------------------------------------------------

// The client answers a violation with one masked close carrying `code`, echoes nothing, and then
// waits for the server to close TCP (§7.1.7, §7.1.1).
void expect_failure(const bytes& input, std::uint16_t code,
                    reference::client_session_options o = options_with()) {
  auto session = open_session(std::move(o));
  session.receive(input);
  const auto frames = frames_of(session.take_output());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].header.masked);
  EXPECT_EQ(close_code_of(frames[0]), code);
  EXPECT_TRUE(session.awaiting_server_close());
  EXPECT_FALSE(session.should_close_tcp());
  EXPECT_FALSE(session.failure().empty());
}

TEST(ClientSessionFail, MaskedServerFrameIs1002) {
  expect_failure(server_frame(wire::opcode::text, "Hello",
                              {.fin = true, .mask = wire::masking_key{1, 2, 3, 4}}),
                 wire::close_code::protocol_error);
}

TEST(ClientSessionFail, InvalidUtf8Is1007) {
  expect_failure(server_frame(wire::opcode::text, "\xce\xba\xe1\xbd\xb9\xcf\x83\xed\xa0\x80"),
                 wire::close_code::invalid_payload);
}

TEST(ClientSessionFail, InvalidUtf8FailsFastInsideAFrame) {
  // Only the header and the first bytes of a long frame: the invalid byte is already there.
  const std::string payload = std::string("ab\xff") + std::string(1000, 'a');
  auto frame = server_frame(wire::opcode::text, payload);
  frame.resize(frame.size() - 900);
  expect_failure(frame, wire::close_code::invalid_payload);
}

TEST(ClientSessionFail, ReservedOpcodeAndRsvAre1002) {
  expect_failure(server_frame(0x3, ""), wire::close_code::protocol_error);
  auto rsv = server_frame(wire::opcode::text, "x");
  rsv[0] |= 0x40;
  expect_failure(rsv, wire::close_code::protocol_error);
}

TEST(ClientSessionFail, OversizedMessageIs1009) {
  auto o = options_with();
  o.max_message_size = 16;
  expect_failure(server_frame(wire::opcode::binary, std::string(17, 'x')),
                 wire::close_code::too_big, std::move(o));
}

TEST(ClientSessionFail, IgnoresEverythingAfterFailing) {
  auto session = open_session();
  session.receive(server_frame(wire::opcode::text, "\xff"));
  session.take_output();
  session.receive(server_frame(wire::opcode::text, "Hello"));
  session.receive(server_frame(wire::opcode::ping, "p"));
  EXPECT_FALSE(session.has_output());
  session.receive_eof();
  EXPECT_TRUE(session.should_close_tcp());
}

// --- Closing ----------------------------------------------------------------------------------

TEST(ClientSessionClose, EchoesTheCodeAndWaitsForTheServerToCloseTcp) {
  auto session = open_session();
  session.receive(close_frame(wire::close_code::going_away, "bye"));
  const auto frames = frames_of(session.take_output());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].header.masked);
  EXPECT_EQ(frames[0].payload, wire::build_close_payload(wire::close_code::going_away));
  EXPECT_TRUE(session.awaiting_server_close());
  EXPECT_FALSE(session.should_close_tcp());
  EXPECT_TRUE(session.close_exchanged());
  ASSERT_TRUE(session.server_close());
  EXPECT_EQ(session.server_close()->reason, "bye");
  session.receive_eof();
  EXPECT_TRUE(session.should_close_tcp());
  EXPECT_TRUE(session.failure().empty());
}

TEST(ClientSessionClose, AnswersAnEmptyCloseWithAnEmptyClose) {
  auto session = open_session();
  session.receive(close_frame(std::nullopt));
  const auto frames = frames_of(session.take_output());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].payload.empty());
}

TEST(ClientSessionClose, RefusesInvalidCodesAndLengthsWith1002) {
  expect_failure(close_frame(1005), wire::close_code::protocol_error);
  expect_failure(close_frame(999), wire::close_code::protocol_error);
  expect_failure(server_frame(wire::opcode::close, "x"), wire::close_code::protocol_error);
}

TEST(ClientSessionClose, RefusesAnInvalidUtf8ReasonWith1007) {
  expect_failure(close_frame(1000, "\xff"), wire::close_code::invalid_payload);
}

TEST(ClientSessionClose, SendsNothingAfterTheClose) {
  auto session = open_session();
  session.receive(concat({close_frame(1000), server_frame(wire::opcode::text, "late"),
                          server_frame(wire::opcode::ping, "late")}));
  EXPECT_EQ(frames_of(session.take_output()).size(), 1u);
  session.receive(server_frame(wire::opcode::text, "later"));
  EXPECT_FALSE(session.has_output());
}

TEST(ClientSessionClose, EofWithoutACloseIsNotAClean) {
  auto session = open_session();
  session.receive_eof();
  EXPECT_TRUE(session.should_close_tcp());
  EXPECT_FALSE(session.close_exchanged());
  EXPECT_FALSE(session.failure().empty());
}

// --- Faults -----------------------------------------------------------------------------------

TEST(ClientFaults, EveryFaultHasANameADescriptionAndARoundTrip) {
  const auto faults = reference::all_client_faults();
  ASSERT_EQ(faults.size(), reference::client_fault_count);
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    EXPECT_FALSE(faults[i].name.empty());
    EXPECT_NE(faults[i].description.find("§"), std::string_view::npos) << faults[i].name;
    EXPECT_EQ(reference::client_fault_from_name(faults[i].name), static_cast<client_fault>(i));
    names.insert(faults[i].name);
  }
  EXPECT_EQ(names.size(), faults.size());
}

TEST(ClientFaults, ParseRejectsUnknownNames) {
  EXPECT_THROW(reference::parse_client_faults({"no-such-fault"}), std::runtime_error);
  const auto set = reference::parse_client_faults({"no-pong", "no-mask"});
  EXPECT_EQ(set.names(), (std::vector<std::string_view>{"no-mask", "no-pong"}));
}

// What a session does with some server input: every byte it sent after its request, and whether
// it decided to close TCP itself.
struct transcript {
  bytes sent;
  state final_state;
  bool operator==(const transcript&) const = default;
};

using scenario = std::function<void(client_session&)>;

transcript play(reference::client_session_options o, const scenario& feed) {
  auto session = make_session(std::move(o));
  session.take_output();
  feed(session);
  return {session.take_output(), session.current_state()};
}

scenario after_101(bytes frames, wire::http_response response = accept_response()) {
  return [frames = std::move(frames), response](client_session& s) {
    s.receive(to_bytes(wire::serialize(response)));
    s.receive(frames);
  };
}

// Each fault with the server input that exposes it.
struct trigger {
  client_fault fault;
  scenario feed;
};

std::vector<trigger> triggers() {
  const auto two_messages =
      concat({server_frame(wire::opcode::text, "one"), server_frame(wire::opcode::text, "two")});
  auto wrong_accept = accept_response();
  wrong_accept.headers.fields.clear();
  wrong_accept.headers.add("Upgrade", "websocket");
  wrong_accept.headers.add("Connection", "Upgrade");
  wrong_accept.headers.add("Sec-WebSocket-Accept", wire::compute_accept("x"));
  const auto echo_after = server_frame(wire::opcode::text, "open?");
  return {
      {client_fault::no_mask, after_101(two_messages)},
      {client_fault::zero_mask, after_101(two_messages)},
      {client_fault::fixed_mask, after_101(two_messages)},
      {client_fault::accept_masked_frames,
       after_101(server_frame(wire::opcode::text, "m",
                              {.fin = true, .mask = wire::masking_key{9, 9, 9, 9}}))},
      {client_fault::no_accept_check, after_101(echo_after, wrong_accept)},
      {client_fault::accept_unoffered_subprotocol,
       after_101(echo_after, accept_response({{"Sec-WebSocket-Protocol", "chat"}}))},
      {client_fault::no_utf8_check, after_101(server_frame(wire::opcode::text, "a\xc0\xaf"))},
      {client_fault::no_pong, after_101(server_frame(wire::opcode::ping, "p"))},
      {client_fault::closes_tcp_first, after_101(close_frame(1000))},
  };
}

TEST(ClientFaults, TheTriggerTableCoversEveryFault) {
  std::set<std::string_view> covered;
  for (const auto& t : triggers()) covered.insert(reference::describe(t.fault).name);
  for (const auto& info : reference::all_client_faults()) {
    EXPECT_TRUE(covered.count(info.name)) << info.name << " has no trigger";
  }
  EXPECT_EQ(covered.size(), reference::all_client_faults().size());
}

TEST(ClientFaults, EachFaultChangesWhatTheClientDoes) {
  for (const auto& t : triggers()) {
    const auto strict = play(options_with(), t.feed);
    const auto faulty = play(options_with({t.fault}), t.feed);
    EXPECT_FALSE(strict == faulty) << reference::describe(t.fault).name;
  }
}

TEST(ClientFaults, AFaultLeavesTheOtherRulesStrict) {
  // Every other fault's trigger plays out exactly as for the strict client.
  for (const auto& info : reference::all_client_faults()) {
    const auto f = *reference::client_fault_from_name(info.name);
    for (const auto& t : triggers()) {
      if (t.fault == f) continue;
      // The three masking faults change every frame sent, whatever the trigger.
      const bool masking = f == client_fault::no_mask || f == client_fault::zero_mask ||
                           f == client_fault::fixed_mask;
      const auto strict = play(options_with(), t.feed);
      const auto faulty = play(options_with({f}), t.feed);
      if (masking) {
        EXPECT_EQ(strict.final_state, faulty.final_state)
            << info.name << " / " << reference::describe(t.fault).name;
      } else {
        EXPECT_TRUE(strict == faulty) << info.name << " / " << reference::describe(t.fault).name;
      }
    }
  }
}

TEST(ClientFaults, MaskingFaultsWriteTheKeysTheyName) {
  const auto feed = after_101(
      concat({server_frame(wire::opcode::text, "one"), server_frame(wire::opcode::text, "two")}));
  const auto no_mask = frames_of(play(options_with({client_fault::no_mask}), feed).sent);
  ASSERT_EQ(no_mask.size(), 2u);
  EXPECT_FALSE(no_mask[0].header.masked);
  const auto zero = frames_of(play(options_with({client_fault::zero_mask}), feed).sent);
  ASSERT_EQ(zero.size(), 2u);
  EXPECT_TRUE(zero[0].header.masked);
  EXPECT_EQ(zero[0].header.key, (wire::masking_key{0, 0, 0, 0}));
  const auto fixed = frames_of(play(options_with({client_fault::fixed_mask}), feed).sent);
  ASSERT_EQ(fixed.size(), 2u);
  EXPECT_NE(fixed[0].header.key, (wire::masking_key{0, 0, 0, 0}));
  EXPECT_EQ(fixed[0].header.key, fixed[1].header.key);
  const auto strict = frames_of(play(options_with(), feed).sent);
  ASSERT_EQ(strict.size(), 2u);
  EXPECT_NE(strict[0].header.key, strict[1].header.key);
}

}  // namespace
