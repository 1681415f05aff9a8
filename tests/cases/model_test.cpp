// What the loader puts in the model: defaults, the fail shorthand, every step kind.
#include <gtest/gtest.h>

#include "harness/cases/loader.hpp"

namespace wsprobe::cases {
namespace {

test_case load_one(const std::string& fields) {
  const auto cases = load_text(
      R"({"id": "area.one", "title": "t", "rfc": ["6455#5.2"], )" + fields + "}", "one.json");
  EXPECT_EQ(cases.size(), 1u);
  return cases.at(0);
}

TEST(model, defaults_are_filled_in) {
  const auto c = load_one(R"("steps": [], "expect": {"OK": {"echo": true}})");
  EXPECT_EQ(c.area, "area");
  EXPECT_EQ(c.under_test, party::server);
  ASSERT_EQ(c.transports.size(), 1u);
  EXPECT_EQ(c.transports[0], transport::h1);
  EXPECT_FALSE(c.timeout_ms);
  EXPECT_EQ(c.close.by, closer::us);
  EXPECT_EQ(c.close.codes, (std::vector<std::uint16_t>{1000}));
  EXPECT_TRUE(c.close.clean);
  EXPECT_EQ(c.finish.what, finish_spec::kind::close);
  EXPECT_EQ(c.finish.code, 1000);
  ASSERT_EQ(c.outcomes.size(), 1u);
  EXPECT_TRUE(c.outcomes[0].echo);
  EXPECT_FALSE(c.outcomes[0].events);
  EXPECT_EQ(c.outcomes[0].status, (std::vector<int>{101}));
  EXPECT_FALSE(c.ends_after_handshake());
  EXPECT_EQ(c.file, "one.json");
  EXPECT_EQ(c.location(), "one.json: case \"area.one\"");
}

TEST(model, fail_shorthand_expands_into_ok_and_close) {
  const auto c =
      load_one(R"("steps": [], "expect": {"NON-STRICT": [], "fail": {"codes": [1002, 1007]}})");
  ASSERT_EQ(c.outcomes.size(), 2u);
  EXPECT_EQ(c.outcomes[0].result, verdict::ok);  // verdict order, whatever the file order
  ASSERT_TRUE(c.outcomes[0].events);
  EXPECT_TRUE(c.outcomes[0].events->empty());
  EXPECT_EQ(c.outcomes[1].result, verdict::non_strict);
  EXPECT_EQ(c.close.by, closer::peer);
  EXPECT_EQ(c.close.codes, (std::vector<std::uint16_t>{1002, 1007}));
  EXPECT_FALSE(c.close.clean);
  EXPECT_EQ(c.finish.what, finish_spec::kind::wait);  // derived from close.by
}

TEST(model, close_and_finish_forms) {
  auto c = load_one(
      R"("steps": [], "expect": {"OK": []}, "close": {"by": "peer", "codes": [1002], "clean": false})");
  EXPECT_EQ(c.finish.what, finish_spec::kind::wait);
  c = load_one(R"("steps": [], "expect": {"OK": []}, "close": {"informational": true})");
  EXPECT_TRUE(c.close.informational);
  EXPECT_EQ(c.finish.what, finish_spec::kind::close);
  c = load_one(
      R"("steps": [], "expect": {"OK": []}, "finish": {"close": {"code": 3000, "reason": "x"}})");
  EXPECT_EQ(c.finish.what, finish_spec::kind::close);
  EXPECT_EQ(c.finish.code, 3000);
  EXPECT_EQ(c.finish.reason, "x");
}

TEST(model, outcome_object_fields) {
  const auto c = load_one(R"("steps": [], "expect": {"OK": {"events": [], "status": [426],
      "headers": {"Sec-WebSocket-Version": "13", "X-Gone": null}, "subprotocol": null},
      "INFORMATIONAL": {"status": [101], "subprotocol": "chat"}})");
  ASSERT_EQ(c.outcomes.size(), 2u);
  const outcome& ok = *c.outcome_for(verdict::ok);
  EXPECT_EQ(ok.status, (std::vector<int>{426}));
  ASSERT_EQ(ok.headers.size(), 2u);
  EXPECT_EQ(ok.headers[0].name, "Sec-WebSocket-Version");
  EXPECT_EQ(ok.headers[0].value, "13");
  EXPECT_FALSE(ok.headers[1].value);
  EXPECT_TRUE(ok.check_subprotocol);
  EXPECT_FALSE(ok.subprotocol);
  EXPECT_EQ(c.outcome_for(verdict::informational)->subprotocol, "chat");
  EXPECT_EQ(c.outcome_for(verdict::unimplemented), nullptr);
  EXPECT_FALSE(c.ends_after_handshake());  // INFORMATIONAL still accepts 101
}

TEST(model, every_step_kind) {
  const auto c = load_one(R"("steps": [
      {"send_frame": {"opcode": 11, "fin": false, "rsv2": true, "payload": "x", "mask": "0a0b0c0d",
                      "length_form": "64", "declared_length": 9, "length_msb": true, "chunk": 1}},
      {"send_message": {"opcode": "binary", "payload": {"repeat": "*", "bytes": 10}, "fragment_size": 4, "mask": "none"}},
      {"send_close": {"code": 1000, "reason": "bye"}},
      {"send_close": {"payload": {"hex": "03"}}},
      {"send_close": {}},
      {"send_raw": {"payload": {"hex": "81 00"}, "chunk": 1}},
      {"pause": {"ms": 50}},
      {"await": "echo"}, {"await": "pong"}, {"await": {"messages": 3}},
      {"expect_fail_fast": {"window_ms": 100}},
      {"repeat": {"count": 3, "steps": [{"send_frame": {"opcode": "ping"}}, {"await": "pong"}]}}],
      "expect": {"OK": [{"message": {"opcode": "text", "payload": "Hello"}}, {"pong": {"payload": "x"}}]})");
  ASSERT_EQ(c.steps.size(), 12u);
  const auto& f = std::get<send_frame_step>(c.steps[0]);
  EXPECT_EQ(f.opcode, 11);
  EXPECT_FALSE(f.fin);
  EXPECT_TRUE(f.rsv2);
  EXPECT_EQ(f.mask.mode, mask_mode::fixed);
  EXPECT_EQ(f.mask.key, (wire::masking_key{0x0a, 0x0b, 0x0c, 0x0d}));
  EXPECT_EQ(f.length_form, wire::length_form::len64);
  EXPECT_EQ(f.declared_length, 9u);
  EXPECT_TRUE(f.length_msb);
  EXPECT_EQ(f.chunk, 1u);
  const auto& m = std::get<send_message_step>(c.steps[1]);
  EXPECT_EQ(m.opcode, wire::opcode::binary);
  EXPECT_EQ(m.frame_sizes(), (std::vector<std::uint64_t>{4, 4, 2}));
  EXPECT_EQ(m.mask.mode, mask_mode::none);
  EXPECT_EQ(std::get<send_close_step>(c.steps[2]).close_payload(),
            (std::vector<std::uint8_t>{0x03, 0xe8, 'b', 'y', 'e'}));
  EXPECT_EQ(std::get<send_close_step>(c.steps[3]).close_payload(), (std::vector<std::uint8_t>{3}));
  EXPECT_TRUE(std::get<send_close_step>(c.steps[4]).close_payload().empty());
  EXPECT_EQ(std::get<send_raw_step>(c.steps[5]).payload.size(), 2u);
  EXPECT_EQ(std::get<pause_step>(c.steps[6]).ms, 50u);
  EXPECT_EQ(std::get<await_step>(c.steps[7]).what, await_step::kind::echo);
  EXPECT_EQ(std::get<await_step>(c.steps[8]).what, await_step::kind::pong);
  EXPECT_EQ(std::get<await_step>(c.steps[9]).what, await_step::kind::counts);
  EXPECT_EQ(std::get<await_step>(c.steps[9]).messages, 3u);
  EXPECT_EQ(std::get<expect_fail_fast_step>(c.steps[10]).window_ms, 100u);
  const auto& r = std::get<repeat_step>(c.steps[11]);
  EXPECT_EQ(r.count, 3u);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(std::get<send_frame_step>(r.steps[0]).opcode, wire::opcode::ping);
  const auto& events = *c.outcomes[0].events;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].what, expected_event::kind::message);
  EXPECT_TRUE(events[0].payload.equals(std::vector<std::uint8_t>{'H', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(events[1].what, expected_event::kind::pong);
}

TEST(model, message_without_fragmenting_is_one_frame) {
  const auto c = load_one(R"("steps": [{"send_message": {"opcode": "text", "payload": ""}},
      {"send_message": {"opcode": "text", "payload": "abcde", "fragments": [3, 0, 2]}}], "expect": {"OK": []})");
  EXPECT_EQ(std::get<send_message_step>(c.steps[0]).frame_sizes(), (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(std::get<send_message_step>(c.steps[1]).frame_sizes(),
            (std::vector<std::uint64_t>{3, 0, 2}));
}

TEST(model, handshake_changes) {
  const auto c =
      load_one(R"("steps": [], "expect": {"OK": {"status": [400]}}, "handshake": {"request": {
      "method": "POST", "version": "HTTP/1.0", "target": "/chat",
      "headers": {"Sec-WebSocket-Version": "8", "Host": null},
      "add_headers": [["Origin", "http://example.com"]], "subprotocols": ["chat", "superchat"]}})");
  EXPECT_EQ(c.handshake.method, "POST");
  EXPECT_EQ(c.handshake.version, "HTTP/1.0");
  EXPECT_EQ(c.handshake.target, "/chat");
  ASSERT_EQ(c.handshake.headers.size(), 2u);
  EXPECT_EQ(c.handshake.headers[0].second, "8");
  EXPECT_FALSE(c.handshake.headers[1].second);
  ASSERT_EQ(c.handshake.add_headers.size(), 1u);
  EXPECT_EQ(c.handshake.subprotocols, (std::vector<std::string>{"chat", "superchat"}));
  EXPECT_TRUE(c.ends_after_handshake());
}

TEST(model, verdict_names_round_trip) {
  for (auto v : {verdict::ok, verdict::non_strict, verdict::informational, verdict::unimplemented,
                 verdict::failed}) {
    EXPECT_EQ(verdict_from_name(verdict_name(v)), v);
  }
  EXPECT_EQ(verdict_name(verdict::non_strict), "NON-STRICT");
  EXPECT_FALSE(verdict_from_name("ok"));
}

}  // namespace
}  // namespace wsprobe::cases
