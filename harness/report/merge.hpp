// `wsprobe report merge`: several index.json files (agents, transports, dates) into one merged
// document of the same schema, with an "agents" list and an "agent" on every result
// (docs/report-format.md).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace wsprobe::report {

// A report that cannot be read or merged; what() names the file and the problem.
class merge_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One report to merge and where it came from (shown in the merged "agents" list).
struct merge_input {
  std::string source;
  nlohmann::ordered_json report;
};

// Reads DIR/index.json, or the file itself when `path` is a file. Checks the schema.
// Throws merge_error.
merge_input read_report(const std::filesystem::path& path);

// Merges single-run and already merged reports. Each run becomes one agent named by its
// target.agent (its URL when empty); a name already taken gets " #2", " #3"… Results keep
// their fields and gain "agent"; "summary" counts all results of all agents; "agents" lists
// {"name", "url", "mode", "started_at", "duration_ms", "tool", "source", "summary"}.
// Throws merge_error for an input that is not a "wsprobe-report/1" document.
nlohmann::ordered_json merge_reports(const std::vector<merge_input>& inputs,
                                     const std::string& tool_version);

// The agents of a report document: its "agents" names, or its target's agent for a single run.
std::vector<std::string> report_agents(const nlohmann::ordered_json& report);

}  // namespace wsprobe::report
