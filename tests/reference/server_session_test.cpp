// Drives the sans-I/O server session with client bytes built by harness/wire's encoder: the
// strict behaviour rule by rule, then every fault shown to change what goes on the wire.
#include "harness/reference/server_session.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/wire/close.hpp"
#include "harness/wire/frame_decoder.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head_parser.hpp"

namespace {

using namespace wsprobe;
using reference::fault;
using reference::server_session;
using bytes = std::vector<std::uint8_t>;

constexpr std::string_view test_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3
constexpr wire::masking_key client_key = {0x11, 0x22, 0x33, 0x44};

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

wire::http_request client_request() {
  return wire::make_client_request("127.0.0.1:9001", "/", test_key);
}

bytes request_bytes(const wire::http_request& request = client_request()) {
  return to_bytes(wire::serialize(request));
}

struct frame_options {
  bool fin = true;
  bool rsv1 = false, rsv2 = false, rsv3 = false;
  bool masked = true;
  wire::length_form form = wire::length_form::minimal;
};

// A client frame, masked unless told otherwise.
bytes client_frame(std::uint8_t opcode, std::string_view payload, frame_options o = {}) {
  wire::frame_spec spec;
  spec.opcode = opcode;
  spec.fin = o.fin;
  spec.rsv1 = o.rsv1;
  spec.rsv2 = o.rsv2;
  spec.rsv3 = o.rsv3;
  spec.form = o.form;
  if (o.masked) spec.mask = client_key;
  return wire::encode_frame(
      spec, std::span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()));
}

bytes close_frame(std::optional<std::uint16_t> code, std::string_view reason = {}) {
  const auto payload = wire::build_close_payload(code, reason);
  return client_frame(
      wire::opcode::close,
      std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
}

bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// What the server said, split into its HTTP head and its frames (decoded leniently, so that
// masked server frames can be seen too).
struct server_output {
  std::optional<wire::http_response> response;
  std::vector<wire::frame> frames;
  bytes raw;  // every byte after the HTTP head, exactly as sent
  bool tcp_closed = false;
};

server_output parse_output(const bytes& all, bool tcp_closed) {
  server_output out;
  out.tcp_closed = tcp_closed;
  std::string_view text(reinterpret_cast<const char*>(all.data()), all.size());
  wire::response_parser parser;
  std::size_t consumed = 0;
  if (parser.feed(text, consumed) == wire::parse_status::done) out.response = parser.message();
  out.raw.assign(all.begin() + static_cast<std::ptrdiff_t>(consumed), all.end());

  wire::decoder_options options;
  options.local_role = wire::role::client;
  options.require_mask_direction = false;
  options.reject_long_control = false;
  wire::frame_decoder decoder(options);
  bytes buffer = out.raw;
  std::span<std::uint8_t> in(buffer);
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
      out.frames.push_back(current);
    } else {
      EXPECT_NE(ev.kind, wire::frame_decoder::event_kind::error) << decoder.error().reason;
      break;
    }
  }
  return out;
}

reference::session_options options_with(std::initializer_list<fault> faults) {
  reference::session_options o;
  for (auto f : faults) o.faults.add(f);
  return o;
}

// Sends the request (and, behind it in the same stream, `after`), then closes the client's side
// when `eof`: the session's complete answer.
server_output run(const reference::session_options& options, const bytes& request,
                  const bytes& after, bool eof = false) {
  server_session session(options);
  session.receive(request);
  session.receive(after);
  if (eof) session.receive_eof();
  return parse_output(session.take_output(), session.should_close_tcp());
}

server_output run_open(const reference::session_options& options, const bytes& after,
                       bool eof = false) {
  return run(options, request_bytes(), after, eof);
}

std::string payload_text(const wire::frame& f) {
  return std::string(f.payload.begin(), f.payload.end());
}

std::optional<std::uint16_t> close_code_of(const wire::frame& f) {
  if (f.header.opcode != wire::opcode::close || f.payload.size() < 2) return std::nullopt;
  return static_cast<std::uint16_t>(f.payload[0] << 8 | f.payload[1]);
}

