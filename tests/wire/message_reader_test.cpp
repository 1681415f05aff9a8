// Message reader: fragmentation (§5.4), control frames between fragments, close payloads
// (§5.5.1, §7.4), UTF-8 of text across fragments with fail-fast (§8.1), size limit, switches.
#include "harness/wire/message_reader.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "harness/wire/frame_encoder.hpp"

namespace wsprobe::wire {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

// Frames as a client sends them (masked), for a reader in the server role.
struct wire_builder {
  bytes out;
  wire_builder& add(std::uint8_t op, std::string_view payload, bool fin = true, bool rsv1 = false) {
    frame_spec spec;
    spec.opcode = op;
    spec.fin = fin;
    spec.rsv1 = rsv1;
    spec.mask = masking_key{0x12, 0x34, 0x56, 0x78};
    encode_frame(spec, to_bytes(payload), out);
    return *this;
  }
  wire_builder& add(std::uint8_t op, const bytes& payload, bool fin = true) {
    frame_spec spec;
    spec.opcode = op;
    spec.fin = fin;
    spec.mask = masking_key{0x9a, 0xbc, 0xde, 0xf0};
    encode_frame(spec, payload, out);
    return *this;
  }
};

std::vector<message_event> read_all(message_reader& r, const bytes& wire, std::size_t chunk = 0) {
  std::vector<message_event> events;
  if (chunk == 0) chunk = wire.size() == 0 ? 1 : wire.size();
  for (std::size_t pos = 0; pos < wire.size(); pos += chunk) {
    r.feed(std::span<const std::uint8_t>(wire).subspan(pos, std::min(chunk, wire.size() - pos)));
    message_event e;
    while (r.next(e)) events.push_back(std::move(e));
  }
  return events;
}

std::vector<message_event> read_all(const bytes& wire, message_rules rules = {},
                                    std::size_t chunk = 0) {
  message_reader r({}, rules);
  return read_all(r, wire, chunk);
}

void expect_failure(const std::vector<message_event>& events, std::uint16_t code) {
  ASSERT_FALSE(events.empty());
  const auto& last = events.back();
  ASSERT_EQ(last.type, message_event::kind::error);
  EXPECT_FALSE(last.error.reason.empty());
  EXPECT_EQ(last.error.close_code, code) << last.error.reason;
}

TEST(MessageReader, SingleFrameText) {
  auto ev = read_all(wire_builder{}.add(opcode::text, "Hello").out);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, message_event::kind::message);
  EXPECT_EQ(ev[0].opcode, opcode::text);
  EXPECT_EQ(ev[0].payload, to_bytes("Hello"));
  EXPECT_EQ(ev[0].frames, 1u);
}

TEST(MessageReader, FragmentedWithControlFramesBetween) {
  auto wire = wire_builder{}
                  .add(opcode::text, "Hel", false)
                  .add(opcode::ping, "p1")
                  .add(opcode::continuation, "l", false)
                  .add(opcode::pong, "")
                  .add(opcode::continuation, "o")
                  .out;
  for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{5}}) {
    SCOPED_TRACE(chunk);
    auto ev = read_all(wire, {}, chunk);
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(ev[0].type, message_event::kind::ping);
    EXPECT_EQ(ev[0].payload, to_bytes("p1"));
    EXPECT_EQ(ev[1].type, message_event::kind::pong);
    EXPECT_EQ(ev[2].type, message_event::kind::message);
    EXPECT_EQ(ev[2].payload, to_bytes("Hello"));
    EXPECT_EQ(ev[2].frames, 3u);
  }
}

TEST(MessageReader, EmptyMessagesAndBinary) {
  auto ev = read_all(wire_builder{}
                         .add(opcode::text, "")
                         .add(opcode::binary, bytes{0xFF, 0xFE}, false)
                         .add(opcode::continuation, "")
                         .out);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(ev[0].payload.empty());
  EXPECT_EQ(ev[1].opcode, opcode::binary);
  EXPECT_EQ(ev[1].payload, (bytes{0xFF, 0xFE}));  // binary is never checked as UTF-8
}

