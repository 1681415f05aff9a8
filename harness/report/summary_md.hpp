// A Markdown summary of a run for CI job pages ($GITHUB_STEP_SUMMARY, GitLab job artifacts):
// totals, a table per area, the FAILED cases with their reason, and the baseline comparison when
// there is one (docs/ci.md).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "harness/report/baseline.hpp"
#include "harness/report/result.hpp"

namespace wsprobe::report {

// Text safe inside a Markdown table cell: '|' and '\' escaped, newlines as spaces, HTML special
// characters as entities, control bytes dropped.
std::string markdown_cell(std::string_view text);

std::string summary_markdown(const run_report& report,
                             const baseline_comparison* comparison = nullptr);

// Appends (GitHub's step summary file collects several steps) or creates `path`.
void append_summary_markdown(const run_report& report, const baseline_comparison* comparison,
                             const std::filesystem::path& path);

}  // namespace wsprobe::report