// The server failed the connection with `code`: one close frame as its last frame, TCP closed.
void expect_failed_with(const server_output& out, std::uint16_t code) {
  ASSERT_FALSE(out.frames.empty());
  EXPECT_EQ(close_code_of(out.frames.back()), code);
  EXPECT_TRUE(out.tcp_closed);
}

// --- Opening handshake -------------------------------------------------------------------------

TEST(ServerSessionHandshake, AnswersAValidRequestWith101AndTheRightAccept) {
  const auto out = run_open({}, {});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 101u);
  ASSERT_NE(out.response->headers.find("Sec-WebSocket-Accept"), nullptr);
  EXPECT_EQ(*out.response->headers.find("Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_FALSE(out.tcp_closed);
}

TEST(ServerSessionHandshake, WaitsForTheWholeHeadWhenItArrivesByteByByte) {
  server_session session;
  const auto request = request_bytes();
  for (std::size_t i = 0; i + 1 < request.size(); ++i) {
    session.receive(std::span(request).subspan(i, 1));
    ASSERT_FALSE(session.has_output()) << "answered after " << i + 1 << " bytes";
  }
  session.receive(std::span(request).last(1));
  EXPECT_EQ(session.current_state(), server_session::state::open);
  EXPECT_TRUE(session.has_output());
}

TEST(ServerSessionHandshake, RefusesAMissingKeyWith400AndAReason) {
  auto request = client_request();
  request.headers.remove("Sec-WebSocket-Key");
  const auto out = run({}, request_bytes(request), {});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 400u);
  EXPECT_NE(out.response->reason.find("Sec-WebSocket-Key"), std::string::npos)
      << out.response->reason;
  EXPECT_TRUE(out.tcp_closed);
}

TEST(ServerSessionHandshake, RefusesAnotherVersionWith426AndVersion13) {
  auto request = client_request();
  request.headers.set("Sec-WebSocket-Version", "8");
  const auto out = run({}, request_bytes(request), {});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 426u);
  ASSERT_NE(out.response->headers.find("Sec-WebSocket-Version"), nullptr);
  EXPECT_EQ(*out.response->headers.find("Sec-WebSocket-Version"), "13");
  EXPECT_TRUE(out.tcp_closed);
}

TEST(ServerSessionHandshake, RefusesAMalformedHeadWith400) {
  const auto out = run({}, to_bytes("GET / HTTP/1.1\nHost: x\n\n"), {});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 400u);
  EXPECT_TRUE(out.tcp_closed);
}

TEST(ServerSessionHandshake, RefusesAnEndlessHeadInsteadOfBufferingIt) {
  reference::session_options options;
  options.max_request_head = 1024;
  server_session session(options);
  session.receive(to_bytes("GET / HTTP/1.1\r\nHost: x\r\nX-Long: "));
  const bytes filler(512, 'a');
  for (int i = 0; i < 8 && !session.should_close_tcp(); ++i) session.receive(filler);
  EXPECT_TRUE(session.should_close_tcp());
  const auto out = parse_output(session.take_output(), true);
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status, 400u);
}

TEST(ServerSessionHandshake, EchoesFramesThatFollowTheRequestInTheSameRead) {
  server_session session;
  session.receive(concat({request_bytes(), client_frame(wire::opcode::text, "early")}));
  const auto both = parse_output(session.take_output(), false);
  ASSERT_EQ(both.frames.size(), 1u);
  EXPECT_EQ(payload_text(both.frames[0]), "early");
}

// --- Echo ---------------------------------------------------------------------------------------

TEST(ServerSessionEcho, EchoesTextAndBinaryWithTheirOpcodeUnmasked) {
  const auto out = run_open(
      {}, concat({client_frame(wire::opcode::text, "hello"),
                  client_frame(wire::opcode::binary, std::string_view("\x00\xff\x10", 3))}));
  ASSERT_EQ(out.frames.size(), 2u);
  EXPECT_EQ(out.frames[0].header.opcode, wire::opcode::text);
  EXPECT_FALSE(out.frames[0].header.masked);
  EXPECT_EQ(payload_text(out.frames[0]), "hello");
  EXPECT_EQ(out.frames[1].header.opcode, wire::opcode::binary);
  EXPECT_FALSE(out.frames[1].header.masked);
  EXPECT_EQ(out.frames[1].payload, (bytes{0x00, 0xff, 0x10}));
  EXPECT_FALSE(out.tcp_closed);
}

