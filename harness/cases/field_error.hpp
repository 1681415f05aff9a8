// The error the parsing helpers throw: a JSON path and what is wrong there. The loader adds the
// file and the case and turns it into a case_error.
#pragma once

#include <string>

namespace wsprobe::cases {

struct field_error {
  std::string path;     // "steps[1].send_frame.opcode"; empty = the case itself
  std::string message;  // "unknown opcode \"txt\""
};

}  // namespace wsprobe::cases
