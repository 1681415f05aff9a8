// Loads test cases from JSON (cases/README.md) into the model of case.hpp. Every error names the
// file, the case and the JSON path of the field:
//   cases/framing/text.json: case "framing.text-${size}" (matrix entry 3):
//   steps[1].send_frame.opcode: unknown opcode "txt"
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/cases/case.hpp"

namespace wsprobe::cases {

// The one error type of this folder: the message says where and what.
class case_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses one file's text. `file_name` is used in messages and stored on each case. Throws
// case_error at the first error.
std::vector<test_case> load_text(std::string_view json_text, std::string_view file_name);

// What loading a folder found: every case that loaded, and one message per error (a broken case
// does not hide the errors of the cases after it).
struct load_result {
  std::vector<test_case> cases;     // files in path order, cases in file order
  std::vector<std::string> errors;  // empty when everything loaded
  std::size_t files = 0;            // *.json files read
};

// Loads every *.json file below `dir` (recursively, sorted by path), checks that ids are unique
// across files. File names in messages are `dir`'s last component joined with the relative path
// ("cases/framing/text.json").
load_result load_directory(const std::filesystem::path& dir);

// Like load_directory but throws case_error with the first error.
std::vector<test_case> load_directory_or_throw(const std::filesystem::path& dir);

// Where the cases are: $WSPROBE_CASES_DIR when set; else ./cases when it is a folder; else the
// first "cases" folder beside the running executable or one of its parent folders (a build
// folder sits inside the repository). Returns an empty path when none is found.
std::filesystem::path find_cases_dir();

}  // namespace wsprobe::cases