TEST(ServerSessionEcho, ReassemblesAFragmentedMessageIntoOneFrame) {
  const auto out =
      run_open({}, concat({client_frame(wire::opcode::text, "frag", {.fin = false}),
                           client_frame(wire::opcode::ping, "mid"),
                           client_frame(wire::opcode::continuation, "men", {.fin = false}),
                           client_frame(wire::opcode::continuation, "ted")}));
  ASSERT_EQ(out.frames.size(), 2u);
  EXPECT_EQ(out.frames[0].header.opcode, wire::opcode::pong);
  EXPECT_EQ(payload_text(out.frames[0]), "mid");
  EXPECT_EQ(out.frames[1].header.opcode, wire::opcode::text);
  EXPECT_TRUE(out.frames[1].header.fin);
  EXPECT_EQ(payload_text(out.frames[1]), "fragmented");
}

TEST(ServerSessionEcho, EchoesAnEmptyMessage) {
  const auto out = run_open({}, client_frame(wire::opcode::text, ""));
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_TRUE(out.frames[0].payload.empty());
}

TEST(ServerSessionEcho, SameOutputWhateverTheInputChunking) {
  const auto input = concat({request_bytes(), client_frame(wire::opcode::text, "chunked"),
                             client_frame(wire::opcode::ping, "p"), close_frame(1000)});
  server_session whole;
  whole.receive(input);
  server_session split;
  for (std::size_t i = 0; i < input.size(); i += 3) {
    split.receive(std::span(input).subspan(i, std::min<std::size_t>(3, input.size() - i)));
  }
  EXPECT_EQ(whole.take_output(), split.take_output());
  EXPECT_TRUE(split.should_close_tcp());
}

// --- Ping and pong ------------------------------------------------------------------------------

TEST(ServerSessionPing, AnswersAPingWithTheSamePayload) {
  const std::string payload(125, 'p');
  const auto out = run_open({}, client_frame(wire::opcode::ping, payload));
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0].header.opcode, wire::opcode::pong);
  EXPECT_EQ(payload_text(out.frames[0]), payload);
}

TEST(ServerSessionPing, IgnoresAnUnsolicitedPong) {
  const auto out = run_open({}, client_frame(wire::opcode::pong, "unasked"));
  EXPECT_TRUE(out.frames.empty());
  EXPECT_FALSE(out.tcp_closed);
}

// --- Protocol violations fail the connection ----------------------------------------------------

TEST(ServerSessionFail, UnmaskedFrameIs1002) {
  expect_failed_with(run_open({}, client_frame(wire::opcode::text, "x", {.masked = false})), 1002);
}

TEST(ServerSessionFail, RsvBitsWithoutExtensionAre1002) {
  expect_failed_with(run_open({}, client_frame(wire::opcode::text, "x", {.rsv1 = true})), 1002);
  expect_failed_with(run_open({}, client_frame(wire::opcode::text, "x", {.rsv2 = true})), 1002);
  expect_failed_with(run_open({}, client_frame(wire::opcode::text, "x", {.rsv3 = true})), 1002);
}

TEST(ServerSessionFail, ReservedOpcodesAre1002) {
  for (std::uint8_t op : {3, 7, 0xB, 0xF}) {
    SCOPED_TRACE(int(op));
    expect_failed_with(run_open({}, client_frame(op, "x")), 1002);
  }
}

TEST(ServerSessionFail, LongAndFragmentedControlFramesAre1002) {
  expect_failed_with(run_open({}, client_frame(wire::opcode::ping, std::string(126, 'x'))), 1002);
  expect_failed_with(run_open({}, client_frame(wire::opcode::ping, "x", {.fin = false})), 1002);
}

