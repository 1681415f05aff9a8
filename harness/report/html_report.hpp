// DIR/index.html: one self-contained page (CSS, JS and the report data inline, no network) with
// a summary per agent, a matrix of cases × agents by verdict, filters and per-case details with
// the wire log (DESIGN.md §4, docs/report-format.md).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "harness/report/result.hpp"

namespace wsprobe::report {

// `json_text` made safe inside <script type="application/json">: every '<' becomes \u003c (so
// neither "</script" nor "<!--" in a payload can end or confuse the block). Still valid JSON
// that parses to the same value.
std::string escape_json_for_script(std::string_view json_text);

// `tpl` with every @@NAME@@ whose NAME is in `values` replaced by its text, in one pass: inserted
// text is never rescanned, so data that happens to spell a placeholder stays as it is, and an
// @@…@@ that names nothing is kept. Shared by the conformance and the load pages.
std::string fill_html_template(
    std::string_view tpl,
    std::initializer_list<std::pair<std::string_view, std::string_view>> values);

// The page for a report document: a single run's index.json or a merged one (merge.hpp).
std::string render_html_report(const nlohmann::ordered_json& report);

// Writes render_html_report(report) to dir/index.html atomically, creating dir when needed.
// Throws std::runtime_error naming the path on failure.
std::filesystem::path write_html_report(const nlohmann::ordered_json& report,
                                        const std::filesystem::path& dir);
// The same for a run in memory (its as_json form).
std::filesystem::path write_html_report(const run_report& report, const std::filesystem::path& dir);

}  // namespace wsprobe::report
