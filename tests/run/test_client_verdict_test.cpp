// Rules for cases against clients: request checks, masking keys, client actions after our
// handshake response, the server-side close verdict, the response we build, runCase targets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/cases/loader.hpp"
#include "harness/run/server_response.hpp"
#include "harness/run/test_client_runner.hpp"
#include "harness/run/verdict.hpp"
#include "harness/wire/handshake.hpp"

namespace wsprobe::run {
namespace {

using cases::verdict;

cases::test_case load_one(const std::string& json) {
  std::vector<cases::test_case> all = cases::load_text(json, "test.json");
  EXPECT_EQ(all.size(), 1u);
  return all.at(0);
}

// An upgraded connection as the server, where the client echoed one message.
observation echoed_as_server() {
  observation o;
  o.as_server = true;
  o.connected = true;
  o.response_received = true;
  o.status = 101;
  o.upgraded = true;
  o.sent.push_back({0x1, {'h', 'i'}});
  received_event e;
  e.payload = {'h', 'i'};
  o.events.push_back(e);
  o.initiator = close_initiator::us;
  o.close_sent = true;
  o.close_received = true;
  o.close_code = 1000;
  o.sent_close_code = 1000;
  o.client_action = "proceeded";
  return o;
}

const char* echo_case = R"({"id": "client.echo", "title": "t", "rfc": ["6455#5.1"],
  "under_test": "client", "steps": [{"send_message": {"opcode": "text", "payload": "hi"}}],
  "expect": {"OK": {"echo": true}}})";

TEST(WeakMasking, VariedKeysAreFine) {
  observation o;
  o.mask_keys = {{1, 2, 3, 4}, {5, 6, 7, 8}, {1, 2, 3, 4}};
  EXPECT_FALSE(weak_masking(o));
}

TEST(WeakMasking, AllZeroKeysAreNamed) {
  observation o;
  o.mask_keys = {{0, 0, 0, 0}};
  ASSERT_TRUE(weak_masking(o));
  EXPECT_NE(weak_masking(o)->find("00000000"), std::string::npos);
}

TEST(WeakMasking, OneFixedKeyInEveryFrameIsNamed) {
  observation o;
  o.mask_keys = {{9, 9, 9, 9}, {9, 9, 9, 9}};
  ASSERT_TRUE(weak_masking(o));
  EXPECT_NE(weak_masking(o)->find("same masking key in all 2"), std::string::npos);
  o.mask_keys.pop_back();
  EXPECT_FALSE(weak_masking(o));  // one frame with a non-zero key says nothing yet
}

TEST(ClientJudge, EchoingClientIsOk) {
  const cases::test_case c = load_one(echo_case);
  const judgement j = judge(c, echoed_as_server());
  EXPECT_EQ(j.result, verdict::ok) << j.reason;
  EXPECT_EQ(j.close_result, verdict::ok) << j.close_reason;
}

TEST(ClientJudge, FixedMaskingKeyIsNonStrict) {
  const cases::test_case c = load_one(echo_case);
  observation o = echoed_as_server();
  o.mask_keys = {{7, 7, 7, 7}, {7, 7, 7, 7}, {7, 7, 7, 7}};
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::non_strict);
  EXPECT_NE(j.reason.find("§5.3"), std::string::npos);
}

TEST(ClientJudge, BadRequestFails) {
  const cases::test_case c = load_one(echo_case);
  observation o = echoed_as_server();
  o.request_problem = "Sec-WebSocket-Key is not 16 bytes in base64";
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_NE(j.reason.find("invalid opening handshake request"), std::string::npos);
}

TEST(ClientJudge, UnmaskedClientFrameFails) {
  const cases::test_case c = load_one(echo_case);
  observation o = echoed_as_server();
  o.peer_violation = "unmasked frame from a client";
  EXPECT_EQ(judge(c, o).result, verdict::failed);
}

TEST(ClientJudge, ClientClosingTcpFirstIsANonStrictCloseVerdict) {
  const cases::test_case c = load_one(echo_case);
  observation o = echoed_as_server();
  o.peer_closed_tcp = true;
  o.client_closed_tcp_first = true;
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::ok);
  EXPECT_EQ(j.close_result, verdict::non_strict);
  EXPECT_NE(j.close_reason.find("closed TCP before the server"), std::string::npos);
}

