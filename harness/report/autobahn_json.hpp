// Autobahn|Testsuite's report files for the cases that have an Autobahn id, so that tools and
// people used to Autobahn can read a wsprobe run: DIR/index.json (agent → case id →
// {behavior, behaviorClose, duration, remoteCloseCode, reportfile}) and one DIR/<reportfile>
// per case with the same fields and the description, expectation and result texts.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

#include "harness/report/result.hpp"

namespace wsprobe::report {

// Autobahn's file-name form of an agent: lower case, every character but [a-z0-9] as '_'
// ("ws@8.18.3" → "ws_8_18_3").
std::string autobahn_agent_slug(std::string_view agent);
// "<slug>_case_<id with dots as underscores>.json" ("ws_8_18_3_case_1_1_1.json").
std::string autobahn_report_file(std::string_view agent, std::string_view autobahn_id);

// index.json: {agent: {id: {...}}}, ids in text order as Autobahn
// writes them. When several cases of the run share
// an Autobahn id (both transports, matrix rows) the worst verdict stands for it.
nlohmann::ordered_json autobahn_index(const run_report& report);
// The per-case file of one result that has an Autobahn id.
nlohmann::ordered_json autobahn_case_report(const run_report& report, const case_result& result,
                                            std::size_t case_number);

// Writes index.json and the per-case files into `dir` (created when needed). Returns how many
// cases were written. Throws std::runtime_error naming the path on failure.
std::size_t write_autobahn_json(const run_report& report, const std::filesystem::path& dir);

}  // namespace wsprobe::report