TEST(ServerSessionFail, NonMinimalLengthIs1002) {
  expect_failed_with(
      run_open({}, client_frame(wire::opcode::text, "hi", {.form = wire::length_form::len16})),
      1002);
  expect_failed_with(
      run_open({}, client_frame(wire::opcode::text, "hi", {.form = wire::length_form::len64})),
      1002);
}

TEST(ServerSessionFail, OrphanContinuationAndInterleavedMessagesAre1002) {
  expect_failed_with(run_open({}, client_frame(wire::opcode::continuation, "x")), 1002);
  expect_failed_with(run_open({}, concat({client_frame(wire::opcode::text, "a", {.fin = false}),
                                          client_frame(wire::opcode::text, "b")})),
                     1002);
}

TEST(ServerSessionFail, InvalidUtf8Is1007) {
  expect_failed_with(run_open({}, client_frame(wire::opcode::text, "ok\xc0\xaf")), 1007);
  // A message that ends inside a code point.
  expect_failed_with(run_open({}, client_frame(wire::opcode::text, "\xe2\x82")), 1007);
}

TEST(ServerSessionFail, InvalidUtf8FailsFastInsideAFrame) {
  // Only the first half of one frame has arrived; its invalid byte is enough.
  const auto frame = client_frame(wire::opcode::text, "abc\xff" + std::string(100, 'z'));
  const auto out = run_open({}, bytes(frame.begin(), frame.begin() + 2 + 4 + 4));
  expect_failed_with(out, 1007);
}

TEST(ServerSessionFail, OversizedMessageIs1009FromItsHeader) {
  reference::session_options options;
  options.max_message_size = 1000;
  // Only the header of a frame that declares 2000 bytes.
  wire::frame_spec spec;
  spec.opcode = wire::opcode::binary;
  spec.mask = client_key;
  bytes header(wire::max_header_size);
  header.resize(wire::write_header(header.data(), spec, 2000));
  expect_failed_with(run_open(options, header), 1009);
  // And a message that grows too large over several frames.
  const std::string half(600, 'h');
  expect_failed_with(
      run_open(options, concat({client_frame(wire::opcode::binary, half, {.fin = false}),
                                client_frame(wire::opcode::continuation, half)})),
      1009);
}

TEST(ServerSessionFail, HugeDeclaredLengthsAreRefusedNotAllocated) {
  wire::frame_spec spec;
  spec.opcode = wire::opcode::binary;
  spec.mask = client_key;
  bytes header(wire::max_header_size);
  header.resize(wire::write_header(header.data(), spec, std::uint64_t{1} << 62));
  expect_failed_with(run_open({}, header), 1009);
}

TEST(ServerSessionFail, IgnoresEverythingAfterFailing) {
  server_session session;
  session.receive(concat({request_bytes(), client_frame(wire::opcode::text, "x", {.rsv2 = true})}));
  const auto first = session.take_output();
  session.receive(client_frame(wire::opcode::text, "after"));
  EXPECT_FALSE(session.has_output());
  EXPECT_FALSE(session.wants_input());
  EXPECT_FALSE(session.failure().empty());
  EXPECT_FALSE(first.empty());
}

// --- Closing handshake --------------------------------------------------------------------------

TEST(ServerSessionClose, EchoesTheCloseCodeAndClosesTcp) {
  for (std::uint16_t code : {1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999}) {
    SCOPED_TRACE(code);
    const auto out = run_open({}, close_frame(code, "bye"));
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(close_code_of(out.frames[0]), code);
    EXPECT_EQ(out.frames[0].payload.size(), 2u);
    EXPECT_TRUE(out.tcp_closed);
  }
}

TEST(ServerSessionClose, AnswersAnEmptyCloseWith1000) {
  const auto out = run_open({}, close_frame(std::nullopt));
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(close_code_of(out.frames[0]), 1000);
  EXPECT_TRUE(out.tcp_closed);
}

