// Close codes and close payloads (RFC 6455 §5.5.1, §7.4, IANA close code registry).
#include "harness/wire/close.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace wsprobe::wire {
namespace {

using bytes = std::vector<std::uint8_t>;

TEST(CloseCode, ValidRangesOnTheWire) {
  for (std::uint32_t c = 0; c <= 0xFFFF; ++c) {
    const bool expected =
        (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
    ASSERT_EQ(is_valid_close_code(static_cast<std::uint16_t>(c)), expected) << c;
  }
}

TEST(CloseCode, NamedInvalidCodes) {
  for (std::uint16_t c : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    EXPECT_FALSE(is_valid_close_code(c)) << c;
  }
  for (std::uint16_t c : {1000, 1001, 1002, 1003, 1007, 1011, 1012, 1013, 1014, 3000, 4999}) {
    EXPECT_TRUE(is_valid_close_code(c)) << c;
  }
}

TEST(ClosePayload, EmptyMeansNoStatus) {
  auto r = parse_close_payload({});
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.payload.code.has_value());
  EXPECT_TRUE(r.payload.reason.empty());
}

TEST(ClosePayload, OneByteIsAProtocolError) {
  bytes p = {0x03};
  auto r = parse_close_payload(p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.fail_code, 1002);
  EXPECT_FALSE(r.error.empty());
}

TEST(ClosePayload, CodeAndReason) {
  bytes p = {0x03, 0xE8, 'b', 'y', 'e'};
  auto r = parse_close_payload(p);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.payload.code, 1000);
  EXPECT_EQ(r.payload.reason, "bye");
  bytes utf8_reason = {0x0F, 0xA0, 0xCE, 0xBA, 0xE1, 0xBD, 0xB9};  // 4000 "κό"
  r = parse_close_payload(utf8_reason);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.payload.code, 4000);
  EXPECT_EQ(r.payload.reason, "\xCE\xBA\xE1\xBD\xB9");
}

TEST(ClosePayload, InvalidCodesAreProtocolErrors) {
  for (std::uint16_t c : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    auto r = parse_close_payload(build_close_payload(c));
    EXPECT_FALSE(r.ok) << c;
    EXPECT_EQ(r.fail_code, 1002) << c;
    EXPECT_NE(r.error.find(std::to_string(c)), std::string::npos) << r.error;
    EXPECT_EQ(r.payload.code, c);
  }
}

TEST(ClosePayload, InvalidUtf8ReasonIsInvalidPayload) {
  bytes p = {0x03, 0xE8, 'o', 'k', 0xED, 0xA0, 0x80};
  auto r = parse_close_payload(p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.fail_code, 1007);
  EXPECT_FALSE(r.error.empty());
  bytes truncated = {0x03, 0xE8, 0xE2, 0x82};  // reason stops inside "€"
  r = parse_close_payload(truncated);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.fail_code, 1007);
}

TEST(ClosePayload, BuildWritesWhateverItIsGiven) {
  EXPECT_EQ(build_close_payload(1000), (bytes{0x03, 0xE8}));
  EXPECT_EQ(build_close_payload(1005, "x"), (bytes{0x03, 0xED, 'x'}));
  EXPECT_EQ(build_close_payload(std::nullopt), bytes{});
  EXPECT_EQ(build_close_payload(std::nullopt, "r"), bytes{'r'});
  const std::string long_reason(200, 'r');
  EXPECT_EQ(build_close_payload(4001, long_reason).size(), 202u);
  auto r = parse_close_payload(build_close_payload(3001, "fine"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.payload.code, 3001);
  EXPECT_EQ(r.payload.reason, "fine");
}

}  // namespace
}  // namespace wsprobe::wire
