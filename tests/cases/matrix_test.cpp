// matrix expansion and ${name} substitution (cases/README.md "Families").
#include <gtest/gtest.h>

#include "harness/cases/field_error.hpp"
#include "harness/cases/loader.hpp"
#include "harness/cases/matrix.hpp"

namespace wsprobe::cases {
namespace {

using json = nlohmann::ordered_json;

TEST(matrix, list_form_gives_one_case_per_entry) {
  const auto cases = load_text(R"({
    "id": "framing.text-${size}-bytes", "autobahn": "1.1.${n}",
    "title": "Send text message with payload of length ${size}", "rfc": ["6455#5.6"],
    "matrix": [{"n": 1, "size": 0}, {"n": 2, "size": 125}, {"n": 3, "size": 126}],
    "steps": [{"send_frame": {"opcode": "text", "payload": {"repeat": "*", "bytes": "${size}"}}}],
    "expect": {"OK": {"echo": true}}})",
                               "framing/text.json");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0].id, "framing.text-0-bytes");
  EXPECT_EQ(cases[1].id, "framing.text-125-bytes");
  EXPECT_EQ(cases[2].id, "framing.text-126-bytes");
  EXPECT_EQ(cases[2].autobahn, "1.1.3");
  EXPECT_EQ(cases[2].title, "Send text message with payload of length 126");
  EXPECT_EQ(cases[2].matrix_entry, 2u);
  EXPECT_EQ(cases[2].index, 0u);
  // "${size}" alone kept its number type, so the payload is 126 bytes.
  EXPECT_EQ(std::get<send_frame_step>(cases[2].steps[0]).payload.size(), 126u);
  EXPECT_EQ(cases[2].definition["steps"][0]["send_frame"]["payload"]["bytes"], json(126));
  EXPECT_FALSE(cases[2].definition.contains("matrix"));
}

TEST(matrix, object_form_gives_every_combination_first_key_slowest) {
  const auto entries = matrix_entries(json::parse(R"({"a": [1, 2], "b": ["x", "y", "z"]})"));
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0], json::parse(R"({"a": 1, "b": "x"})"));
  EXPECT_EQ(entries[1], json::parse(R"({"a": 1, "b": "y"})"));
  EXPECT_EQ(entries[3], json::parse(R"({"a": 2, "b": "x"})"));
  EXPECT_EQ(entries[5], json::parse(R"({"a": 2, "b": "z"})"));
}

TEST(matrix, substitution_preserves_types) {
  const json vars = json::parse(R"({"n": 7, "s": "str", "b": true, "o": {"hex": "00"}, "l": [1]})");
  EXPECT_EQ(substitute("${n}", vars, ""), json(7));
  EXPECT_EQ(substitute("${b}", vars, ""), json(true));
  EXPECT_EQ(substitute("${o}", vars, ""), json::parse(R"({"hex": "00"})"));
  EXPECT_EQ(substitute("${l}", vars, ""), json::parse("[1]"));
  EXPECT_EQ(substitute("${s}", vars, ""), json("str"));
  // Inside a longer string every value becomes text.
  EXPECT_EQ(substitute("n=${n} s=${s} b=${b}", vars, ""), json("n=7 s=str b=true"));
  // Not a reference: left alone.
  EXPECT_EQ(substitute("$n ${ } ${1x} $", vars, ""), json("$n ${ } ${1x} $"));
  // Nested values, keys untouched.
  EXPECT_EQ(substitute(json::parse(R"({"${n}": ["${n}", {"k": "${s}"}]})"), vars, ""),
            json::parse(R"({"${n}": [7, {"k": "str"}]})"));
}

TEST(matrix, missing_value_names_the_path) {
  try {
    substitute(json::parse(R"({"steps": [{"pause": {"ms": "${t}"}}]})"), json::object(), "");
    FAIL() << "no error";
  } catch (const field_error& e) {
    EXPECT_EQ(e.path, "steps[0].pause.ms");
    EXPECT_NE(e.message.find("${t} has no value"), std::string::npos);
  }
}

TEST(matrix, malformed_matrices) {
  EXPECT_THROW(matrix_entries(json::parse("[]")), field_error);
  EXPECT_THROW(matrix_entries(json::parse("{}")), field_error);
  EXPECT_THROW(matrix_entries(json::parse(R"({"a": []})")), field_error);
  EXPECT_THROW(matrix_entries(json::parse(R"({"a": 1})")), field_error);
  EXPECT_THROW(matrix_entries(json::parse("[1]")), field_error);
  EXPECT_THROW(matrix_entries(json::parse("3")), field_error);
}

TEST(matrix, expand_keeps_entry_positions) {
  const auto out = expand(json::parse(R"({"id": "a.${x}", "matrix": {"x": ["p", "q"]}})"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].definition, json::parse(R"({"id": "a.q"})"));
  EXPECT_EQ(out[1].entry, 1u);
  const auto single = expand(json::parse(R"({"id": "a.b"})"));
  ASSERT_EQ(single.size(), 1u);
  EXPECT_FALSE(single[0].entry);
}

}  // namespace
}  // namespace wsprobe::cases
