// DIR/index.json, schema "wsprobe-report/1" (DESIGN.md §4).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

#include "harness/report/result.hpp"

namespace wsprobe::report {

inline constexpr const char* report_schema = "wsprobe-report/1";

// The JSON form of a byte_digest: {"length": n, "hex": "…"} or, elided,
// {"length": n, "sha256": "…"}.
nlohmann::ordered_json as_json(const byte_digest& digest);
// {"t_us", "dir": "out"|"in", "kind": "frame"|"raw"|"http", "fin", "rsv", "opcode", "masked",
//  "length" (frames only), then the bytes as as_json(byte_digest) under "bytes"}.
nlohmann::ordered_json as_json(const wirelog_entry& entry);
nlohmann::ordered_json as_json(const case_result& result);
// {"total", "OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"}.
nlohmann::ordered_json as_json(const summary& s);
// The whole document, in the key order of DESIGN.md §4.
nlohmann::ordered_json as_json(const run_report& report);

// Writes `report` to dir/index.json atomically (a temporary file in dir, then rename), creating
// dir when needed. Throws std::runtime_error naming the path on failure.
std::filesystem::path write_json_report(const run_report& report, const std::filesystem::path& dir);

// Writes `text` to `path` atomically (temporary file beside it, then rename). For the other
// writers of the same folder too.
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace wsprobe::report
