#include "harness/report/baseline.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "harness/cases/selection.hpp"
#include "harness/report/json_report.hpp"

namespace wsprobe::report {
namespace {

using ojson = nlohmann::ordered_json;

bool contains(const std::vector<verdict>& vs, verdict v) {
  return std::find(vs.begin(), vs.end(), v) != vs.end();
}

nlohmann::ordered_json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw baseline_error(path.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::ordered_json::exception& e) {
    throw baseline_error(path.string() + ": not JSON: " + e.what());
  }
}

verdict parse_verdict(const nlohmann::ordered_json& v, const std::string& where) {
  if (v.is_string()) {
    if (auto parsed = verdict_from_name(v.get<std::string>())) return *parsed;
  }
  throw baseline_error(where +
                       ": not a verdict (OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, "
                       "FAILED): " +
                       v.dump());
}

ojson verdicts_json(const std::vector<verdict>& vs) {
  ojson a = ojson::array();
  for (verdict v : vs) a.push_back(std::string(verdict_name(v)));
  return a;
}

ojson change_json(const baseline_change& c) {
  ojson j;
  j["case"] = c.key.id;
  j["transport"] = c.key.transport;
  j["before"] = c.before ? ojson(std::string(verdict_name(*c.before))) : ojson(nullptr);
  j["allowed"] = verdicts_json(c.allowed);
  j["after"] = c.after ? ojson(std::string(verdict_name(*c.after))) : ojson(nullptr);
  j["reason"] = c.reason;
  return j;
}

ojson changes_json(const std::vector<baseline_change>& cs) {
  ojson a = ojson::array();
  for (const baseline_change& c : cs) a.push_back(change_json(c));
  return a;
}

std::string verdict_list(const std::vector<verdict>& vs) {
  std::string s;
  for (verdict v : vs) {
    if (!s.empty()) s += ", ";
    s += verdict_name(v);
  }
  return s;
}

}  // namespace

std::string display_name(const case_key& key) {
  return key.transport == "h1" ? key.id : key.id + " [" + key.transport + "]";
}

std::vector<case_outcome> outcomes_of(std::span<const case_result> results) {
  std::vector<case_outcome> out;
  out.reserve(results.size());
  for (const case_result& r : results) out.push_back({{r.id, r.transport}, r.result, r.reason});
  return out;
}

