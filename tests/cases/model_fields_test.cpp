// The loader's reading of "flush", status classes ("4xx") and known_differences, with the
// errors that name the field.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "harness/cases/loader.hpp"

namespace wsprobe::cases {
namespace {

test_case load_one(const std::string& fields) {
  const auto cases = load_text(
      R"({"id": "area.one", "title": "t", "rfc": ["6455#5.2"], )" + fields + "}", "one.json");
  EXPECT_EQ(cases.size(), 1u);
  return cases.at(0);
}

// The message of the case_error that loading `fields` throws.
std::string error_of(const std::string& fields) {
  try {
    load_one(fields);
  } catch (const case_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(model_fields, flush_defaults_to_true_on_every_send_step) {
  const auto c = load_one(R"("steps": [
      {"send_frame": {"opcode": "text", "payload": "a", "flush": false}},
      {"send_message": {"opcode": "text", "payload": "b", "flush": false}},
      {"send_close": {"code": 1000, "flush": false}},
      {"send_raw": {"payload": {"hex": "00"}, "flush": false}},
      {"send_frame": {"opcode": "text", "payload": "c"}}],
      "expect": {"OK": {"echo": true}})");
  ASSERT_EQ(c.steps.size(), 5u);
  EXPECT_FALSE(std::get<send_frame_step>(c.steps[0]).flush);
  EXPECT_FALSE(std::get<send_message_step>(c.steps[1]).flush);
  EXPECT_FALSE(std::get<send_close_step>(c.steps[2]).flush);
  EXPECT_FALSE(std::get<send_raw_step>(c.steps[3]).flush);
  EXPECT_TRUE(std::get<send_frame_step>(c.steps[4]).flush);
}

TEST(model_fields, held_step_takes_no_chunk) {
  EXPECT_EQ(error_of(R"("steps": [{"send_frame": {"opcode": "text", "chunk": 1, "flush": false}}],
                        "expect": {"OK": []})"),
            "one.json: case \"area.one\": steps[0].send_frame.flush: a step with \"flush\": false "
            "is written with the next step's bytes, so it takes no chunk");
  EXPECT_NE(error_of(R"("steps": [{"send_raw": {"payload": "x", "flush": "no"}}],
                        "expect": {"OK": []})"),
            "no error");
}

TEST(model_fields, status_classes) {
  const auto c = load_one(R"("steps": [], "expect": {"OK": {"status": [400, 426]},
      "NON-STRICT": {"status": ["4xx", "5XX"]}})");
  ASSERT_EQ(c.outcomes.size(), 2u);
  EXPECT_TRUE(c.outcomes[0].status_given);
  EXPECT_EQ(c.outcomes[0].status, (std::vector<int>{400, 426}));
  EXPECT_TRUE(c.outcomes[1].status.empty());
  EXPECT_EQ(c.outcomes[1].status_classes, (std::vector<int>{4, 5}));
  EXPECT_TRUE(c.outcomes[1].accepts_status(404));
  EXPECT_TRUE(c.outcomes[1].accepts_status(599));
  EXPECT_FALSE(c.outcomes[1].accepts_status(101));
  EXPECT_FALSE(c.outcomes[1].accepts_status(600));
  EXPECT_TRUE(c.ends_after_handshake());

  const auto plain = load_one(R"("steps": [], "expect": {"OK": []})");
  EXPECT_FALSE(plain.outcomes[0].status_given);
  EXPECT_TRUE(plain.outcomes[0].accepts_status(101));

  EXPECT_EQ(error_of(R"("steps": [], "expect": {"OK": {"status": ["4xy"]}})"),
            "one.json: case \"area.one\": expect.OK.status[0]: unknown status class \"4xy\" "
            "(like \"4xx\")");
}

TEST(model_fields, known_differences) {
  const auto c = load_one(R"("steps": [], "expect": {"OK": []},
      "known_differences": {"beast": "answers 101", "other": "also"})");
  ASSERT_EQ(c.known_differences.size(), 2u);
  EXPECT_EQ(c.known_differences[0].first, "beast");
  EXPECT_EQ(c.known_differences[0].second, "answers 101");
  EXPECT_EQ(c.known_differences[1].first, "other");
  EXPECT_TRUE(load_one(R"("steps": [], "expect": {"OK": []}, "known_differences": {})")
                  .known_differences.empty());

  EXPECT_NE(error_of(R"("steps": [], "expect": {"OK": []}, "known_differences": ["beast"])")
                .find("known_differences: "),
            std::string::npos);
  EXPECT_NE(error_of(R"("steps": [], "expect": {"OK": []}, "known_differences": {"beast": 1})")
                .find("known_differences.beast: "),
            std::string::npos);
  EXPECT_NE(error_of(R"("steps": [], "expect": {"OK": []}, "known_differences": {"beast": ""})")
                .find("known_differences.beast: must not be empty"),
            std::string::npos);
}

}  // namespace
}  // namespace wsprobe::cases