TEST(ClientJudge, ClientActionsPickTheVerdict) {
  const cases::test_case c = load_one(R"({"id": "client.redirect", "title": "t",
    "rfc": ["6455#4.1"], "under_test": "client",
    "handshake": {"response": {"status": 301, "headers": {"Location": "{location}"}}},
    "steps": [], "expect": {"OK": {"client": ["failed", "followed"]},
                             "INFORMATIONAL": {"client": ["retried"]}},
    "close": {"informational": true}, "finish": "wait"})");
  ASSERT_TRUE(c.handshake.response.given);
  EXPECT_EQ(c.handshake.response.status, 301u);
  observation o;
  o.as_server = true;
  o.connected = true;
  o.response_received = true;
  o.status = 301;
  o.client_action = "followed";
  EXPECT_EQ(judge(c, o).result, verdict::ok);
  o.client_action = "retried";
  EXPECT_EQ(judge(c, o).result, verdict::informational);
  o.client_action = "proceeded";
  const judgement j = judge(c, o);
  EXPECT_EQ(j.result, verdict::failed);
  EXPECT_NE(j.reason.find("client proceeded, expected failed or followed"), std::string::npos);
  EXPECT_EQ(j.close_result, verdict::ok);  // nothing to close after a refusal
}

TEST(ClientCases, UnknownClientActionIsRefused) {
  EXPECT_THROW(load_one(R"({"id": "client.x", "title": "t", "rfc": ["6455#4.1"],
    "steps": [], "expect": {"OK": {"client": ["vanished"]}}})"),
               std::exception);
}

TEST(ServerResponse, StandardAcceptForTheClientsKey) {
  wire::http_request req;
  req.headers.add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  const wire::http_response r = make_server_response({}, req, "ws://h/followed/1");
  EXPECT_EQ(r.status, 101u);
  EXPECT_EQ(r.reason, "Switching Protocols");
  ASSERT_NE(r.headers.find("Sec-WebSocket-Accept"), nullptr);
  EXPECT_EQ(*r.headers.find("Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");  // §1.3
}

TEST(ServerResponse, ChangesApplyInOrderWithPlaceholders) {
  wire::http_request req;
  req.headers.add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  cases::response_changes ch;
  ch.given = true;
  ch.status = 302;
  ch.version = "HTTP/1.0";
  ch.headers.emplace_back("Location", "{location}");
  ch.headers.emplace_back("Content-Length", std::nullopt);
  ch.add_headers.emplace_back("X-Accept", "{accept}");
  const wire::http_response r = make_server_response(ch, req, "ws://h:1/followed/3");
  EXPECT_EQ(r.status, 302u);
  EXPECT_EQ(r.reason, "Found");
  EXPECT_EQ(r.version, "HTTP/1.0");
  EXPECT_EQ(*r.headers.find("Location"), "ws://h:1/followed/3");
  EXPECT_FALSE(r.headers.contains("Content-Length"));
  EXPECT_FALSE(r.headers.contains("Upgrade"));
  EXPECT_EQ(*r.headers.find("X-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(RequestTarget, RunCaseByNumberOrTuple) {
  const std::vector<cases::test_case> cs = cases::load_text(R"([
    {"id": "framing.a", "autobahn": "1.1.1", "title": "t", "rfc": ["6455#5.2"], "steps": [],
     "expect": {"OK": []}},
    {"id": "framing.b", "autobahn": "1.1.2", "title": "t", "rfc": ["6455#5.2"], "steps": [],
     "expect": {"OK": []}}])",
                                                            "t.json");
  const request_target t = parse_request_target("/runCase?case=2&agent=my%20agent");
  EXPECT_EQ(t.path, "/runCase");
  ASSERT_NE(t.find("agent"), nullptr);
  EXPECT_EQ(*t.find("agent"), "my agent");
  EXPECT_EQ(case_index_for(t, cs), 1u);
  EXPECT_EQ(case_index_for(parse_request_target("/runCase?casetuple=1.1.1"), cs), 0u);
  EXPECT_FALSE(case_index_for(parse_request_target("/runCase?case=3"), cs));
  EXPECT_FALSE(case_index_for(parse_request_target("/runCase?case=0"), cs));
  EXPECT_FALSE(case_index_for(parse_request_target("/runCase?case=x"), cs));
}

}  // namespace
}  // namespace wsprobe::run
