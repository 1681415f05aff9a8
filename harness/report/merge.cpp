#include "harness/report/merge.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <string_view>

#include "harness/report/json_report.hpp"

namespace wsprobe::report {
namespace {

using ojson = nlohmann::ordered_json;

constexpr std::array<std::string_view, 5> verdict_names = {"OK", "NON-STRICT", "INFORMATIONAL",
                                                           "UNIMPLEMENTED", "FAILED"};

std::string string_field(const ojson& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
  return {};
}

std::int64_t number_field(const ojson& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_number()) return j[key].get<std::int64_t>();
  return 0;
}

ojson empty_summary() {
  ojson s;
  s["total"] = 0;
  for (std::string_view v : verdict_names) s[std::string(v)] = 0;
  return s;
}

void count(ojson& summary, const ojson& result) {
  summary["total"] = summary["total"].get<std::size_t>() + 1;
  const std::string v = string_field(result, "verdict");
  if (std::find(verdict_names.begin(), verdict_names.end(), v) != verdict_names.end()) {
    summary[v] = summary[v].get<std::size_t>() + 1;
  }
}

void check_report(const ojson& doc, const std::string& source) {
  if (!doc.is_object()) throw merge_error(source + ": not a JSON object");
  if (string_field(doc, "schema") != report_schema) {
    throw merge_error(source + ": schema is not \"" + report_schema + "\"");
  }
  if (!doc.contains("results") || !doc["results"].is_array()) {
    throw merge_error(source + ": no \"results\" list");
  }
}

// One agent of an input: its description and the results that belong to it.
struct agent_run {
  std::string name;
  ojson info;
  std::vector<const ojson*> results;
};

std::vector<agent_run> agents_of(const merge_input& input) {
  const ojson& doc = input.report;
  std::vector<agent_run> runs;
  if (doc.contains("agents") && doc["agents"].is_array()) {
    std::map<std::string, std::size_t> index;
    for (const ojson& a : doc["agents"]) {
      agent_run run;
      run.name = string_field(a, "name");
      run.info = a;
      index.emplace(run.name, runs.size());
      runs.push_back(std::move(run));
    }
    for (const ojson& r : doc["results"]) {
      const auto it = index.find(string_field(r, "agent"));
      if (it == index.end()) {
        throw merge_error(input.source + ": result of case \"" + string_field(r, "case") +
                          "\" names an agent not in \"agents\"");
      }
      runs[it->second].results.push_back(&r);
    }
    return runs;
  }
  const ojson target = doc.contains("target") ? doc["target"] : ojson::object();
  agent_run run;
  run.name = string_field(target, "agent");
  if (run.name.empty()) run.name = string_field(target, "url");
  if (run.name.empty()) run.name = "agent";
  run.info["url"] = string_field(target, "url");
  run.info["mode"] = string_field(doc, "mode");
  run.info["started_at"] = string_field(doc, "started_at");
  run.info["duration_ms"] = number_field(doc, "duration_ms");
  run.info["tool"] = doc.contains("tool") ? doc["tool"] : ojson::object();
  run.info["source"] = input.source;
  for (const ojson& r : doc["results"]) run.results.push_back(&r);
  runs.push_back(std::move(run));
  return runs;
}

}  // namespace

merge_input read_report(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path file =
      std::filesystem::is_directory(path, ec) ? path / "index.json" : path;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw merge_error("cannot read '" + file.string() + "'");
  merge_input input;
  input.source = file.string();
  try {
    input.report = ojson::parse(in);
  } catch (const ojson::parse_error& e) {
    throw merge_error(file.string() + ": " + e.what());
  }
  check_report(input.report, input.source);
  return input;
}

std::vector<std::string> report_agents(const ojson& report) {
  std::vector<std::string> names;
  if (report.contains("agents") && report["agents"].is_array()) {
    for (const ojson& a : report["agents"]) names.push_back(string_field(a, "name"));
  } else if (report.contains("target")) {
    names.push_back(string_field(report["target"], "agent"));
  }
  return names;
}

ojson merge_reports(const std::vector<merge_input>& inputs, const std::string& tool_version) {
  if (inputs.empty()) throw merge_error("nothing to merge");
  std::vector<agent_run> runs;
  std::set<std::string> modes;
  for (const merge_input& input : inputs) {
    check_report(input.report, input.source);
    const std::string mode = string_field(input.report, "mode");
    if (!mode.empty()) modes.insert(mode);
    for (agent_run& run : agents_of(input)) runs.push_back(std::move(run));
  }

  // Unique names, in input order.
  std::set<std::string> taken;
  for (agent_run& run : runs) {
    std::string name = run.name;
    for (int n = 2; taken.count(name) > 0; ++n) name = run.name + " #" + std::to_string(n);
    run.name = name;
    taken.insert(name);
  }

  ojson merged;
  merged["schema"] = report_schema;
  merged["tool"] = {{"name", "wsprobe"}, {"version", tool_version}};
  merged["mode"] = modes.size() == 1 ? *modes.begin() : std::string("mixed");
  std::string joined;
  for (const agent_run& run : runs) joined += (joined.empty() ? "" : ", ") + run.name;
  merged["target"] = {{"url", string_field(runs.front().info, "url")}, {"agent", joined}};
  // ISO-8601 UTC strings of one format sort as times do.
  std::string earliest;
  std::int64_t duration = 0;
  for (const agent_run& run : runs) {
    const std::string s = string_field(run.info, "started_at");
    if (!s.empty() && (earliest.empty() || s < earliest)) earliest = s;
    duration += number_field(run.info, "duration_ms");
  }
  merged["started_at"] = earliest;
  merged["duration_ms"] = duration;
  merged["merged"] = true;

  ojson total = empty_summary();
  ojson agents = ojson::array();
  ojson results = ojson::array();
  for (const agent_run& run : runs) {
    ojson s = empty_summary();
    for (const ojson* r : run.results) {
      ojson copy = *r;
      copy["agent"] = run.name;
      count(s, copy);
      count(total, copy);
      results.push_back(std::move(copy));
    }
    ojson info;
    info["name"] = run.name;
    for (const char* key : {"url", "mode", "started_at", "duration_ms", "tool", "source"}) {
      info[key] = run.info.contains(key) ? run.info[key] : ojson(nullptr);
    }
    info["summary"] = std::move(s);
    agents.push_back(std::move(info));
  }
  merged["summary"] = std::move(total);
  merged["agents"] = std::move(agents);
  merged["results"] = std::move(results);
  return merged;
}

}  // namespace wsprobe::report