TEST(ServerSessionClose, RefusesInvalidCodesAndLengthsWith1002) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    SCOPED_TRACE(code);
    expect_failed_with(run_open({}, close_frame(code)), 1002);
  }
  expect_failed_with(run_open({}, client_frame(wire::opcode::close, "\x03")), 1002);
}

TEST(ServerSessionClose, RefusesAnInvalidUtf8ReasonWith1007) {
  expect_failed_with(run_open({}, close_frame(1000, "\xff")), 1007);
}

TEST(ServerSessionClose, SendsNothingAfterTheClose) {
  const auto out = run_open({}, concat({close_frame(1000), client_frame(wire::opcode::text, "x")}));
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(out.frames[0].header.opcode, wire::opcode::close);
}

TEST(ServerSessionClose, ClosesTcpWhenThePeerDoes) {
  const auto out = run_open({}, {}, true);
  EXPECT_TRUE(out.frames.empty());
  EXPECT_TRUE(out.tcp_closed);
}

// --- Faults -------------------------------------------------------------------------------------

TEST(Faults, EveryFaultHasANameADescriptionAndARoundTrip) {
  const auto faults = reference::all_faults();
  ASSERT_EQ(faults.size(), reference::fault_count);
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    EXPECT_FALSE(faults[i].description.empty()) << faults[i].name;
    EXPECT_NE(faults[i].description.find("§"), std::string_view::npos) << faults[i].name;
    EXPECT_TRUE(names.insert(faults[i].name).second) << "duplicate " << faults[i].name;
    EXPECT_EQ(reference::fault_from_name(faults[i].name), static_cast<fault>(i));
  }
}

TEST(Faults, ParseFaultsRejectsUnknownNames) {
  const auto set = reference::parse_faults({"no-pong", "mask-server-frames"});
  EXPECT_TRUE(set.has(fault::no_pong));
  EXPECT_TRUE(set.has(fault::mask_server_frames));
  EXPECT_FALSE(set.has(fault::binary_as_text));
  EXPECT_EQ(set.names(), (std::vector<std::string_view>{"no-pong", "mask-server-frames"}));
  try {
    reference::parse_faults({"no-pong", "no-such-fault"});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(),
                 "unknown fault 'no-such-fault' (wsprobe serve --list-faults lists them)");
  }
}

// One way to trigger each fault, and what the faulty server does instead of the strict one.
struct fault_trigger {
  std::string_view name;
  bytes request = request_bytes();
  bytes after;  // sent after the request, followed by the client's EOF
  // Checks both answers; the table test also requires them to differ byte for byte.
  std::function<void(const server_output& strict, const server_output& faulty)> check;
};

bytes ping_sync() {
  return client_frame(wire::opcode::ping, "sync");
}

bool has_pong(const server_output& out, std::string_view payload) {
  for (const auto& f : out.frames) {
    if (f.header.opcode == wire::opcode::pong && payload_text(f) == payload) return true;
  }
  return false;
}