TEST(MessageReader, OrphanContinuation) {
  expect_failure(read_all(wire_builder{}.add(opcode::continuation, "x").out), 1002);
}

TEST(MessageReader, NewDataFrameWhileMessageOpen) {
  expect_failure(read_all(wire_builder{}.add(opcode::text, "a", false).add(opcode::text, "b").out),
                 1002);
  expect_failure(
      read_all(wire_builder{}.add(opcode::binary, "a", false).add(opcode::text, "b").out), 1002);
}

TEST(MessageReader, CloseWithCodeAndReason) {
  auto ev = read_all(wire_builder{}.add(opcode::close, build_close_payload(1001, "bye")).out);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, message_event::kind::close);
  EXPECT_EQ(ev[0].close.code, 1001);
  EXPECT_EQ(ev[0].close.reason, "bye");
  ev = read_all(wire_builder{}.add(opcode::close, "").out);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].close.code.has_value());
}

TEST(MessageReader, ClosePayloadRules) {
  expect_failure(read_all(wire_builder{}.add(opcode::close, bytes{0x03}).out), 1002);
  expect_failure(read_all(wire_builder{}.add(opcode::close, build_close_payload(1005)).out), 1002);
  expect_failure(read_all(wire_builder{}.add(opcode::close, build_close_payload(999)).out), 1002);
  expect_failure(
      read_all(wire_builder{}.add(opcode::close, build_close_payload(1000, "\xC0\xAF")).out), 1007);
  expect_failure(
      read_all(
          wire_builder{}.add(opcode::close, build_close_payload(1000, std::string(124, 'r'))).out),
      1002);  // 126 bytes: too long for a control frame
}

TEST(MessageReader, CloseChecksCanBeSwitchedOff) {
  message_rules rules;
  rules.check_close_payload = false;
  auto ev = read_all(wire_builder{}.add(opcode::close, build_close_payload(1005, "x")).out, rules);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, message_event::kind::close);
  EXPECT_EQ(ev[0].close.code, 1005);
  rules = {};
  rules.validate_utf8 = false;  // reason not checked, code still is
  ev = read_all(wire_builder{}.add(opcode::close, build_close_payload(1000, "\xFF")).out, rules);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, message_event::kind::close);
  expect_failure(
      read_all(wire_builder{}.add(opcode::close, build_close_payload(1004, "")).out, rules), 1002);
}

TEST(MessageReader, Utf8SplitAcrossFragmentsIsValid) {
  // "€" = E2 82 AC split over three frames.
  auto ev = read_all(wire_builder{}
                         .add(opcode::text, "a\xE2", false)
                         .add(opcode::continuation, "\x82", false)
                         .add(opcode::continuation,
                              "\xAC"
                              "b")
                         .out);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].payload, to_bytes("a\xE2\x82\xAC"
                                    "b"));
}

TEST(MessageReader, Utf8FailFastBeforeTheMessageEnds) {
  // The first fragment is impossible UTF-8; the second never arrives.
  message_reader r;
  auto ev = read_all(r, wire_builder{}.add(opcode::text, "ok\xF4\x90", false).out);
  expect_failure(ev, 1007);
  EXPECT_NE(ev.back().error.reason.find("byte 3"), std::string::npos) << ev.back().error.reason;
  // Fail-fast inside one frame: the bad byte fails before the frame's end has arrived.
  message_reader r2;
  bytes wire = wire_builder{}.add(opcode::text, std::string("ab\xC0") + std::string(50, 'z')).out;
  wire.resize(6 + 2 + 3);  // header and "ab\xC0" only
  expect_failure(read_all(r2, wire), 1007);
}

