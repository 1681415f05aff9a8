// HTTP/1.1 head model, serializer and incremental parser (harness/wire/http_head*.hpp).
#include <gtest/gtest.h>

#include <string>

#include "harness/wire/http_head.hpp"
#include "harness/wire/http_head_parser.hpp"

namespace wsprobe::wire {
namespace {

const std::string kRequest =
    "GET /chat?x=1 HTTP/1.1\r\n"
    "Host: server.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "X-Repeat: one\r\n"
    "x-repeat: two\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

template <class Parser>
std::string parse_error(const std::string& head) {
  Parser parser;
  std::size_t used = 0;
  if (parser.feed(head, used) != parse_status::error) return "(no error)";
  return parser.error();
}

TEST(HttpHeadParser, ParsesRequestWholeAndKeepsCaseOrderAndRepeats) {
  request_parser parser;
  std::size_t used = 0;
  ASSERT_EQ(parser.feed(kRequest, used), parse_status::done) << parser.error();
  EXPECT_EQ(used, kRequest.size());
  const auto& r = parser.message();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/chat?x=1");
  EXPECT_EQ(r.version, "HTTP/1.1");
  ASSERT_EQ(r.headers.fields.size(), 7u);
  EXPECT_EQ(r.headers.fields[4].name, "X-Repeat");
  EXPECT_EQ(r.headers.fields[5].name, "x-repeat");
  EXPECT_EQ(*r.headers.find("HOST"), "server.example.com");
  EXPECT_EQ(r.headers.count("X-REPEAT"), 2u);
  EXPECT_EQ(r.headers.combined("x-Repeat"), "one, two");
  EXPECT_EQ(parser.head_size(), kRequest.size());
}

TEST(HttpHeadParser, SplitAtEveryByteGivesTheSameRequest) {
  request_parser whole;
  std::size_t used = 0;
  ASSERT_EQ(whole.feed(kRequest, used), parse_status::done);
  for (std::size_t split = 0; split <= kRequest.size(); ++split) {
    request_parser parser;
    std::size_t first = 0;
    std::size_t second = 0;
    const auto s1 = parser.feed(std::string_view(kRequest).substr(0, split), first);
    if (split < kRequest.size()) {
      EXPECT_EQ(s1, parse_status::need_more) << "split " << split;
      EXPECT_EQ(first, split);
      EXPECT_EQ(parser.feed(std::string_view(kRequest).substr(split), second), parse_status::done)
          << "split " << split;
    }
    EXPECT_EQ(first + second, kRequest.size()) << "split " << split;
    EXPECT_EQ(parser.message(), whole.message()) << "split " << split;
  }
}

TEST(HttpHeadParser, OneByteAtATime) {
  response_parser parser;
  const std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
  for (std::size_t i = 0; i < head.size(); ++i) {
    std::size_t used = 0;
    const auto status = parser.feed(head.substr(i, 1), used);
    EXPECT_EQ(used, 1u);
    EXPECT_EQ(status, i + 1 == head.size() ? parse_status::done : parse_status::need_more) << i;
  }
  EXPECT_EQ(parser.message().status, 101u);
  EXPECT_EQ(parser.message().reason, "Switching Protocols");
}

TEST(HttpHeadParser, LeavesBytesAfterTheHeadToTheCaller) {
  response_parser parser;
  const std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
  const std::string frame = "\x81\x05hello";
  std::size_t used = 0;
  ASSERT_EQ(parser.feed(head + frame, used), parse_status::done);
  EXPECT_EQ(used, head.size());
  // Done is final: more bytes are not taken.
  EXPECT_EQ(parser.feed(frame, used), parse_status::done);
  EXPECT_EQ(used, 0u);
}

TEST(HttpHeadParser, ParsesResponse) {
  response_parser parser;
  std::size_t used = 0;
  ASSERT_EQ(parser.feed("HTTP/1.0 404 Not  Found\r\nA:b\r\nC: \t d e \t\r\n\r\n", used),
            parse_status::done)
      << parser.error();
  const auto& r = parser.message();
  EXPECT_EQ(r.version, "HTTP/1.0");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.reason, "Not  Found");
  EXPECT_EQ(*r.headers.find("a"), "b");
  EXPECT_EQ(*r.headers.find("c"), "d e");  // OWS trimmed, inner space kept
}

TEST(HttpHeadParser, AcceptsStatusLineWithoutReason) {
  response_parser parser;
  std::size_t used = 0;
  ASSERT_EQ(parser.feed("HTTP/1.1 101\r\n\r\n", used), parse_status::done) << parser.error();
  EXPECT_EQ(parser.message().reason, "");
}

TEST(HttpHeadParser, HeadSizeLimit) {
  std::string head = "GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n";
  {
    request_parser exact(head.size());
    std::size_t used = 0;
    EXPECT_EQ(exact.feed(head, used), parse_status::done) << exact.error();
  }
  {
    request_parser small(head.size() - 1);
    std::size_t used = 0;
    EXPECT_EQ(small.feed(head, used), parse_status::error);
    EXPECT_NE(small.error().find("larger than"), std::string::npos) << small.error();
  }
  // The default is 16 KiB; a longer head without an end fails even fed piecewise.
  request_parser parser;
  std::size_t used = 0;
  ASSERT_EQ(parser.feed("GET / HTTP/1.1\r\nX: ", used), parse_status::need_more);
  parse_status status = parse_status::need_more;
  for (int i = 0; i < 20 && status == parse_status::need_more; ++i) {
    status = parser.feed(std::string(1024, 'b'), used);
  }
  EXPECT_EQ(status, parse_status::error);
  EXPECT_EQ(parser.head_size(), default_max_head_size);
}

TEST(HttpHeadParser, RejectsMalformedRequests) {
  EXPECT_EQ(parse_error<request_parser>("GET / HTTP/1.1\r\nHost example\r\n\r\n"),
            "header line without a colon");
  EXPECT_NE(parse_error<request_parser>("GET / HTTP/1.1\r\nHost : example\r\n\r\n")
                .find("whitespace between header name and colon"),
            std::string::npos);
  EXPECT_NE(
      parse_error<request_parser>("GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n").find("obs-fold"),
      std::string::npos);
  EXPECT_NE(
      parse_error<request_parser>("GET / HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n").find("obs-fold"),
      std::string::npos);
  EXPECT_EQ(parse_error<request_parser>("GET / HTTP/1.1\r\n: empty\r\n\r\n"),
            "header line with an empty name");
  EXPECT_NE(parse_error<request_parser>("GET / HTTP/1.1\r\nX(y): 1\r\n\r\n").find("not a token"),
            std::string::npos);
  EXPECT_NE(parse_error<request_parser>(std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26))
                .find("0x00"),
            std::string::npos);
  EXPECT_EQ(parse_error<request_parser>("GET / HTTP/1.1\nHost: a\n\n"),
            "line ends in a bare LF, not CRLF");
  EXPECT_EQ(parse_error<request_parser>("\r\nGET / HTTP/1.1\r\n\r\n"),
            "empty line before the start line");
  EXPECT_EQ(parse_error<request_parser>("GET /\r\n\r\n"), "request line has no HTTP version");
  EXPECT_EQ(parse_error<request_parser>("GET  / HTTP/1.1\r\n\r\n"),
            "request line: empty request-target");
  EXPECT_EQ(parse_error<request_parser>("GET / HTTP/1.1 \r\n\r\n"),
            "request line: version is not HTTP/x.y");
  EXPECT_EQ(parse_error<request_parser>("GET / HTTP/11\r\n\r\n"),
            "request line: version is not HTTP/x.y");
  EXPECT_EQ(parse_error<request_parser>("G(T / HTTP/1.1\r\n\r\n"),
            "request line: method is not a token");
  EXPECT_EQ(parse_error<request_parser>("garbage\r\n\r\n"), "request line has no space");
}

