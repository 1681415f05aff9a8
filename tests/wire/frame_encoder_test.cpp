// Frame encoder: RFC 6455 §5.7 examples byte for byte, and every bit pattern a negative test needs.
#include "harness/wire/frame_encoder.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace wsprobe::wire {
namespace {

using bytes = std::vector<std::uint8_t>;

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

const masking_key rfc_key = {0x37, 0xfa, 0x21, 0x3d};

TEST(FrameEncoder, Rfc6455SingleFrameUnmaskedText) {
  frame_spec spec;
  EXPECT_EQ(encode_frame(spec, as_bytes("Hello")),
            (bytes{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
}

TEST(FrameEncoder, Rfc6455SingleFrameMaskedText) {
  frame_spec spec;
  spec.mask = rfc_key;
  EXPECT_EQ(encode_frame(spec, as_bytes("Hello")),
            (bytes{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(FrameEncoder, Rfc6455FragmentedUnmaskedText) {
  frame_spec first;
  first.fin = false;
  frame_spec last;
  last.opcode = opcode::continuation;
  bytes out;
  encode_frame(first, as_bytes("Hel"), out);
  encode_frame(last, as_bytes("lo"), out);
  EXPECT_EQ(out, (bytes{0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
}

TEST(FrameEncoder, Rfc6455UnmaskedPingAndMaskedPong) {
  frame_spec ping;
  ping.opcode = opcode::ping;
  EXPECT_EQ(encode_frame(ping, as_bytes("Hello")),
            (bytes{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  frame_spec pong;
  pong.opcode = opcode::pong;
  pong.mask = rfc_key;
  EXPECT_EQ(encode_frame(pong, as_bytes("Hello")),
            (bytes{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(FrameEncoder, Rfc6455Binary256Bytes) {
  frame_spec spec;
  spec.opcode = opcode::binary;
  bytes payload(256, 0xAB);
  auto out = encode_frame(spec, payload);
  ASSERT_EQ(out.size(), 4u + 256u);
  EXPECT_EQ((bytes(out.begin(), out.begin() + 4)), (bytes{0x82, 0x7E, 0x01, 0x00}));
  EXPECT_EQ((bytes(out.begin() + 4, out.end())), payload);
}

TEST(FrameEncoder, Rfc6455Binary64KiB) {
  frame_spec spec;
  spec.opcode = opcode::binary;
  bytes payload(65536, 0x5A);
  auto out = encode_frame(spec, payload);
  ASSERT_EQ(out.size(), 10u + 65536u);
  EXPECT_EQ((bytes(out.begin(), out.begin() + 10)),
            (bytes{0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
  EXPECT_EQ(out.back(), 0x5A);
}

TEST(FrameEncoder, MinimalLengthFormsAtBoundaries) {
  struct row {
    std::uint64_t size;
    std::size_t header;
    std::uint8_t len7;
  };
  for (const row r : {row{0, 2, 0}, row{125, 2, 125}, row{126, 4, 126}, row{127, 4, 126},
                      row{65535, 4, 126}, row{65536, 10, 127}}) {
    frame_spec spec;
    std::uint8_t header[max_header_size];
    ASSERT_EQ(write_header(header, spec, r.size), r.header) << r.size;
    EXPECT_EQ(header_size(spec, r.size), r.header) << r.size;
    EXPECT_EQ(header[1], r.len7) << r.size;
  }
}

TEST(FrameEncoder, NonMinimal16BitLength) {
  frame_spec spec;
  spec.form = length_form::len16;
  EXPECT_EQ(encode_frame(spec, as_bytes("Hi")), (bytes{0x81, 0x7E, 0x00, 0x02, 'H', 'i'}));
}

TEST(FrameEncoder, NonMinimal64BitLength) {
  frame_spec spec;
  spec.form = length_form::len64;
  spec.mask = masking_key{0, 0, 0, 0};
  EXPECT_EQ(encode_frame(spec, as_bytes("Hi")),
            (bytes{0x81, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 'H', 'i'}));
}

TEST(FrameEncoder, LengthMsbForcesThe64BitForm) {
  frame_spec spec;
  spec.length_msb = true;
  auto out = encode_frame(spec, as_bytes("x"));
  EXPECT_EQ(out, (bytes{0x81, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0x01, 'x'}));
}

TEST(FrameEncoder, DeclaredLengthDiffersFromPayload) {
  frame_spec spec;
  spec.declared_length = 10;
  EXPECT_EQ(encode_frame(spec, as_bytes("abc")), (bytes{0x81, 0x0A, 'a', 'b', 'c'}));
  spec.declared_length = 300;  // minimal form for the declared value
  EXPECT_EQ(encode_frame(spec, as_bytes("a")), (bytes{0x81, 0x7E, 0x01, 0x2C, 'a'}));
}

TEST(FrameEncoder, DeclaredFourGiBWithoutPayload) {
  frame_spec spec;
  spec.opcode = opcode::binary;
  std::uint8_t header[max_header_size];
  const std::uint64_t four_gib = std::uint64_t{1} << 32;
  ASSERT_EQ(write_header(header, spec, four_gib), 10u);
  EXPECT_EQ((bytes(header, header + 10)), (bytes{0x82, 0x7F, 0, 0, 0, 0x01, 0, 0, 0, 0}));
}

TEST(FrameEncoder, AnyFlagsAndReservedOpcodes) {
  frame_spec spec;
  spec.fin = false;
  spec.rsv1 = true;
  spec.rsv2 = true;
  spec.rsv3 = true;
  spec.opcode = 0x0B;
  EXPECT_EQ(encode_frame(spec, {}), (bytes{0x7B, 0x00}));
  spec.fin = true;
  spec.rsv1 = false;
  spec.rsv3 = false;
  spec.opcode = 0x3;
  EXPECT_EQ(encode_frame(spec, {}), (bytes{0xA3, 0x00}));
}

TEST(FrameEncoder, AppendsToExistingBuffer) {
  bytes out = {0xEE};
  encode_frame(frame_spec{}, as_bytes("a"), out);
  EXPECT_EQ(out, (bytes{0xEE, 0x81, 0x01, 'a'}));
}

TEST(FrameEncoder, MaskedLongPayloadMatchesBytewiseMasking) {
  frame_spec spec;
  spec.opcode = opcode::binary;
  spec.mask = masking_key{0x01, 0x02, 0x03, 0x04};
  bytes payload(1000);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  auto out = encode_frame(spec, payload);
  ASSERT_EQ(out.size(), 8u + payload.size());
  for (std::size_t i = 0; i < payload.size(); ++i) {
    ASSERT_EQ(out[8 + i], payload[i] ^ (*spec.mask)[i % 4]) << i;
  }
}

TEST(FrameOpcodes, NamesAndInverse) {
  EXPECT_EQ(opcode_name(opcode::continuation), "continuation");
  EXPECT_EQ(opcode_name(opcode::text), "text");
  EXPECT_EQ(opcode_name(opcode::binary), "binary");
  EXPECT_EQ(opcode_name(opcode::close), "close");
  EXPECT_EQ(opcode_name(opcode::ping), "ping");
  EXPECT_EQ(opcode_name(opcode::pong), "pong");
  EXPECT_EQ(opcode_name(0x3), "reserved-3");
  EXPECT_EQ(opcode_name(0xF), "reserved-15");
  for (std::uint8_t op : {0x0, 0x1, 0x2, 0x8, 0x9, 0xA}) {
    EXPECT_EQ(opcode_from_name(opcode_name(op)), op);
  }
  EXPECT_EQ(opcode_from_name("reserved-3"), std::nullopt);
  EXPECT_EQ(opcode_from_name("Text"), std::nullopt);
  EXPECT_TRUE(is_control(opcode::ping));
  EXPECT_FALSE(is_control(opcode::binary));
  EXPECT_TRUE(is_reserved_opcode(0x7));
  EXPECT_TRUE(is_reserved_opcode(0xB));
  EXPECT_FALSE(is_reserved_opcode(0xA));
}

}  // namespace
}  // namespace wsprobe::wire