std::vector<case_outcome> outcomes_from_report_json(const nlohmann::ordered_json& index,
                                                    const std::string& source) {
  if (!index.is_object() || index.value("schema", "") != report_schema)
    throw baseline_error(source + ": not a wsprobe report (\"schema\": \"" + report_schema + "\")");
  const auto results = index.find("results");
  if (results == index.end() || !results->is_array())
    throw baseline_error(source + ": no \"results\" array");
  std::vector<case_outcome> out;
  for (std::size_t i = 0; i < results->size(); ++i) {
    const nlohmann::ordered_json& r = (*results)[i];
    const std::string where = source + ": results[" + std::to_string(i) + "]";
    if (!r.is_object() || !r.contains("case") || !r["case"].is_string())
      throw baseline_error(where + ": no \"case\" id");
    case_outcome o;
    o.key.id = r["case"].get<std::string>();
    if (r.contains("transport") && r["transport"].is_string())
      o.key.transport = r["transport"].get<std::string>();
    o.result = parse_verdict(r.value("verdict", nlohmann::ordered_json()), where + ".verdict");
    // json_report keeps the reason inside "observed"; a top-level one wins if a writer adds it.
    if (r.contains("reason") && r["reason"].is_string()) {
      o.reason = r["reason"].get<std::string>();
    } else if (r.contains("observed") && r["observed"].is_object() &&
               r["observed"].contains("reason") && r["observed"]["reason"].is_string()) {
      o.reason = r["observed"]["reason"].get<std::string>();
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<case_outcome> load_report_outcomes(const std::filesystem::path& index_json) {
  return outcomes_from_report_json(read_json_file(index_json), index_json.string());
}

std::optional<std::vector<verdict>> baseline::allowed(const case_key& key) const {
  if (source_kind == kind::report) {
    const auto it = previous.find(key);
    if (it == previous.end()) return std::nullopt;
    std::vector<verdict> vs = {verdict::ok, verdict::non_strict, verdict::informational,
                               verdict::unimplemented};
    if (it->second.result == verdict::failed) vs.push_back(verdict::failed);
    return vs;
  }
  for (const expectation_rule& rule : rules) {
    if (cases::glob_match(rule.pattern, key.id)) return rule.allowed;
  }
  return std::nullopt;
}

std::optional<verdict> baseline::previous_verdict(const case_key& key) const {
  const auto it = previous.find(key);
  if (it == previous.end()) return std::nullopt;
  return it->second.result;
}

baseline baseline_from_json(const nlohmann::ordered_json& doc, const std::string& source) {
  if (!doc.is_object() || !doc.contains("schema") || !doc["schema"].is_string())
    throw baseline_error(source + ": no \"schema\" (expected \"" + std::string(baseline_schema) +
                         "\" or \"" + report_schema + "\")");
  baseline b;
  b.source = source;
  const std::string schema = doc["schema"].get<std::string>();
  if (schema == report_schema) {
    b.source_kind = baseline::kind::report;
    for (case_outcome& o : outcomes_from_report_json(doc, source)) {
      const case_key key = o.key;
      b.previous.insert_or_assign(key, std::move(o));
    }
    return b;
  }
  if (schema != baseline_schema)
    throw baseline_error(source + ": unknown schema \"" + schema + "\"");
  b.source_kind = baseline::kind::expectations;
  const auto expect = doc.find("expect");
  if (expect == doc.end() || !expect->is_object())
    throw baseline_error(source + ": \"expect\" must be an object {\"case glob\": [verdicts]}");
  // Ordered JSON: rules apply in the order of the file, the first match wins.
  for (const auto& [pattern, verdicts] : expect->items()) {
    const std::string where = source + ": expect[\"" + pattern + "\"]";
    expectation_rule rule;
    rule.pattern = pattern;
    if (verdicts.is_string()) {
      rule.allowed.push_back(parse_verdict(verdicts, where));
    } else if (verdicts.is_array() && !verdicts.empty()) {
      for (const auto& v : verdicts) rule.allowed.push_back(parse_verdict(v, where));
    } else {
      throw baseline_error(where + ": give a verdict or a non-empty list of verdicts");
    }
    b.rules.push_back(std::move(rule));
  }
  return b;
}

baseline load_baseline(const std::filesystem::path& path) {
  return baseline_from_json(read_json_file(path), path.string());
}

baseline_comparison compare_with_baseline(const baseline& base, std::span<const case_outcome> run) {
  baseline_comparison c;
  c.source = base.source;
  c.source_kind = base.source_kind;
  c.compared = run.size();
  std::map<case_key, bool> seen;
  for (const case_outcome& o : run) {
    seen[o.key] = true;
    baseline_change ch;
    ch.key = o.key;
    ch.before = base.previous_verdict(o.key);
    const std::optional<std::vector<verdict>> allowed = base.allowed(o.key);
    if (allowed) ch.allowed = *allowed;
    ch.after = o.result;
    ch.reason = o.reason;
    // Was this case known to fail? A previous FAILED, or FAILED among its allowed verdicts.
    const bool failed_before = base.source_kind == baseline::kind::report
                                   ? ch.before == verdict::failed
                                   : allowed.has_value() && contains(*allowed, verdict::failed);
    const bool failed_now = o.result == verdict::failed;
    if (failed_now && failed_before) {
      c.still_failing.push_back(std::move(ch));
    } else if (failed_now) {
      c.newly_failing.push_back(std::move(ch));
    } else if (allowed && !contains(*allowed, o.result)) {
      c.unexpected.push_back(std::move(ch));
    } else if (failed_before) {
      c.newly_passing.push_back(std::move(ch));
    } else if (ch.before && *ch.before != o.result) {
      c.changed.push_back(std::move(ch));
    }
  }
  for (const auto& [key, prev] : base.previous) {
    if (seen.count(key)) continue;
    baseline_change ch;
    ch.key = key;
    ch.before = prev.result;
    c.missing.push_back(std::move(ch));
  }
  return c;
}

nlohmann::ordered_json as_json(const baseline_comparison& c) {
  ojson j;
  j["source"] = c.source;
  j["kind"] = c.source_kind == baseline::kind::report ? "report" : "expectations";
  j["compared"] = c.compared;
  j["regressions"] = c.regressions();
  j["newly_failing"] = changes_json(c.newly_failing);
  j["unexpected"] = changes_json(c.unexpected);
  j["newly_passing"] = changes_json(c.newly_passing);
  j["still_failing"] = changes_json(c.still_failing);
  j["changed"] = changes_json(c.changed);
  j["missing"] = changes_json(c.missing);
  return j;
}

void print_comparison(std::FILE* out, const baseline_comparison& c) {
  std::fprintf(out,
               "baseline %s (%s): %zu regression(s); %zu newly failing, %zu unexpected, %zu "
               "newly passing, %zu still failing, %zu changed, %zu missing\n",
               c.source.c_str(),
               c.source_kind == baseline::kind::report ? "report" : "expectations", c.regressions(),
               c.newly_failing.size(), c.unexpected.size(), c.newly_passing.size(),
               c.still_failing.size(), c.changed.size(), c.missing.size());
  auto before = [](const baseline_change& ch) {
    if (ch.before) return std::string(verdict_name(*ch.before));
    if (!ch.allowed.empty()) return "allowed " + verdict_list(ch.allowed);
    return std::string("new case");
  };
  for (const baseline_change& ch : c.newly_failing)
    std::fprintf(out, "NEWLY FAILED %s (was %s): %s\n", display_name(ch.key).c_str(),
                 before(ch).c_str(), ch.reason.c_str());
  for (const baseline_change& ch : c.unexpected)
    std::fprintf(out, "UNEXPECTED %s: %s (%s)\n", display_name(ch.key).c_str(),
                 std::string(verdict_name(*ch.after)).c_str(), before(ch).c_str());
  for (const baseline_change& ch : c.newly_passing)
    std::fprintf(out, "NEWLY PASSING %s: %s (was %s)\n", display_name(ch.key).c_str(),
                 std::string(verdict_name(*ch.after)).c_str(), before(ch).c_str());
  for (const baseline_change& ch : c.still_failing)
    std::fprintf(out, "STILL FAILED %s: %s\n", display_name(ch.key).c_str(), ch.reason.c_str());
  for (const baseline_change& ch : c.changed)
    std::fprintf(out, "CHANGED %s: %s -> %s\n", display_name(ch.key).c_str(), before(ch).c_str(),
                 std::string(verdict_name(*ch.after)).c_str());
  for (const baseline_change& ch : c.missing)
    std::fprintf(out, "MISSING %s (was %s)\n", display_name(ch.key).c_str(), before(ch).c_str());
}

}  // namespace wsprobe::report