TEST(HttpHeadParser, RejectsMalformedStatusLines) {
  const std::string bad_start = "status line does not start with HTTP/x.y and a space";
  EXPECT_EQ(parse_error<response_parser>("HTTP/1.1\r\n\r\n"), bad_start);
  EXPECT_EQ(parse_error<response_parser>("HTTP/1.x 101 OK\r\n\r\n"), bad_start);
  EXPECT_EQ(parse_error<response_parser>("ICY 200 OK\r\n\r\n"), bad_start);
  EXPECT_EQ(parse_error<response_parser>("HTTP/1.1 1O1 OK\r\n\r\n"),
            "status line: status code is not 3 digits");
  EXPECT_EQ(parse_error<response_parser>("HTTP/1.1 1011 OK\r\n\r\n"),
            "status line: status code is not 3 digits");
  EXPECT_NE(parse_error<response_parser>("HTTP/1.1 101 O\x01K\r\n\r\n").find("reason-phrase"),
            std::string::npos);
}

TEST(HttpHeadParser, ErrorIsFinalAndResetStartsOver) {
  request_parser parser;
  std::size_t used = 0;
  ASSERT_EQ(parser.feed("GET / HTTP/1.1\r\n bad\r\n", used), parse_status::error);
  EXPECT_EQ(parser.feed("GET / HTTP/1.1\r\n\r\n", used), parse_status::error);
  EXPECT_EQ(used, 0u);
  parser.reset();
  EXPECT_EQ(parser.feed("GET / HTTP/1.1\r\n\r\n", used), parse_status::done);
  EXPECT_TRUE(parser.error().empty());
}

