// Every kind of mistake in a case file gives exactly one message that names the file, the case
// and the field.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "harness/cases/loader.hpp"

namespace wsprobe::cases {
namespace {

namespace fs = std::filesystem;

// A scratch cases/ folder, removed afterwards.
class loader_errors : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            ("wsprobe-cases-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "cases" / "area");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / "cases" / name) << text;
  }

  // Loads the folder and returns its only error (failing when there is not exactly one).
  std::string only_error() {
    const auto result = load_directory(root_ / "cases");
    EXPECT_EQ(result.errors.size(), 1u);
    for (const auto& e : result.errors) std::cerr << "  error: " << e << "\n";
    return result.errors.empty() ? std::string() : result.errors.front();
  }

  // The one error of a single case `body` (fields after the required ones), placed in
  // cases/area/x.json.
  std::string error_of_case(const std::string& fields) {
    write("area/x.json", R"({"id": "area.x", "title": "t", "rfc": ["6455#5.2"], )" + fields + "}");
    return only_error();
  }

  fs::path root_;
};

constexpr const char* file = "cases/area/x.json: ";
constexpr const char* ok_expect = R"("expect": {"OK": []})";

TEST_F(loader_errors, invalid_json_names_line_and_column) {
  write("area/x.json", "{\n  \"id\": \"area.x\",\n  \"title\": oops\n}");
  const auto e = only_error();
  EXPECT_EQ(e.rfind("cases/area/x.json:3:", 0), 0u) << e;
  EXPECT_NE(e.find("invalid JSON"), std::string::npos) << e;
}

TEST_F(loader_errors, unknown_field) {
  const auto e = error_of_case(std::string(R"("stepz": [], )") + ok_expect);
  EXPECT_EQ(e, std::string(file) + "case \"area.x\": stepz: unknown field");
}

TEST_F(loader_errors, unknown_field_inside_a_step) {
  const auto e = error_of_case(
      std::string(R"("steps": [{"send_frame": {"opcode": "text", "opcod": 1}}], )") + ok_expect);
  EXPECT_EQ(e, std::string(file) + "case \"area.x\": steps[0].send_frame.opcod: unknown field");
}

TEST_F(loader_errors, unknown_step_kind) {
  const auto e = error_of_case(
      std::string(R"("steps": [{"pause": {"ms": 1}}, {"sendframe": {}}], )") + ok_expect);
  EXPECT_EQ(e.rfind(std::string(file) +
                        "case \"area.x\": steps[1].sendframe: unknown step kind \"sendframe\"",
                    0),
            0u)
      << e;
}

TEST_F(loader_errors, step_with_zero_or_two_keys) {
  auto e = error_of_case(std::string(R"("steps": [{}], )") + ok_expect);
  EXPECT_EQ(e,
            std::string(file) + "case \"area.x\": steps[0]: a step has exactly one key, found 0");
  e = error_of_case(std::string(R"("steps": [{"pause": {"ms": 1}, "await": "echo"}], )") +
                    ok_expect);
  EXPECT_EQ(
      e,
      std::string(file) +
          "case \"area.x\": steps[0]: a step has exactly one key, found 2 (\"pause\", \"await\")");
}

TEST_F(loader_errors, wrong_type) {
  const auto e = error_of_case(
      std::string(R"("steps": [{"send_frame": {"opcode": "text", "fin": "yes"}}], )") + ok_expect);
  EXPECT_EQ(e,
            std::string(file) +
                "case \"area.x\": steps[0].send_frame.fin: expected true or false, found string");
}

TEST_F(loader_errors, unknown_opcode) {
  const auto e =
      error_of_case(std::string(R"("steps": [{"send_frame": {"opcode": "txt"}}], )") + ok_expect);
  EXPECT_EQ(e.rfind(std::string(file) +
                        "case \"area.x\": steps[0].send_frame.opcode: unknown opcode \"txt\"",
                    0),
            0u)
      << e;
}

TEST_F(loader_errors, missing_required_field) {
  const auto e = error_of_case(R"("steps": [])");
  EXPECT_EQ(e, std::string(file) + "case \"area.x\": expect: missing required field");
}

TEST_F(loader_errors, missing_id_names_the_index) {
  write("area/x.json",
        std::string(R"([{"id": "area.a", "title": "t", "rfc": ["6455#1"], "steps": [], )") +
            ok_expect + R"(}, {"title": "t", "rfc": ["6455#1"], "steps": [], )" + ok_expect + "}]");
  EXPECT_EQ(only_error(), std::string(file) + "case #1: id: missing required field");
}

TEST_F(loader_errors, bad_hex) {
  const auto e = error_of_case(
      std::string(R"("steps": [{"send_raw": {"payload": {"hex": "81 0g"}}}], )") + ok_expect);
  EXPECT_EQ(
      e.rfind(std::string(file) + "case \"area.x\": steps[0].send_raw.payload.hex: bad hex", 0), 0u)
      << e;
  const auto odd = error_of_case(
      std::string(R"("steps": [{"send_raw": {"payload": {"hex": "810"}}}], )") + ok_expect);
  EXPECT_EQ(
      odd, std::string(file) +
               "case \"area.x\": steps[0].send_raw.payload.hex: bad hex: odd number of hex digits");
}

TEST_F(loader_errors, bad_base64) {
  const auto e = error_of_case(
      std::string(R"("steps": [{"send_raw": {"payload": {"base64": "AAE"}}}], )") + ok_expect);
  EXPECT_EQ(
      e.rfind(std::string(file) + "case \"area.x\": steps[0].send_raw.payload.base64: bad base64",
              0),
      0u)
      << e;
}

TEST_F(loader_errors, fragments_not_adding_up) {
  const auto e = error_of_case(
      std::string(
          R"("steps": [{"send_message": {"opcode": "text", "payload": "Hello!", "fragments": [3, 2]}}], )") +
      ok_expect);
  EXPECT_EQ(e, std::string(file) +
                   "case \"area.x\": steps[0].send_message.fragments: fragments "
                   "add up to 5 bytes, the payload has 6");
}

TEST_F(loader_errors, matrix_expanding_to_nothing) {
  auto e = error_of_case(std::string(R"("matrix": [], "steps": [], )") + ok_expect);
  EXPECT_EQ(e, std::string(file) + "case \"area.x\": matrix: expands to no case");
  e = error_of_case(std::string(R"("matrix": {"a": [1, 2], "b": []}, "steps": [], )") + ok_expect);
  EXPECT_EQ(e, std::string(file) + "case \"area.x\": matrix: expands to no case");
}

TEST_F(loader_errors, variable_without_value) {
  write("area/x.json",
        std::string(R"({"id": "area.x-${n}", "title": "t ${m}", "rfc": ["6455#1"], )") +
            R"("matrix": [{"n": 1}, {"n": 2}], "steps": [], )" + ok_expect + "}");
  EXPECT_EQ(
      only_error(),
      std::string(file) +
          "case \"area.x-${n}\" (matrix entry 0): title: ${m} has no value in this matrix entry");
  write("area/x.json",
        std::string(R"({"id": "area.x", "title": "t ${m}", "rfc": ["6455#1"], "steps": [], )") +
            ok_expect + "}");
  EXPECT_EQ(only_error(), std::string(file) +
                              "case \"area.x\": title: ${m} has no value (the case has no matrix)");
}

TEST_F(loader_errors, error_in_one_matrix_entry_names_it) {
  write(
      "area/x.json",
      std::string(
          R"({"id": "area.x-${n}", "title": "t", "rfc": ["6455#1"], "matrix": [{"n": 1, "op": "text"}, {"n": 2, "op": "txt"}], )") +
          R"("steps": [{"send_frame": {"opcode": "${op}"}}], )" + ok_expect + "}");
  const auto e = only_error();
  EXPECT_EQ(e.rfind(std::string(file) + "case \"area.x-${n}\" (matrix entry 1): "
                                        "steps[0].send_frame.opcode: unknown opcode \"txt\"",
                    0),
            0u)
      << e;
}

TEST_F(loader_errors, duplicate_ids_across_files) {
  const std::string c =
      std::string(R"({"id": "area.same", "title": "t", "rfc": ["6455#1"], "steps": [], )") +
      ok_expect + "}";
  write("area/a.json", c);
  write("area/b.json", c);
  EXPECT_EQ(only_error(),
            "cases/area/b.json: case \"area.same\": id: duplicate id, first defined in "
            "cases/area/a.json");
}

TEST_F(loader_errors, invalid_verdict_names) {
  auto e = error_of_case(R"("steps": [], "expect": {"GOOD": []})");
  EXPECT_EQ(
      e.rfind(std::string(file) + "case \"area.x\": expect.GOOD: invalid verdict \"GOOD\"", 0), 0u)
      << e;
  e = error_of_case(R"("steps": [], "expect": {"FAILED": []})");
  EXPECT_EQ(e.rfind(std::string(file) +
                        "case \"area.x\": expect.FAILED: FAILED is what matches no outcome",
                    0),
            0u)
      << e;
}

TEST_F(loader_errors, invalid_id) {
  write("area/x.json",
        std::string(R"([{"id": "Area.Upper", "title": "t", "rfc": ["6455#1"], "steps": [], )") +
            ok_expect + "}]");
  auto e = only_error();
  EXPECT_EQ(e.rfind(std::string(file) + "case \"Area.Upper\": id: invalid id \"Area.Upper\"", 0),
            0u)
      << e;
  write("area/x.json",
        std::string(R"({"id": "nodot", "title": "t", "rfc": ["6455#1"], "steps": [], )") +
            ok_expect + "}");
  e = only_error();
  EXPECT_EQ(e.rfind(std::string(file) + "case \"nodot\": id: invalid id", 0), 0u) << e;
}

TEST_F(loader_errors, later_cases_still_load_after_a_broken_one) {
  write("area/x.json",
        std::string(R"([{"id": "area.bad", "title": "t", "rfc": ["6455#1"], "steps": 3, )") +
            ok_expect + R"(}, {"id": "area.good", "title": "t", "rfc": ["6455#1"], "steps": [], )" +
            ok_expect + "}]");
  const auto result = load_directory(root_ / "cases");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0],
            std::string(file) + "case \"area.bad\": steps: expected a list, found integer");
  ASSERT_EQ(result.cases.size(), 1u);
  EXPECT_EQ(result.cases[0].id, "area.good");
}

TEST(load_text, throws_case_error_with_the_message) {
  try {
    load_text(
        R"({"id": "a.b", "title": "t", "rfc": ["6455#1"], "steps": [{"pause": {"ms": 5000}}], "expect": {"OK": []}})",
        "mem.json");
    FAIL() << "no error";
  } catch (const case_error& e) {
    EXPECT_STREQ(e.what(),
                 "mem.json: case \"a.b\": steps[0].pause.ms: 5000 is above the limit 2000");
  }
}

}  // namespace
}  // namespace wsprobe::cases