std::vector<fault_trigger> fault_triggers() {
  using wire::opcode::binary, wire::opcode::text, wire::opcode::ping;
  auto request_version = [](std::string_view v) {
    auto r = client_request();
    r.headers.set("Sec-WebSocket-Version", v);
    return request_bytes(r);
  };
  std::vector<fault_trigger> t;
  t.push_back({"accept-unmasked", request_bytes(), client_frame(text, "hi", {.masked = false}),
               [](auto& s, auto& f) {
                 expect_failed_with(s, 1002);
                 ASSERT_EQ(f.frames.size(), 1u);
                 EXPECT_EQ(payload_text(f.frames[0]), "hi");
               }});
  t.push_back({"no-utf8-check", request_bytes(), client_frame(text, "bad \xed\xa0\x80"),
               [](auto& s, auto& f) {
                 expect_failed_with(s, 1007);
                 ASSERT_EQ(f.frames.size(), 1u);
                 EXPECT_EQ(payload_text(f.frames[0]), "bad \xed\xa0\x80");
               }});
  t.push_back({"utf8-not-fail-fast", request_bytes(), client_frame(text, "ab\xff", {.fin = false}),
               [](auto& s, auto& f) {
                 expect_failed_with(s, 1007);
                 EXPECT_TRUE(f.frames.empty());  // still waiting for the end of the message
               }});
  t.push_back({"ignore-rsv", request_bytes(), client_frame(text, "rsv", {.rsv2 = true}),
               [](auto& s, auto& f) {
                 expect_failed_with(s, 1002);
                 ASSERT_EQ(f.frames.size(), 1u);
                 EXPECT_EQ(payload_text(f.frames[0]), "rsv");
               }});
  t.push_back({"ignore-reserved-opcode", request_bytes(),
               concat({client_frame(5, "r"), ping_sync()}), [](auto& s, auto& f) {
                 expect_failed_with(s, 1002);
                 ASSERT_EQ(f.frames.size(), 1u);
                 EXPECT_TRUE(has_pong(f, "sync"));
               }});
  t.push_back(
      {"wrong-pong-payload", request_bytes(), client_frame(ping, "abc"), [](auto& s, auto& f) {
         EXPECT_TRUE(has_pong(s, "abc"));
         ASSERT_EQ(f.frames.size(), 1u);
         EXPECT_EQ(f.frames[0].header.opcode, wire::opcode::pong);
         EXPECT_NE(payload_text(f.frames[0]), "abc");
       }});
  t.push_back({"no-pong", request_bytes(),
               concat({client_frame(ping, "abc"), client_frame(text, "sync")}),
               [](auto& s, auto& f) {
                 EXPECT_TRUE(has_pong(s, "abc"));
                 ASSERT_EQ(f.frames.size(), 1u);
                 EXPECT_EQ(f.frames[0].header.opcode, wire::opcode::text);
               }});
  t.push_back({"long-control-ok", request_bytes(), client_frame(ping, std::string(126, 'L')),
               [](auto& s, auto& f) {
                 expect_failed_with(s, 1002);
                 EXPECT_TRUE(has_pong(f, std::string(126, 'L')));
               }});
  t.push_back({"fragmented-control-ok", request_bytes(), client_frame(ping, "nf", {.fin = false}),
               [](auto& s, auto& f) {
                 expect_failed_with(s, 1002);
                 EXPECT_TRUE(has_pong(f, "nf"));
               }});
  t.push_back(
      {"accept-invalid-close-code", request_bytes(), close_frame(1005), [](auto& s, auto& f) {
         expect_failed_with(s, 1002);
         ASSERT_EQ(f.frames.size(), 1u);
         EXPECT_EQ(close_code_of(f.frames[0]), 1005);
       }});
  t.push_back({"close-len1-ok", request_bytes(), client_frame(wire::opcode::close, "\x03"),
               [](auto& s, auto& f) {
                 expect_failed_with(s, 1002);
                 ASSERT_EQ(f.frames.size(), 1u);
                 EXPECT_EQ(f.frames[0].payload, bytes{0x03});
               }});
  t.push_back({"no-close-reply", request_bytes(), close_frame(1000), [](auto& s, auto& f) {
                 ASSERT_EQ(s.frames.size(), 1u);
                 EXPECT_EQ(close_code_of(s.frames[0]), 1000);
                 EXPECT_TRUE(f.frames.empty());
                 EXPECT_TRUE(f.tcp_closed);  // only because the client went away
               }});
  t.push_back({"bad-accept-key", request_bytes(), {}, [](auto& s, auto& f) {
                 ASSERT_TRUE(s.response && f.response);
                 EXPECT_EQ(f.response->status, 101u);
                 const auto* accept = f.response->headers.find("Sec-WebSocket-Accept");
                 ASSERT_NE(accept, nullptr);
                 EXPECT_NE(*accept, wire::compute_accept(test_key));
                 EXPECT_EQ(*s.response->headers.find("Sec-WebSocket-Accept"),
                           wire::compute_accept(test_key));
               }});
  t.push_back({"no-version-check", request_version("12"), {}, [](auto& s, auto& f) {
                 ASSERT_TRUE(s.response && f.response);
                 EXPECT_EQ(s.response->status, 426u);
                 EXPECT_EQ(f.response->status, 101u);
               }});
  t.push_back({"nonminimal-length-ok", request_bytes(),
               client_frame(text, "nm", {.form = wire::length_form::len16}), [](auto& s, auto& f) {
                 expect_failed_with(s, 1002);
                 ASSERT_EQ(f.frames.size(), 1u);
                 EXPECT_EQ(payload_text(f.frames[0]), "nm");
               }});
  t.push_back({"orphan-continuation-ok", request_bytes(),
               concat({client_frame(wire::opcode::continuation, "o"), ping_sync()}),
               [](auto& s, auto& f) {
                 expect_failed_with(s, 1002);
                 EXPECT_TRUE(has_pong(f, "sync"));
               }});
  t.push_back({"interleaved-message-ok", request_bytes(),
               concat({client_frame(text, "first", {.fin = false}), client_frame(text, "second")}),
               [](auto& s, auto& f) {
                 expect_failed_with(s, 1002);
                 ASSERT_FALSE(f.frames.empty());
                 EXPECT_EQ(payload_text(f.frames.back()), "second");
               }});
  t.push_back({"mask-server-frames", request_bytes(), client_frame(binary, "mask me"),
               [](auto& s, auto& f) {
                 ASSERT_EQ(s.frames.size(), 1u);
                 EXPECT_FALSE(s.frames[0].header.masked);
                 ASSERT_EQ(f.frames.size(), 1u);
                 EXPECT_TRUE(f.frames[0].header.masked);
                 EXPECT_EQ(payload_text(f.frames[0]), "mask me");
               }});
  t.push_back(
      {"binary-as-text", request_bytes(), client_frame(binary, "bin"), [](auto& s, auto& f) {
         ASSERT_EQ(s.frames.size(), 1u);
         EXPECT_EQ(s.frames[0].header.opcode, wire::opcode::binary);
         ASSERT_EQ(f.frames.size(), 1u);
         EXPECT_EQ(f.frames[0].header.opcode, wire::opcode::text);
       }});
  return t;
}

