// What our own bytes mean for the closing handshake (harness/run/outbound.hpp), and how steps
// held with "flush": false join the next write.
#include "harness/run/outbound.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wsprobe::run {
namespace {

cases::send_frame_step close_frame_step(std::vector<std::uint8_t> payload) {
  cases::send_frame_step s;
  s.opcode = wire::opcode::close;
  s.payload = cases::payload_spec::literal(std::move(payload));
  return s;
}

std::vector<std::uint8_t> close_payload(std::uint16_t code, std::size_t reason_bytes) {
  std::vector<std::uint8_t> p(2 + reason_bytes, '*');
  p[0] = static_cast<std::uint8_t>(code >> 8);
  p[1] = static_cast<std::uint8_t>(code & 0xFF);
  return p;
}

// Any close frame we send starts the closing handshake from our side, whatever its payload
// (Autobahn counts closedByMe for 7.3.2, 7.3.6, 7.5.1, 7.9.x).
TEST(Outbound, MalformedClosePayloadStillCountsAsOurs) {
  const std::vector<std::vector<std::uint8_t>> payloads = {
      close_payload(1000, 124),        // 126 bytes: too long (7.3.6)
      {0x61},                          // 1 byte (7.3.2)
      close_payload(1004, 0),          // invalid code (7.9.x)
      {0x03, 0xe8, 0xed, 0xa0, 0x80},  // reason not UTF-8 (7.5.1)
      close_payload(1000, 70000),      // 64-bit length form
  };
  for (const auto& payload : payloads) {
    observation o;
    outbound out(o);
    const outgoing bytes = out.frame(close_frame_step(payload));
    EXPECT_FALSE(bytes.bytes.empty());
    EXPECT_TRUE(o.close_sent) << payload.size() << " bytes";
    EXPECT_EQ(o.initiator, close_initiator::us) << payload.size() << " bytes";
  }
  // send_close too, with a raw payload.
  observation o;
  outbound out(o);
  cases::send_close_step s;
  s.payload = cases::payload_spec::literal(close_payload(1000, 124));
  out.close(s);
  EXPECT_TRUE(o.close_sent);
  EXPECT_EQ(o.initiator, close_initiator::us);
  EXPECT_EQ(o.sent_close_code, 1000);
}

// A frame the peer cannot take for a close frame at all is a probe it must fail on.
TEST(Outbound, CloseFrameWithBrokenHeaderIsAProbe) {
  std::vector<cases::send_frame_step> probes;
  probes.push_back(close_frame_step(close_payload(1000, 0)));
  probes.back().mask.mode = cases::mask_mode::none;
  probes.push_back(close_frame_step({}));
  probes.back().rsv1 = probes.back().rsv2 = probes.back().rsv3 = true;
  probes.push_back(close_frame_step(close_payload(1000, 0)));
  probes.back().fin = false;
  probes.push_back(close_frame_step(close_payload(1000, 0)));
  probes.back().length_form = wire::length_form::len16;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    observation o;
    outbound out(o);
    out.frame(probes[i]);
    EXPECT_FALSE(o.close_sent) << "probe " << i;
    EXPECT_EQ(o.initiator, close_initiator::none) << "probe " << i;
  }
}

TEST(Outbound, HeldBytesGoInFrontOfTheNextWrite) {
  observation o;
  outbound out(o);
  cases::send_frame_step first;
  first.opcode = wire::opcode::text;
  first.fin = false;
  first.payload = cases::payload_spec::text("frag");
  cases::send_raw_step raw;
  raw.payload = cases::payload_spec::literal({0x80, 0x00});
  raw.chunk = 1;
  const outgoing a = out.frame(first);
  const outgoing b = out.raw(raw);
  const outgoing joined = join(a, b);
  std::vector<std::uint8_t> expected = a.bytes;
  expected.insert(expected.end(), b.bytes.begin(), b.bytes.end());
  EXPECT_EQ(joined.bytes, expected);
  EXPECT_EQ(joined.chunk, 1u);  // the last step's chunking applies to the one write
  const auto pieces = joined.log_pieces();
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].size, a.bytes.size());
  EXPECT_FALSE(pieces[0].raw);
  EXPECT_EQ(pieces[1].size, 2u);
  EXPECT_TRUE(pieces[1].raw);
  // Joining again keeps every piece.
  EXPECT_EQ(join(joined, a).log_pieces().size(), 3u);
}

}  // namespace
}  // namespace wsprobe::run