TEST(HttpHeadSerializer, RoundTripsRequestAndResponse) {
  request_parser parser;
  std::size_t used = 0;
  ASSERT_EQ(parser.feed(kRequest, used), parse_status::done);
  EXPECT_EQ(serialize(parser.message()), kRequest);

  http_response response;
  response.version = "HTTP/1.0";
  response.status = 426;
  response.reason = "Upgrade Required";
  response.headers.add("sec-websocket-version", "13");
  response.headers.add("X-Empty", "");
  const auto bytes = serialize(response);
  EXPECT_EQ(bytes,
            "HTTP/1.0 426 Upgrade Required\r\nsec-websocket-version: 13\r\nX-Empty: \r\n\r\n");
  response_parser back;
  ASSERT_EQ(back.feed(bytes, used), parse_status::done) << back.error();
  EXPECT_EQ(back.message(), response);
}

TEST(HttpHeadSerializer, StatusCodesKeepThreeDigits) {
  // Found by fuzz/handshake_response_fuzzer: "050" was written back as "50".
  response_parser parser;
  std::size_t used = 0;
  ASSERT_EQ(parser.feed("HTTP/1.1 050 Odd\r\n\r\n", used), parse_status::done);
  EXPECT_EQ(parser.message().status, 50u);
  EXPECT_EQ(serialize(parser.message()), "HTTP/1.1 050 Odd\r\n\r\n");
  http_response big;
  big.status = 1000;  // any status can be sent, also one no parser accepts
  EXPECT_EQ(serialize(big), "HTTP/1.1 1000 \r\n\r\n");
}

TEST(HttpHeadSerializer, WritesWhateverTheModelHolds) {
  http_request request;
  request.method = "BREW";
  request.target = "*";
  request.version = "HTTP/0.9";
  request.headers.add("Host", "a");
  request.headers.add("Host", "b");
  EXPECT_EQ(serialize(request), "BREW * HTTP/0.9\r\nHost: a\r\nHost: b\r\n\r\n");
}

TEST(HttpHeaders, SetRemoveAndAdd) {
  http_headers h;
  h.add("A", "1");
  h.add("B", "2");
  h.add("a", "3");
  h.set("A", "x");
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_EQ(h.fields[0], (http_header{"A", "x"}));
  EXPECT_EQ(h.fields[1], (http_header{"B", "2"}));
  h.set("C", "4");
  EXPECT_EQ(h.fields.back(), (http_header{"C", "4"}));
  EXPECT_EQ(h.remove("b"), 1u);
  EXPECT_EQ(h.remove("b"), 0u);
  EXPECT_EQ(h.find("B"), nullptr);
  EXPECT_FALSE(h.contains("B"));
  EXPECT_EQ(h.combined("B"), "");
}

TEST(HttpLists, TokenListsAndHasToken) {
  const auto list = parse_token_list(" chat ,, superchat,\tv2.json ,");
  ASSERT_TRUE(list.ok()) << list.error;
  EXPECT_EQ(list.tokens, (std::vector<std::string>{"chat", "superchat", "v2.json"}));
  EXPECT_FALSE(parse_token_list("chat, super chat").ok());
  EXPECT_FALSE(parse_token_list("a, \"b\"").ok());
  EXPECT_TRUE(parse_token_list("").tokens.empty());

  http_headers h;
  h.add("Connection", "keep-alive");
  h.add("connection", "x, UpGrade ");
  EXPECT_TRUE(has_token(h, "CONNECTION", "upgrade"));
  EXPECT_FALSE(has_token(h, "Connection", "close"));
  h.fields[1].value = "upgrades";
  EXPECT_FALSE(has_token(h, "Connection", "upgrade"));
}

TEST(HttpVersion, AtLeast11) {
  EXPECT_TRUE(is_http_version_at_least_1_1("HTTP/1.1"));
  EXPECT_TRUE(is_http_version_at_least_1_1("HTTP/1.9"));
  EXPECT_TRUE(is_http_version_at_least_1_1("HTTP/2.0"));
  EXPECT_FALSE(is_http_version_at_least_1_1("HTTP/1.0"));
  EXPECT_FALSE(is_http_version_at_least_1_1("HTTP/0.9"));
  EXPECT_FALSE(is_http_version_at_least_1_1("http/1.1"));
  EXPECT_FALSE(is_http_version_at_least_1_1("HTTP/1.10"));
}

}  // namespace
}  // namespace wsprobe::wire
