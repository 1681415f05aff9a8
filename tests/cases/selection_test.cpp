// --cases / --exclude globs over id, area and Autobahn id.
#include <gtest/gtest.h>

#include "harness/cases/selection.hpp"

namespace wsprobe::cases {
namespace {

test_case make(std::string id, std::optional<std::string> autobahn = std::nullopt) {
  test_case c;
  c.area = id.substr(0, id.find('.'));
  c.id = std::move(id);
  c.autobahn = std::move(autobahn);
  return c;
}

std::vector<std::string> ids(const std::vector<test_case>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.id);
  return out;
}

const std::vector<test_case> all = {
    make("framing.text-0", "1.1.1"),   make("utf8.invalid-1", "6.4.1"),
    make("framing.binary-0", "1.2.1"), make("utf8.valid-2", "6.2.2"),
    make("close.code-1004", "7.9.1"),  make("handshake.no-key")};

TEST(glob, basics) {
  EXPECT_TRUE(glob_match("framing.*", "framing.text-0"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_TRUE(glob_match("*.text-*", "framing.text-0"));
  EXPECT_TRUE(glob_match("6.4.*", "6.4.10"));
  EXPECT_FALSE(glob_match("6.4.*", "6.41.1"));
  EXPECT_FALSE(glob_match("utf8", "utf8.valid"));
  EXPECT_TRUE(glob_match("*a*b*c", "xaxbxbc"));
  EXPECT_FALSE(glob_match("*a*b*c", "xaxbxbd"));
}

TEST(selection, by_id_area_and_autobahn_keeping_order) {
  EXPECT_EQ(ids(select_cases(all, {"framing.*"}, {})),
            (std::vector<std::string>{"framing.text-0", "framing.binary-0"}));
  EXPECT_EQ(ids(select_cases(all, {"utf8"}, {})),
            (std::vector<std::string>{"utf8.invalid-1", "utf8.valid-2"}));
  EXPECT_EQ(ids(select_cases(all, {"6.4.*"}, {})), (std::vector<std::string>{"utf8.invalid-1"}));
  EXPECT_EQ(ids(select_cases(all, {"close", "1.*"}, {})),
            (std::vector<std::string>{"framing.text-0", "framing.binary-0", "close.code-1004"}));
}

TEST(selection, exclude_and_defaults) {
  EXPECT_EQ(select_cases(all, {}, {}).size(), all.size());
  EXPECT_EQ(ids(select_cases(all, {}, {"framing", "utf8.*", "7.*"})),
            (std::vector<std::string>{"handshake.no-key"}));
  EXPECT_EQ(ids(select_cases(all, {"framing"}, {"*binary*"})),
            (std::vector<std::string>{"framing.text-0"}));
}

TEST(selection, unmatched_patterns) {
  EXPECT_EQ(unmatched_patterns(all, {"framing", "fraiming.*", "9.*"}),
            (std::vector<std::string>{"fraiming.*", "9.*"}));
}

}  // namespace
}  // namespace wsprobe::cases