TEST(MessageReader, Utf8CheckedOnlyAtTheEndWithoutFailFast) {
  message_rules rules;
  rules.utf8_fail_fast = false;
  message_reader r({}, rules);
  auto ev = read_all(r, wire_builder{}.add(opcode::text, "ok\xF4\x90", false).out);
  EXPECT_TRUE(ev.empty());
  EXPECT_FALSE(r.failed());
  ev = read_all(r, wire_builder{}.add(opcode::continuation, "tail").out);
  expect_failure(ev, 1007);
}

TEST(MessageReader, TextEndingInsideASequence) {
  expect_failure(read_all(wire_builder{}.add(opcode::text, "abc\xE2\x82").out), 1007);
}

TEST(MessageReader, Utf8ValidationCanBeSwitchedOff) {
  message_rules rules;
  rules.validate_utf8 = false;
  auto ev = read_all(wire_builder{}.add(opcode::text, "\xFF\xFE").out, rules);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, message_event::kind::message);
}

TEST(MessageReader, CompressedTextIsNotCheckedAsUtf8) {
  decoder_options o;
  o.allow_rsv1 = true;
  message_reader r(o);
  auto ev = read_all(r, wire_builder{}.add(opcode::text, "\xFF\x00", true, true).out);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(ev[0].rsv1);
}

TEST(MessageReader, MessageSizeLimit) {
  message_rules rules;
  rules.max_message_size = 10;
  expect_failure(read_all(wire_builder{}.add(opcode::binary, bytes(11, 0)).out, rules), 1009);
  expect_failure(
      read_all(
          wire_builder{}.add(opcode::text, "123456", false).add(opcode::continuation, "78901").out,
          rules),
      1009);
  auto ev = read_all(
      wire_builder{}.add(opcode::text, "12345", false).add(opcode::continuation, "67890").out,
      rules);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].payload.size(), 10u);
}

TEST(MessageReader, FrameDecoderErrorsComeThrough) {
  bytes unmasked = {0x81, 0x01, 'x'};
  expect_failure(read_all(unmasked), 1002);
  decoder_options o;
  o.max_frame_payload = 4;
  message_reader r(o);
  expect_failure(read_all(r, wire_builder{}.add(opcode::binary, bytes(5, 1)).out), 1009);
}

TEST(MessageReader, NoEventsAfterAnError) {
  message_reader r;
  auto ev =
      read_all(r, wire_builder{}.add(opcode::continuation, "x").add(opcode::text, "later").out);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(r.failed());
  ev = read_all(r, wire_builder{}.add(opcode::text, "more").out);
  EXPECT_TRUE(ev.empty());
}

TEST(MessageReader, FragmentationRulesCanBeSwitchedOff) {
  message_rules rules;
  rules.reject_orphan_continuation = false;
  rules.reject_interleaved_message = false;
  auto ev = read_all(wire_builder{}
                         .add(opcode::continuation, "orphan")
                         .add(opcode::text, "a", false)
                         .add(opcode::text, "b")
                         .out,
                     rules);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].opcode, opcode::binary);
  EXPECT_EQ(ev[0].payload, to_bytes("orphan"));
  EXPECT_EQ(ev[1].payload, to_bytes("b"));  // the interrupted message is dropped
}

TEST(MessageReader, ClientRoleReadsUnmaskedFrames) {
  decoder_options o;
  o.local_role = role::client;
  message_reader r(o);
  bytes wire = {0x01, 0x03, 0x48, 0x65, 0x6c, 0x89, 0x00, 0x80, 0x02, 0x6c, 0x6f};
  auto ev = read_all(r, wire, 1);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].type, message_event::kind::ping);
  EXPECT_EQ(ev[1].payload, to_bytes("Hello"));
  message_reader r2(o);
  expect_failure(read_all(r2, wire_builder{}.add(opcode::text, "masked").out), 1002);
}

}  // namespace
}  // namespace wsprobe::wire
