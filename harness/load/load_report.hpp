// DIR/load.json (DESIGN.md §4, schema "wsprobe-load/1") and the one-screen summary.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/load/load_options.hpp"
#include "harness/load/load_run.hpp"

namespace wsprobe::load {

// Where the run happened: cores, kernel (uname), CPU model, CPU pinning.
nlohmann::json environment_json();

// The whole report. `version` is the tool's version.
nlohmann::json load_report_json(const load_options& options, const load_result& result,
                                const std::string& version);

// Sparse [value_us, count] pairs back into a histogram (for merging saved reports).
latency_histogram histogram_from_json(const nlohmann::json& pairs);

// The final summary for people.
void print_summary(std::FILE* out, const load_options& options, const load_result& result);

}  // namespace wsprobe::load