TEST(Faults, TheTriggerTableCoversEveryFault) {
  std::set<std::string_view> covered;
  for (const auto& t : fault_triggers()) covered.insert(t.name);
  for (const auto& info : reference::all_faults()) {
    EXPECT_TRUE(covered.contains(info.name)) << "no trigger for fault " << info.name;
  }
  EXPECT_EQ(covered.size(), reference::all_faults().size());
}

TEST(Faults, EachFaultChangesTheWireBytes) {
  for (const auto& t : fault_triggers()) {
    SCOPED_TRACE(std::string(t.name));
    const auto f = reference::fault_from_name(t.name);
    ASSERT_TRUE(f);
    server_session strict;
    server_session faulty(options_with({*f}));
    for (auto* s : {&strict, &faulty}) {
      s->receive(t.request);
      s->receive(t.after);
      s->receive_eof();
    }
    const auto strict_bytes = strict.take_output();
    const auto faulty_bytes = faulty.take_output();
    EXPECT_NE(strict_bytes, faulty_bytes);
    t.check(parse_output(strict_bytes, true), parse_output(faulty_bytes, true));
  }
}

TEST(Faults, AFaultLeavesTheOtherRulesStrict) {
  // Each fault relaxes one rule only: an unmasked frame is still refused under every fault but
  // accept-unmasked, and a good exchange is still echoed under every fault that does not change
  // echoes.
  for (const auto& info : reference::all_faults()) {
    SCOPED_TRACE(std::string(info.name));
    const auto f = *reference::fault_from_name(info.name);
    const auto options = options_with({f});
    if (f != fault::accept_unmasked) {
      auto out = run_open(options, client_frame(wire::opcode::text, "x", {.masked = false}));
      ASSERT_FALSE(out.frames.empty());
      EXPECT_EQ(close_code_of(out.frames.back()), 1002);
      EXPECT_TRUE(out.tcp_closed);
    }
    auto out = run_open(options, client_frame(wire::opcode::text, "fine"));
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(payload_text(out.frames[0]), "fine");
  }
}

}  // namespace
