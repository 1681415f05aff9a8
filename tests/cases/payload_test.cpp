// Payload forms and deterministic generation (cases/README.md "Payloads").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/cases/loader.hpp"
#include "harness/cases/payload.hpp"

namespace wsprobe::cases {
namespace {

using bytes = std::vector<std::uint8_t>;

// Loads a one-step case whose send_raw payload is `payload_json` and returns that payload.
payload_spec load_payload(const std::string& payload_json) {
  const std::string text = R"({"id": "t.payload", "title": "t", "rfc": ["6455#5.2"],
    "steps": [{"send_raw": {"payload": )" +
                           payload_json + R"(}}], "expect": {"OK": []}})";
  const auto cases = load_text(text, "payload.json");
  return std::get<send_raw_step>(cases.at(0).steps.at(0)).payload;
}

bytes of(std::string_view s) {
  return bytes(s.begin(), s.end());
}

TEST(payload, string_is_utf8_bytes) {
  EXPECT_EQ(load_payload(R"("Hello")").bytes(), of("Hello"));
  // κόσμε written with escapes so the test does not depend on how an editor normalises it.
  EXPECT_EQ(load_payload(R"("\u03ba\u1f79\u03c3\u03bc\u03b5")").bytes(),
            (bytes{0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5}));
}

TEST(payload, text_form) {
  EXPECT_EQ(load_payload(R"({"text": "Hello"})").bytes(), of("Hello"));
}

TEST(payload, hex_form_allows_spaces) {
  EXPECT_EQ(load_payload(R"({"hex": "ce ba e1 BD b9"})").bytes(),
            (bytes{0xce, 0xba, 0xe1, 0xbd, 0xb9}));
  EXPECT_TRUE(load_payload(R"({"hex": ""})").empty());
}

TEST(payload, base64_form) {
  EXPECT_EQ(load_payload(R"({"base64": "AAEC"})").bytes(), (bytes{0, 1, 2}));
  EXPECT_EQ(load_payload(R"({"base64": "SGk="})").bytes(), of("Hi"));
}

TEST(payload, repeat_is_cut_to_size) {
  const auto p = load_payload(R"({"repeat": "abc", "bytes": 8})");
  EXPECT_EQ(p.size(), 8u);
  EXPECT_EQ(p.bytes(), of("abcabcab"));
  EXPECT_EQ(load_payload(R"({"repeat": "abc", "bytes": 2})").bytes(), of("ab"));
  EXPECT_TRUE(load_payload(R"({"repeat": "*", "bytes": 0})").bytes().empty());
  const auto big = load_payload(R"({"repeat": "*", "bytes": 65536})").bytes();
  ASSERT_EQ(big.size(), 65536u);
  EXPECT_EQ(std::count(big.begin(), big.end(), '*'), 65536);
}

TEST(payload, repeat_hex) {
  EXPECT_EQ(load_payload(R"({"repeat_hex": "fe ff", "bytes": 5})").bytes(),
            (bytes{0xfe, 0xff, 0xfe, 0xff, 0xfe}));
}

TEST(payload, random_matches_documented_splitmix64) {
  // SplitMix64 from seed 0 first yields 0xe220a8397b1dcdaf (the published reference value),
  // written little-endian.
  EXPECT_EQ(load_payload(R"({"random": 8, "seed": 0})").bytes(),
            (bytes{0xaf, 0xcd, 0x1d, 0x7b, 0x39, 0xa8, 0x20, 0xe2}));
  EXPECT_EQ(load_payload(R"({"random": 11, "seed": 7})").bytes(),
            (bytes{0xd7, 0x0d, 0x32, 0x59, 0xe4, 0xe1, 0xcb, 0x63, 0x1c, 0x66, 0x3c}));
}

TEST(payload, random_is_deterministic_and_seed_dependent) {
  const auto a = payload_spec::random(1 << 20, 7).bytes();
  const auto b = payload_spec::random(1 << 20, 7).bytes();
  const auto c = payload_spec::random(1 << 20, 8).bytes();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // A shorter payload is a prefix of a longer one with the same seed.
  const auto prefix = payload_spec::random(13, 7).bytes();
  EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), a.begin()));
}

TEST(payload, concat_joins_parts) {
  const auto p =
      load_payload(R"({"concat": ["He", {"hex": "6c6c"}, {"repeat": "o", "bytes": 2}]})");
  EXPECT_EQ(p.size(), 6u);
  EXPECT_EQ(p.bytes(), of("Helloo"));
}

TEST(payload, equals_compares_without_generating_twice) {
  const auto spec = payload_spec::random(100003, 3);
  auto data = spec.bytes();
  EXPECT_TRUE(spec.equals(data));
  data[100000] ^= 1;
  EXPECT_FALSE(spec.equals(data));
  data.pop_back();
  EXPECT_FALSE(spec.equals(data));

  const auto rep = payload_spec::repeat(of("ab"), 5);
  EXPECT_TRUE(rep.equals(of("ababa")));
  EXPECT_FALSE(rep.equals(of("ababb")));
  const auto cat = payload_spec::concat({payload_spec::text("x"), rep});
  EXPECT_TRUE(cat.equals(of("xababa")));
  EXPECT_FALSE(cat.equals(of("yababa")));
}

TEST(payload, append_to_keeps_existing_bytes) {
  bytes out{1, 2};
  payload_spec::text("ab").append_to(out);
  EXPECT_EQ(out, (bytes{1, 2, 'a', 'b'}));
}

}  // namespace
}  // namespace wsprobe::cases
