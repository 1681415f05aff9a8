#include "harness/report/ci_outputs.hpp"

#include "harness/report/autobahn_json.hpp"
#include "harness/report/json_report.hpp"
#include "harness/report/summary_md.hpp"

namespace wsprobe::report {

std::optional<baseline_comparison> write_ci_outputs(const run_report& report,
                                                    const ci_outputs_options& options) {
  write_junit_report(report, options.skipped, options.report_dir / "junit.xml");
  if (!options.junit_file.empty()) write_junit_report(report, options.skipped, options.junit_file);
  std::optional<baseline_comparison> comparison;
  if (options.base != nullptr) {
    comparison = compare_with_baseline(*options.base, outcomes_of(report.results));
    // index.json again, now with the comparison, for the HTML and for later tools.
    nlohmann::ordered_json doc = as_json(report);
    doc["baseline"] = as_json(*comparison);
    write_file_atomically(
        options.report_dir / "index.json",
        doc.dump(1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
  }
  if (!options.autobahn_dir.empty()) write_autobahn_json(report, options.autobahn_dir);
  if (!options.summary_md.empty())
    append_summary_markdown(report, comparison ? &*comparison : nullptr, options.summary_md);
  return comparison;
}

}  // namespace wsprobe::report
