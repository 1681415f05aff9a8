// Baselines: compare a run with a previous run (its index.json) or with a small expectations
// file, so that CI fails on regressions only (docs/baseline.md). Also `wsprobe report diff A B`.
#pragma once

#include <nlohmann/json.hpp>

#include <compare>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/report/result.hpp"

namespace wsprobe::report {

inline constexpr const char* baseline_schema = "wsprobe-baseline/1";

// A baseline or report file that cannot be read; what() names the file and the problem.
class baseline_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A case of a run: id and transport ("h1", "h2").
struct case_key {
  std::string id;
  std::string transport = "h1";

  auto operator<=>(const case_key&) const = default;
  bool operator==(const case_key&) const = default;
};

// "id" for h1, "id [h2]" otherwise: how cases are named in listings.
std::string display_name(const case_key& key);

// The verdict of one case of a run, as a baseline comparison needs it.
struct case_outcome {
  case_key key;
  verdict result = verdict::failed;
  std::string reason;
};

// The outcomes of a run in memory, or of an index.json (schema "wsprobe-report/1").
std::vector<case_outcome> outcomes_of(std::span<const case_result> results);
std::vector<case_outcome> outcomes_from_report_json(const nlohmann::ordered_json& index,
                                                    const std::string& source);
// Reads an index.json; throws baseline_error.
std::vector<case_outcome> load_report_outcomes(const std::filesystem::path& index_json);

// One line of an expectations file: cases whose id matches `pattern` (a glob, `*` and `?`, as
// --cases) may have any of `allowed`.
struct expectation_rule {
  std::string pattern;
  std::vector<verdict> allowed;
};

// What a run is compared with.
struct baseline {
  enum class kind { report, expectations };
  kind source_kind = kind::report;
  std::string source;  // the file it was read from

  std::map<case_key, case_outcome> previous;  // kind::report: the previous run, by case
  std::vector<expectation_rule> rules;        // kind::expectations: first match wins

  // The verdicts a case may have without regressing, or nullopt when the baseline says nothing
  // about it (then only FAILED is a regression).
  //  - report: nullopt for a case the previous run did not have; otherwise the previous
  //    verdict and every verdict but FAILED (only a new FAILED is a regression);
  //  - expectations: the first rule whose pattern matches the id.
  std::optional<std::vector<verdict>> allowed(const case_key& key) const;
  // The previous verdict (kind::report) when there is one.
  std::optional<verdict> previous_verdict(const case_key& key) const;
};

// Parses a baseline: an index.json ("schema": "wsprobe-report/1") or an expectations file
// ("schema": "wsprobe-baseline/1", "expect": {"glob": ["OK", …], …}). Throws baseline_error.
baseline baseline_from_json(const nlohmann::ordered_json& doc, const std::string& source);
baseline load_baseline(const std::filesystem::path& path);

// One case whose standing against the baseline is worth listing.
struct baseline_change {
  case_key key;
  std::optional<verdict> before;  // the previous verdict (report baselines)
  std::vector<verdict> allowed;   // the allowed verdicts (empty: baseline had no word)
  std::optional<verdict> after;   // nullopt: the case did not run this time
  std::string reason;             // this run's reason
};

// A run against a baseline. Every case of the run lands in at most one list.
struct baseline_comparison {
  std::string source;
  baseline::kind source_kind = baseline::kind::report;
  std::size_t compared = 0;                    // cases of the run
  std::vector<baseline_change> newly_failing;  // FAILED now, not allowed/not FAILED before
  std::vector<baseline_change> unexpected;     // not FAILED, but outside the allowed verdicts
  std::vector<baseline_change> newly_passing;  // FAILED before (or allowed to), not now
  std::vector<baseline_change> still_failing;  // FAILED before (or allowed to) and now
  std::vector<baseline_change> changed;        // other verdict changes (report baselines)
  std::vector<baseline_change> missing;        // in the previous run, not in this one

  // newly_failing + unexpected: what makes the exit code 1.
  std::size_t regressions() const { return newly_failing.size() + unexpected.size(); }
};

baseline_comparison compare_with_baseline(const baseline& base, std::span<const case_outcome> run);

// The "baseline" object of index.json (field names in docs/baseline.md):
// {"source", "kind": "report"|"expectations", "compared", "regressions",
//  "newly_failing": [change], "unexpected": [...], "newly_passing": [...],
//  "still_failing": [...], "changed": [...], "missing": [...]}
// with change = {"case", "transport", "before": verdict|null, "allowed": [verdict…],
//                "after": verdict|null, "reason"}.
nlohmann::ordered_json as_json(const baseline_comparison& comparison);

// The human summary: counts, then the newly failing, unexpected, newly passing and still failing
// cases one per line ("NEWLY FAILED close.foo: reason").
void print_comparison(std::FILE* out, const baseline_comparison& comparison);

}  // namespace wsprobe::report
