// UTF-8 validator: Markus Kuhn's "UTF-8 decoder capability and stress test" (sections 1-5),
// with the exact offset where each invalid sequence becomes impossible, and arbitrary splits.
#include "harness/wire/utf8.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace wsprobe::wire {
namespace {

using bytes = std::vector<std::uint8_t>;

struct sample {
  const char* name;
  bytes text;
  // nullopt: valid. Otherwise the offset of the byte that fails (fail-fast).
  std::optional<std::uint64_t> fails_at;
  bool truncated = false;  // valid so far but ends inside a sequence
};

const std::vector<sample>& kuhn_samples() {
  static const std::vector<sample> s = {
      // 1 Some correct UTF-8 text: "κόσμε".
      {"1 kosme", {0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5}, {}},
      // 2.1 First possible sequence of a certain length.
      {"2.1.1 U+0000", {0x00}, {}},
      {"2.1.2 U+0080", {0xC2, 0x80}, {}},
      {"2.1.3 U+0800", {0xE0, 0xA0, 0x80}, {}},
      {"2.1.4 U+10000", {0xF0, 0x90, 0x80, 0x80}, {}},
      {"2.1.5 5 bytes", {0xF8, 0x88, 0x80, 0x80, 0x80}, 0},
      {"2.1.6 6 bytes", {0xFC, 0x84, 0x80, 0x80, 0x80, 0x80}, 0},
      // 2.2 Last possible sequence of a certain length.
      {"2.2.1 U+007F", {0x7F}, {}},
      {"2.2.2 U+07FF", {0xDF, 0xBF}, {}},
      {"2.2.3 U+FFFF", {0xEF, 0xBF, 0xBF}, {}},
      {"2.2.4 U+1FFFFF", {0xF7, 0xBF, 0xBF, 0xBF}, 0},
      {"2.2.5 U+3FFFFFF", {0xFB, 0xBF, 0xBF, 0xBF, 0xBF}, 0},
      {"2.2.6 U+7FFFFFFF", {0xFD, 0xBF, 0xBF, 0xBF, 0xBF, 0xBF}, 0},
      // 2.3 Other boundary conditions.
      {"2.3.1 U+D7FF", {0xED, 0x9F, 0xBF}, {}},
      {"2.3.2 U+E000", {0xEE, 0x80, 0x80}, {}},
      {"2.3.3 U+FFFD", {0xEF, 0xBF, 0xBD}, {}},
      {"2.3.4 U+10FFFF", {0xF4, 0x8F, 0xBF, 0xBF}, {}},
      {"2.3.5 U+110000", {0xF4, 0x90, 0x80, 0x80}, 1},
      // 3.1 Unexpected continuation bytes.
      {"3.1.1 80", {0x80}, 0},
      {"3.1.2 BF", {0xBF}, 0},
      {"3.1.3 80 BF", {0x80, 0xBF}, 0},
      {"3.1.4 80 BF 80", {0x80, 0xBF, 0x80}, 0},
      {"3.1.x after ASCII", {'a', 'b', 0x80}, 2},
      {"3.1.x after a complete sequence", {0xC2, 0x80, 0x80}, 2},
      // 3.2 Lonely start characters, each followed by a space.
      {"3.2.1 C0 space", {0xC0, 0x20}, 0},
      {"3.2.1 C2 space", {0xC2, 0x20}, 1},
      {"3.2.1 DF space", {0xDF, 0x20}, 1},
      {"3.2.2 E0 space", {0xE0, 0x20}, 1},
      {"3.2.2 EF space", {0xEF, 0x20}, 1},
      {"3.2.3 F0 space", {0xF0, 0x20}, 1},
      {"3.2.3 F7 space", {0xF7, 0x20}, 0},
      {"3.2.4 F8 space", {0xF8, 0x20}, 0},
      {"3.2.5 FC space", {0xFC, 0x20}, 0},
      // 3.3 Sequences with the last continuation byte missing.
      {"3.3.1 C0", {0xC0}, 0},
      {"3.3.2 E0 80", {0xE0, 0x80}, 1},
      {"3.3.3 F0 80 80", {0xF0, 0x80, 0x80}, 1},
      {"3.3.4 F8 80 80 80", {0xF8, 0x80, 0x80, 0x80}, 0},
      {"3.3.5 FC 80 80 80 80", {0xFC, 0x80, 0x80, 0x80, 0x80}, 0},
      {"3.3.6 DF", {0xDF}, {}, true},
      {"3.3.7 EF BF", {0xEF, 0xBF}, {}, true},
      {"3.3.8 F7 BF BF", {0xF7, 0xBF, 0xBF}, 0},
      {"3.3.9 FB BF BF BF", {0xFB, 0xBF, 0xBF, 0xBF}, 0},
      {"3.3.10 FD BF BF BF BF", {0xFD, 0xBF, 0xBF, 0xBF, 0xBF}, 0},
      {"3.3.x F4 8F BF", {0xF4, 0x8F, 0xBF}, {}, true},
      // 3.4 Concatenation of the incomplete sequences of 3.3.
      {"3.4 concatenation",
       {0xC0, 0xE0, 0x80, 0xF0, 0x80, 0x80, 0xF8, 0x80, 0x80, 0x80, 0xFC, 0x80, 0x80, 0x80, 0x80,
        0xDF, 0xEF, 0xBF, 0xF7, 0xBF, 0xBF, 0xFB, 0xBF, 0xBF, 0xBF, 0xFD, 0xBF, 0xBF, 0xBF, 0xBF},
       0},
      {"3.4 from DF on", {0xDF, 0xEF, 0xBF}, 1},
      // 3.5 Impossible bytes.
      {"3.5.1 FE", {0xFE}, 0},
      {"3.5.2 FF", {0xFF}, 0},
      {"3.5.3 FE FE FF FF", {0xFE, 0xFE, 0xFF, 0xFF}, 0},
      // 4.1 Overlong ASCII (U+002F).
      {"4.1.1 C0 AF", {0xC0, 0xAF}, 0},
      {"4.1.2 E0 80 AF", {0xE0, 0x80, 0xAF}, 1},
      {"4.1.3 F0 80 80 AF", {0xF0, 0x80, 0x80, 0xAF}, 1},
      {"4.1.4 F8 80 80 80 AF", {0xF8, 0x80, 0x80, 0x80, 0xAF}, 0},
      {"4.1.5 FC 80 80 80 80 AF", {0xFC, 0x80, 0x80, 0x80, 0x80, 0xAF}, 0},
      // 4.2 Maximum overlong sequences.
      {"4.2.1 C1 BF", {0xC1, 0xBF}, 0},
      {"4.2.2 E0 9F BF", {0xE0, 0x9F, 0xBF}, 1},
      {"4.2.3 F0 8F BF BF", {0xF0, 0x8F, 0xBF, 0xBF}, 1},
      {"4.2.4 F8 87 BF BF BF", {0xF8, 0x87, 0xBF, 0xBF, 0xBF}, 0},
      {"4.2.5 FC 83 BF BF BF BF", {0xFC, 0x83, 0xBF, 0xBF, 0xBF, 0xBF}, 0},
      // 4.3 Overlong NUL.
      {"4.3.1 C0 80", {0xC0, 0x80}, 0},
      {"4.3.2 E0 80 80", {0xE0, 0x80, 0x80}, 1},
      {"4.3.3 F0 80 80 80", {0xF0, 0x80, 0x80, 0x80}, 1},
      {"4.3.4 F8 80 80 80 80", {0xF8, 0x80, 0x80, 0x80, 0x80}, 0},
      {"4.3.5 FC 80 80 80 80 80", {0xFC, 0x80, 0x80, 0x80, 0x80, 0x80}, 0},
      // 5.1 Single UTF-16 surrogates.
      {"5.1.1 U+D800", {0xED, 0xA0, 0x80}, 1},
      {"5.1.2 U+DB7F", {0xED, 0xAD, 0xBF}, 1},
      {"5.1.3 U+DB80", {0xED, 0xAE, 0x80}, 1},
      {"5.1.4 U+DBFF", {0xED, 0xAF, 0xBF}, 1},
      {"5.1.5 U+DC00", {0xED, 0xB0, 0x80}, 1},
      {"5.1.6 U+DF80", {0xED, 0xBE, 0x80}, 1},
      {"5.1.7 U+DFFF", {0xED, 0xBF, 0xBF}, 1},
      // 5.2 Paired UTF-16 surrogates.
      {"5.2.1 U+D800 U+DC00", {0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80}, 1},
      {"5.2.8 U+DBFF U+DFFF", {0xED, 0xAF, 0xBF, 0xED, 0xBF, 0xBF}, 1},
      // 5.3 Noncharacters are valid UTF-8 (RFC 3629 allows them).
      {"5.3.1 U+FFFE", {0xEF, 0xBF, 0xBE}, {}},
      {"5.3.2 U+FFFF", {0xEF, 0xBF, 0xBF}, {}},
      {"5.3.3 U+FDD0", {0xEF, 0xB7, 0x90}, {}},
      {"5.3.4 U+10FFFE", {0xF4, 0x8F, 0xBF, 0xBE}, {}},
  };
  return s;
}

TEST(Utf8, KuhnStressTestOneShot) {
  for (const auto& s : kuhn_samples()) {
    SCOPED_TRACE(s.name);
    utf8_validator v;
    const bool ok = v.feed(s.text);
    if (s.fails_at) {
      EXPECT_FALSE(ok);
      EXPECT_TRUE(v.failed());
      EXPECT_EQ(v.error_offset(), *s.fails_at);
      EXPECT_FALSE(is_valid_utf8(s.text));
    } else {
      EXPECT_TRUE(ok);
      EXPECT_EQ(v.complete(), !s.truncated);
      EXPECT_EQ(is_valid_utf8(s.text), !s.truncated);
    }
  }
}

TEST(Utf8, KuhnStressTestByteAtATimeAndWithPrefix) {
  const std::string prefix(37, 'a');  // long enough to go through the word-at-a-time path
  for (const auto& s : kuhn_samples()) {
    SCOPED_TRACE(s.name);
    utf8_validator v;
    ASSERT_TRUE(v.feed(prefix));
    std::size_t fed = 0;
    for (std::uint8_t b : s.text) {
      ++fed;
      if (!v.feed(std::span<const std::uint8_t>(&b, 1))) break;
    }
    if (s.fails_at) {
      ASSERT_TRUE(v.failed());
      EXPECT_EQ(v.error_offset(), prefix.size() + *s.fails_at);
      EXPECT_EQ(fed, *s.fails_at + 1);  // fail-fast: nothing after the bad byte was needed
    } else {
      EXPECT_EQ(v.complete(), !s.truncated);
    }
  }
}

TEST(Utf8, FailFastExamplesFromTheRequirements) {
  utf8_validator v;
  EXPECT_TRUE(v.feed(bytes{0xF4}));
  EXPECT_FALSE(v.feed(bytes{0x90}));
  EXPECT_EQ(v.error_offset(), 1u);

  v.reset();
  EXPECT_FALSE(v.feed(bytes{0xC0}));
  EXPECT_EQ(v.error_offset(), 0u);

  v.reset();
  EXPECT_TRUE(v.feed(bytes{0xED}));
  EXPECT_FALSE(v.feed(bytes{0xA0}));
  EXPECT_EQ(v.error_offset(), 1u);
  EXPECT_FALSE(v.feed(bytes{'a'}));  // stays failed
  EXPECT_EQ(v.error_offset(), 1u);
}

TEST(Utf8, AllSplitPointsAgreeWithOneShot) {
  // Mixed text: ASCII runs longer than a word, 2/3/4-byte sequences at odd alignments, and an
  // error near the end.
  std::string text = "Hello, world! ";
  text += "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5 ";
  text += std::string(40, 'x');
  text += "\xF0\x9F\x98\x80\xE2\x82\xAC\xC3\xA9";
  text += std::string(9, 'y');
  for (bool broken : {false, true}) {
    std::string t = text;
    if (broken) t += "zz\xED\xA0\x80";
    utf8_validator whole;
    whole.feed(t);
    for (std::size_t a = 0; a <= t.size(); ++a) {
      for (std::size_t b = a; b <= t.size(); b += 7) {
        utf8_validator v;
        v.feed(std::string_view(t).substr(0, a));
        v.feed(std::string_view(t).substr(a, b - a));
        v.feed(std::string_view(t).substr(b));
        ASSERT_EQ(v.failed(), whole.failed()) << a << " " << b;
        ASSERT_EQ(v.complete(), whole.complete()) << a << " " << b;
        if (broken) {
          ASSERT_EQ(v.error_offset(), whole.error_offset()) << a << " " << b;
        }
      }
    }
    EXPECT_EQ(whole.failed(), broken);
    if (broken) {
      EXPECT_EQ(whole.error_offset(), t.size() - 2);
    }
  }
}

TEST(Utf8, NonAsciiAfterLongAsciiRunAtEveryAlignment) {
  for (std::size_t n = 0; n < 80; ++n) {
    std::string t(n, 'q');
    t += '\xFF';
    t += std::string(20, 'q');
    utf8_validator v;
    EXPECT_FALSE(v.feed(t));
    EXPECT_EQ(v.error_offset(), n);
  }
}

TEST(Utf8, EmptyInputIsCompleteAndBytesAreCounted) {
  utf8_validator v;
  EXPECT_TRUE(v.feed(std::string_view{}));
  EXPECT_TRUE(v.complete());
  v.feed("abc");
  v.feed("\xC3");
  EXPECT_FALSE(v.complete());
  EXPECT_FALSE(v.failed());
  EXPECT_EQ(v.bytes_seen(), 4u);
  v.feed("\xA9");
  EXPECT_TRUE(v.complete());
}

}  // namespace
}  // namespace wsprobe::wire
