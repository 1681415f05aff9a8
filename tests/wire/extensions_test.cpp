// Sec-WebSocket-Extensions offer parsing (RFC 6455 §9.1, RFC 7692 §7.1 quoted values).
#include <gtest/gtest.h>

#include "harness/wire/extensions.hpp"

namespace wsprobe::wire {
namespace {

TEST(Extensions, ParsesOffersWithParameters) {
  const auto list = parse_extensions(
      "permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-foo");
  ASSERT_TRUE(list.ok()) << list.error;
  ASSERT_EQ(list.offers.size(), 2u);
  const auto& deflate = list.offers[0];
  EXPECT_EQ(deflate.name, "permessage-deflate");
  ASSERT_EQ(deflate.params.size(), 2u);
  EXPECT_EQ(deflate.params[0].name, "client_max_window_bits");
  EXPECT_FALSE(deflate.params[0].value.has_value());
  EXPECT_EQ(deflate.params[1].name, "server_max_window_bits");
  EXPECT_EQ(deflate.params[1].value, "10");
  EXPECT_FALSE(deflate.params[1].quoted);
  ASSERT_NE(deflate.find("SERVER_MAX_WINDOW_BITS"), nullptr);
  EXPECT_EQ(deflate.find("server_no_context_takeover"), nullptr);
  EXPECT_EQ(list.offers[1].name, "x-foo");
  EXPECT_TRUE(list.offers[1].params.empty());
}

TEST(Extensions, QuotedValuesAreUnescaped) {
  const auto list = parse_extensions(
      "permessage-deflate;server_max_window_bits=\"10\" ; client_max_window_bits = \"1\\5\"");
  ASSERT_TRUE(list.ok()) << list.error;
  ASSERT_EQ(list.offers.size(), 1u);
  const auto& params = list.offers[0].params;
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].value, "10");
  EXPECT_TRUE(params[0].quoted);
  EXPECT_EQ(params[1].value, "15");  // quoted-pair \5 is 5
  EXPECT_TRUE(params[1].quoted);
}

TEST(Extensions, RepeatsAndEmptyElementsAreKept) {
  const auto list = parse_extensions(", a; p=1; p=2 ,, a ,");
  ASSERT_TRUE(list.ok()) << list.error;
  ASSERT_EQ(list.offers.size(), 2u);
  EXPECT_EQ(list.offers[0].params.size(), 2u);
  EXPECT_EQ(list.offers[1].name, "a");
}

TEST(Extensions, RejectsMalformedLists) {
  for (const char* bad : {
           "",                                  // 1#extension: at least one
           " , ",                               // only empty elements
           "permessage-deflate;",               // ';' without a parameter
           "permessage-deflate; =10",           // parameter without a name
           "permessage-deflate; bits=",         // '=' without a value
           "permessage-deflate; bits=\"10",     // unterminated quoted-string
           "permessage-deflate; bits=\"1 0\"",  // quoted content is not a token
           "permessage-deflate; bits=\"\"",     // empty quoted content
           "permessage-deflate bits",           // missing ';'
           "permessage-deflate; bits=10 11",    // two values
           "\"permessage-deflate\"",            // quoted extension name
           "a; b=c=d",                          // '=' twice
           "a/b",                               // separator in a name
       }) {
    const auto list = parse_extensions(bad);
    EXPECT_FALSE(list.ok()) << "accepted: " << bad;
    EXPECT_TRUE(list.offers.empty()) << bad;
  }
}

TEST(Extensions, CombinesEveryFieldOfAHead) {
  http_headers h;
  h.add("Sec-WebSocket-Extensions", "a; x=1");
  h.add("Host", "h");
  h.add("sec-websocket-extensions", "b");
  auto list = parse_extensions(h);
  ASSERT_TRUE(list.ok()) << list.error;
  ASSERT_EQ(list.offers.size(), 2u);
  EXPECT_EQ(list.offers[0].name, "a");
  EXPECT_EQ(list.offers[1].name, "b");

  EXPECT_TRUE(parse_extensions(http_headers{}).ok());
  EXPECT_TRUE(parse_extensions(http_headers{}).offers.empty());

  h.add("Sec-WebSocket-Extensions", "c;");
  list = parse_extensions(h);
  EXPECT_FALSE(list.ok());
  EXPECT_NE(list.error.find("Sec-WebSocket-Extensions"), std::string::npos);
}

TEST(Extensions, SerializeRoundTrips) {
  const std::string text =
      "permessage-deflate; client_max_window_bits; server_max_window_bits=\"10\", x-foo; a=b";
  const auto list = parse_extensions(text);
  ASSERT_TRUE(list.ok()) << list.error;
  EXPECT_EQ(serialize_extensions(list.offers), text);
  EXPECT_EQ(parse_extensions(serialize_extensions(list.offers)).offers, list.offers);

  // A value that is not a token must be quoted (and escaped) to be written at all.
  std::vector<extension_offer> offers{{"x", {{"p", "a \"b\"", false}}}};
  EXPECT_EQ(serialize_extensions(offers), "x; p=\"a \\\"b\\\"\"");
}

}  // namespace
}  // namespace wsprobe::wire
