// Frame decoder: RFC 6455 §5.7 examples, round trips at every length boundary, every split
// point, and every violation with its reason and close code.
#include "harness/wire/frame_decoder.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string_view>
#include <vector>

#include "harness/wire/frame_encoder.hpp"

namespace wsprobe::wire {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

struct decoded {
  std::vector<frame> frames;
  std::optional<decode_error> error;
  std::size_t payload_events = 0;
};

// Feeds `wire` to a decoder in pieces that end at each offset in `cuts`, collecting frames.
decoded decode(const decoder_options& options, bytes wire, const std::vector<std::size_t>& cuts) {
  frame_decoder d(options);
  decoded out;
  std::optional<frame> current;
  std::size_t start = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(wire.size());
  for (std::size_t end : ends) {
    if (end < start) continue;
    std::span<std::uint8_t> piece(wire.data() + start, end - start);
    std::size_t pos = 0;
    for (;;) {
      std::size_t used = 0;
      auto ev = d.next(piece.subspan(pos), used);
      pos += used;
      if (ev.kind == frame_decoder::event_kind::need_more) break;
      if (ev.kind == frame_decoder::event_kind::error) {
        out.error = d.error();
        return out;
      }
      if (ev.kind == frame_decoder::event_kind::header) {
        current = frame{d.header(), {}};
      } else if (ev.kind == frame_decoder::event_kind::payload) {
        ++out.payload_events;
        current->payload.insert(current->payload.end(), ev.payload.begin(), ev.payload.end());
      } else {
        out.frames.push_back(std::move(*current));
        current.reset();
      }
    }
    EXPECT_EQ(pos, piece.size());
    start = end;
  }
  return out;
}

decoded decode(const decoder_options& options, bytes wire) {
  return decode(options, std::move(wire), {});
}

decoder_options client_side() {
  decoder_options o;
  o.local_role = role::client;
  return o;
}

const masking_key rfc_key = {0x37, 0xfa, 0x21, 0x3d};

TEST(FrameDecoder, Rfc6455UnmaskedTextAsClient) {
  auto r = decode(client_side(), {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_TRUE(r.frames[0].header.fin);
  EXPECT_EQ(r.frames[0].header.opcode, opcode::text);
  EXPECT_FALSE(r.frames[0].header.masked);
  EXPECT_EQ(r.frames[0].header.header_size, 2);
  EXPECT_EQ(r.frames[0].payload, to_bytes("Hello"));
}

TEST(FrameDecoder, Rfc6455MaskedTextAsServer) {
  auto r = decode({}, {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_TRUE(r.frames[0].header.masked);
  EXPECT_EQ(r.frames[0].header.key, rfc_key);
  EXPECT_EQ(r.frames[0].header.header_size, 6);
  EXPECT_EQ(r.frames[0].payload, to_bytes("Hello"));
}

TEST(FrameDecoder, Rfc6455FragmentedText) {
  auto r = decode(client_side(), {0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_FALSE(r.frames[0].header.fin);
  EXPECT_EQ(r.frames[0].header.opcode, opcode::text);
  EXPECT_EQ(r.frames[0].payload, to_bytes("Hel"));
  EXPECT_TRUE(r.frames[1].header.fin);
  EXPECT_EQ(r.frames[1].header.opcode, opcode::continuation);
  EXPECT_EQ(r.frames[1].payload, to_bytes("lo"));
}

TEST(FrameDecoder, Rfc6455PingAndMaskedPong) {
  auto ping = decode(client_side(), {0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  ASSERT_EQ(ping.frames.size(), 1u);
  EXPECT_EQ(ping.frames[0].header.opcode, opcode::ping);
  EXPECT_EQ(ping.frames[0].payload, to_bytes("Hello"));
  auto pong = decode({}, {0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  ASSERT_EQ(pong.frames.size(), 1u);
  EXPECT_EQ(pong.frames[0].header.opcode, opcode::pong);
  EXPECT_EQ(pong.frames[0].payload, to_bytes("Hello"));
}

TEST(FrameDecoder, Rfc6455Binary256And64KiB) {
  bytes wire = {0x82, 0x7E, 0x01, 0x00};
  wire.resize(4 + 256, 0x11);
  auto r = decode(client_side(), wire);
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0].header.payload_length, 256u);
  EXPECT_EQ(r.frames[0].header.header_size, 4);
  EXPECT_EQ(r.frames[0].payload, bytes(256, 0x11));

  wire = {0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
  wire.resize(10 + 65536, 0x22);
  r = decode(client_side(), wire);
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0].header.payload_length, 65536u);
  EXPECT_EQ(r.frames[0].header.header_size, 10);
  EXPECT_EQ(r.frames[0].payload, bytes(65536, 0x22));
}

TEST(FrameDecoder, RoundTripAtEveryLengthBoundary) {
  for (std::size_t size : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 70000u}) {
    for (bool masked : {false, true}) {
      bytes payload(size);
      for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i * 31 + 5);
      frame_spec spec;
      spec.opcode = opcode::binary;
      if (masked) spec.mask = masking_key{0xde, 0xad, 0xbe, 0xef};
      decoder_options o;
      o.local_role = masked ? role::server : role::client;
      auto r = decode(o, encode_frame(spec, payload));
      ASSERT_FALSE(r.error) << size << " " << r.error->reason;
      ASSERT_EQ(r.frames.size(), 1u);
      EXPECT_EQ(r.frames[0].header.payload_length, size);
      EXPECT_EQ(r.frames[0].header.masked, masked);
      EXPECT_EQ(r.frames[0].payload, payload) << size;
      EXPECT_EQ(r.payload_events, size == 0 ? 0u : 1u);
    }
  }
}

TEST(FrameDecoder, DeclaredFourGiBHeaderWithoutPayload) {
  frame_spec spec;
  spec.opcode = opcode::binary;
  std::uint8_t header[max_header_size];
  const std::uint64_t four_gib = std::uint64_t{1} << 32;
  const auto n = write_header(header, spec, four_gib);
  decoder_options o = client_side();
  o.max_frame_payload = four_gib;
  frame_decoder d(o);
  std::size_t used = 0;
  auto ev = d.next({header, n}, used);
  ASSERT_EQ(ev.kind, frame_decoder::event_kind::header);
  EXPECT_EQ(used, n);
  EXPECT_EQ(d.header().payload_length, four_gib);
  EXPECT_EQ(d.header().header_size, 10);
  // The payload has not arrived: the decoder waits for it.
  ev = d.next({}, used);
  EXPECT_EQ(ev.kind, frame_decoder::event_kind::need_more);
  bytes piece(1000, 0x7);
  ev = d.next(piece, used);
  ASSERT_EQ(ev.kind, frame_decoder::event_kind::payload);
  EXPECT_EQ(ev.payload.size(), 1000u);
}

bytes three_frame_stream() {
  bytes wire;
  frame_spec first;
  first.fin = false;
  first.mask = masking_key{1, 2, 3, 4};
  encode_frame(first, to_bytes("Hello, "), wire);
  frame_spec ping;
  ping.opcode = opcode::ping;
  ping.mask = masking_key{9, 8, 7, 6};
  encode_frame(ping, {}, wire);
  frame_spec last;
  last.opcode = opcode::continuation;
  last.mask = masking_key{0xff, 0x00, 0xaa, 0x55};
  bytes big(300, 'w');
  encode_frame(last, big, wire);
  return wire;
}

void expect_three_frames(const decoded& r) {
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.frames.size(), 3u);
  EXPECT_EQ(r.frames[0].payload, to_bytes("Hello, "));
  EXPECT_EQ(r.frames[1].header.opcode, opcode::ping);
  EXPECT_TRUE(r.frames[1].payload.empty());
  EXPECT_EQ(r.frames[2].header.payload_length, 300u);
  EXPECT_EQ(r.frames[2].payload, bytes(300, 'w'));
}

TEST(FrameDecoder, SplitAtEveryBytePosition) {
  const bytes wire = three_frame_stream();
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    SCOPED_TRACE(cut);
    expect_three_frames(decode({}, wire, {cut}));
  }
}

TEST(FrameDecoder, OneByteAtATime) {
  const bytes wire = three_frame_stream();
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < wire.size(); ++i) cuts.push_back(i);
  auto r = decode({}, wire, cuts);
  expect_three_frames(r);
  EXPECT_EQ(r.payload_events, 7u + 300u);  // one event per byte of payload
}

TEST(FrameDecoder, PayloadIsStreamedBeforeTheFrameEnds) {
  frame_spec spec;
  spec.mask = masking_key{0x10, 0x20, 0x30, 0x40};
  bytes wire = encode_frame(spec, to_bytes("abcdefgh"));
  frame_decoder d;
  std::size_t used = 0;
  std::span<std::uint8_t> all(wire);
  auto ev = d.next(all.first(9), used);  // header (6) and three payload bytes
  ASSERT_EQ(ev.kind, frame_decoder::event_kind::header);
  ev = d.next(all.subspan(6, 3), used);
  ASSERT_EQ(ev.kind, frame_decoder::event_kind::payload);
  EXPECT_EQ(bytes(ev.payload.begin(), ev.payload.end()), to_bytes("abc"));
  EXPECT_EQ(ev.payload.data(), wire.data() + 6);  // unmasked in place
  ev = d.next(all.subspan(9), used);
  ASSERT_EQ(ev.kind, frame_decoder::event_kind::payload);
  EXPECT_EQ(bytes(ev.payload.begin(), ev.payload.end()), to_bytes("defgh"));  // phase carried
  ev = d.next(all.subspan(14), used);
  EXPECT_EQ(ev.kind, frame_decoder::event_kind::frame_end);
}

// --- violations: each one reported with a reason and the close code it calls for -------------

void expect_error(const decoder_options& o, const bytes& wire, std::uint16_t code) {
  auto r = decode(o, wire);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_FALSE(r.error->reason.empty());
  EXPECT_EQ(r.error->close_code, code) << r.error->reason;
  EXPECT_TRUE(r.frames.empty());
}

TEST(FrameDecoderErrors, ReservedRsvBits) {
  expect_error(client_side(), {0xC1, 0x00}, 1002);  // RSV1
  expect_error(client_side(), {0xA1, 0x00}, 1002);  // RSV2
  expect_error(client_side(), {0x91, 0x00}, 1002);  // RSV3
}

TEST(FrameDecoderErrors, NegotiatedRsv1IsAllowed) {
  decoder_options o = client_side();
  o.allow_rsv1 = true;
  auto r = decode(o, {0xC1, 0x01, 'x'});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_TRUE(r.frames[0].header.rsv1);
  expect_error(o, {0xA1, 0x00}, 1002);  // RSV2 still is not
}

TEST(FrameDecoderErrors, ReservedOpcodes) {
  for (std::uint8_t op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    SCOPED_TRACE(int(op));
    expect_error(client_side(), {static_cast<std::uint8_t>(0x80 | op), 0x00}, 1002);
  }
}

TEST(FrameDecoderErrors, UnmaskedFrameFromClient) {
  expect_error({}, {0x81, 0x01, 'x'}, 1002);
}

TEST(FrameDecoderErrors, MaskedFrameFromServer) {
  expect_error(client_side(), {0x81, 0x81, 1, 2, 3, 4, 'x' ^ 1}, 1002);
}

TEST(FrameDecoderErrors, ControlFrameOver125Bytes) {
  frame_spec spec;
  spec.opcode = opcode::ping;
  expect_error(client_side(), encode_frame(spec, bytes(126, 0)), 1002);
  spec.opcode = opcode::close;
  expect_error(client_side(), encode_frame(spec, bytes(70000, 0)), 1002);
  // 125 is fine.
  spec.opcode = opcode::pong;
  EXPECT_FALSE(decode(client_side(), encode_frame(spec, bytes(125, 0))).error);
}

TEST(FrameDecoderErrors, FragmentedControlFrame) {
  expect_error(client_side(), {0x09, 0x00}, 1002);  // ping without FIN
  expect_error(client_side(), {0x08, 0x00}, 1002);  // close without FIN
}

TEST(FrameDecoderErrors, NonMinimal16BitLength) {
  expect_error(client_side(), {0x82, 0x7E, 0x00, 0x7D}, 1002);
}

TEST(FrameDecoderErrors, NonMinimal64BitLength) {
  expect_error(client_side(), {0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 1002);
  expect_error(client_side(), {0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0x05}, 1002);
}

TEST(FrameDecoderErrors, LengthWithMostSignificantBit) {
  frame_spec spec;
  spec.opcode = opcode::binary;
  spec.length_msb = true;
  expect_error(client_side(), encode_frame(spec, {}), 1002);
}

TEST(FrameDecoderErrors, FrameLargerThanTheLimit) {
  decoder_options o = client_side();
  o.max_frame_payload = 1000;
  frame_spec spec;
  spec.opcode = opcode::binary;
  expect_error(o, encode_frame(spec, bytes(1001, 0)), 1009);
  EXPECT_FALSE(decode(o, encode_frame(spec, bytes(1000, 0))).error);
}

TEST(FrameDecoderErrors, HeaderErrorsDoNotWaitForThePayload) {
  decoder_options o = client_side();
  o.max_frame_payload = 1000;
  frame_decoder d(o);
  std::size_t used = 0;
  bytes header = {0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0};  // 65536 declared, nothing follows
  auto ev = d.next(header, used);
  ASSERT_EQ(ev.kind, frame_decoder::event_kind::error);
  EXPECT_EQ(d.error().close_code, 1009);
  // Reserved bits fail after two bytes even when a mask key and length would follow.
  frame_decoder d2;
  bytes two = {0xC2, 0xFF};
  ev = d2.next(two, used);
  ASSERT_EQ(ev.kind, frame_decoder::event_kind::error);
  EXPECT_EQ(d2.error().close_code, 1002);
}

TEST(FrameDecoderErrors, ErrorIsSticky) {
  frame_decoder d(client_side());
  bytes bad = {0xC1, 0x00};
  std::size_t used = 0;
  ASSERT_EQ(d.next(bad, used).kind, frame_decoder::event_kind::error);
  bytes good = {0x81, 0x00};
  EXPECT_EQ(d.next(good, used).kind, frame_decoder::event_kind::error);
  EXPECT_EQ(used, 0u);
  EXPECT_TRUE(d.failed());
}

TEST(FrameDecoderErrors, EveryRuleCanBeSwitchedOff) {
  decoder_options o = client_side();
  o.require_mask_direction = false;
  o.reject_reserved_opcodes = false;
  o.reject_nonminimal_length = false;
  o.reject_long_control = false;
  o.reject_fragmented_control = false;
  o.reject_length_msb = false;
  o.allow_rsv1 = o.allow_rsv2 = o.allow_rsv3 = true;
  bytes wire = {0xF3, 0x81, 0,    0,    0,   0,   'x',  // all RSV, opcode 3, masked from server
                0x09, 0x7E, 0x00, 0x02, 'a', 'b',       // fragmented ping, 16-bit form of 2
                0x82, 0x7F, 0,    0,    0,   0,   0,   0, 0, 1, 'z'};  // 64-bit form of 1
  frame_spec long_ping;
  long_ping.opcode = opcode::ping;
  encode_frame(long_ping, bytes(200, 'p'), wire);
  auto r = decode(o, wire);
  ASSERT_FALSE(r.error) << r.error->reason;
  ASSERT_EQ(r.frames.size(), 4u);
  EXPECT_EQ(r.frames[0].header.opcode, 3);
  EXPECT_EQ(r.frames[1].payload, to_bytes("ab"));
  EXPECT_EQ(r.frames[2].payload, to_bytes("z"));
  EXPECT_EQ(r.frames[3].payload.size(), 200u);

  frame_spec msb;
  msb.opcode = opcode::binary;
  msb.length_msb = true;
  o.max_frame_payload = ~std::uint64_t{0};
  frame_decoder d(o);
  bytes header = encode_frame(msb, {});
  std::size_t used = 0;
  ASSERT_EQ(d.next(header, used).kind, frame_decoder::event_kind::header);
  EXPECT_EQ(d.header().payload_length, std::uint64_t{1} << 63);
}

}  // namespace
}  // namespace wsprobe::wire
