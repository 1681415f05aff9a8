// The files a test-server run writes for CI beside index.json: DIR/junit.xml (and a copy at
// --junit FILE), the baseline comparison inside index.json (--baseline), Autobahn's JSON
// (--autobahn-json DIR) and a Markdown summary (--summary-md FILE). docs/ci.md, docs/baseline.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/report/baseline.hpp"
#include "harness/report/junit_report.hpp"
#include "harness/report/result.hpp"

namespace wsprobe::report {

struct ci_outputs_options {
  std::filesystem::path report_dir;   // where index.json is; junit.xml goes beside it
  std::string junit_file;             // also write junit.xml here (empty: no)
  std::string autobahn_dir;           // Autobahn index.json and per-case files (empty: no)
  std::string summary_md;             // Markdown summary, appended (empty: no)
  const baseline* base = nullptr;     // compare with this; adds "baseline" to index.json
  std::vector<skipped_case> skipped;  // cases left out, listed as <skipped> in JUnit
};

// Writes what `options` asks for, after write_json_report. Returns the comparison with the
// baseline when there is one. Throws std::runtime_error naming a path on failure.
std::optional<baseline_comparison> write_ci_outputs(const run_report& report,
                                                    const ci_outputs_options& options);

}  // namespace wsprobe::report
