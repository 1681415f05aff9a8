// Baselines (docs/baseline.md): a previous report or an expectations file, and how a run is
// sorted into newly failing, unexpected, newly passing, still failing, changed and missing.
#include "harness/report/baseline.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "harness/report/json_report.hpp"

namespace wsprobe::report {
namespace {

using ojson = nlohmann::ordered_json;

case_outcome outcome(std::string id, verdict v, std::string transport = "h1") {
  return {{std::move(id), std::move(transport)}, v, "why " + std::string(verdict_name(v))};
}

ojson report_doc(const std::vector<case_outcome>& run) {
  ojson results = ojson::array();
  for (const case_outcome& o : run)
    results.push_back({{"case", o.key.id},
                       {"transport", o.key.transport},
                       {"verdict", std::string(verdict_name(o.result))}});
  return {{"schema", report_schema}, {"results", results}};
}

std::vector<std::string> ids(const std::vector<baseline_change>& cs) {
  std::vector<std::string> v;
  for (const auto& c : cs) v.push_back(display_name(c.key));
  return v;
}

TEST(BaselineCompare, AgainstAPreviousReport) {
  const baseline base = baseline_from_json(
      report_doc({outcome("a.ok", verdict::ok), outcome("a.fail", verdict::failed),
                  outcome("a.fixed", verdict::failed), outcome("a.strict", verdict::non_strict),
                  outcome("a.gone", verdict::ok), outcome("a.h2", verdict::ok, "h2")}),
      "prev.json");
  EXPECT_EQ(base.source_kind, baseline::kind::report);
  const std::vector<case_outcome> run = {
      outcome("a.ok", verdict::failed),         // regression
      outcome("a.fail", verdict::failed),       // known
      outcome("a.fixed", verdict::ok),          // fixed
      outcome("a.strict", verdict::ok),         // changed, not a regression
      outcome("a.new", verdict::failed),        // new case, FAILED: a regression
      outcome("a.new-ok", verdict::ok),         // new case, fine: not listed
      outcome("a.h2", verdict::failed, "h2")};  // transports are told apart
  const baseline_comparison c = compare_with_baseline(base, run);
  EXPECT_EQ(ids(c.newly_failing), (std::vector<std::string>{"a.ok", "a.new", "a.h2 [h2]"}));
  EXPECT_TRUE(c.unexpected.empty());
  EXPECT_EQ(ids(c.still_failing), std::vector<std::string>{"a.fail"});
  EXPECT_EQ(ids(c.newly_passing), std::vector<std::string>{"a.fixed"});
  EXPECT_EQ(ids(c.changed), std::vector<std::string>{"a.strict"});
  EXPECT_EQ(ids(c.missing), std::vector<std::string>{"a.gone"});
  EXPECT_EQ(c.regressions(), 3u);
  EXPECT_EQ(c.compared, run.size());
  EXPECT_EQ(c.newly_failing[0].before, verdict::ok);
  EXPECT_FALSE(c.newly_failing[1].before.has_value());
  EXPECT_EQ(c.newly_failing[0].reason, "why FAILED");
}

TEST(BaselineCompare, AgainstExpectationsFirstMatchWins) {
  const ojson doc = ojson::parse(R"({"schema": "wsprobe-baseline/1", "expect": {
      "deflate.*": ["UNIMPLEMENTED"],
      "pingpong.ten-*": ["OK", "FAILED"],
      "*": ["OK", "NON-STRICT", "INFORMATIONAL"]}})");
  const baseline base = baseline_from_json(doc, "expect.json");
  ASSERT_EQ(base.rules.size(), 3u);
  EXPECT_EQ(base.rules[0].pattern, "deflate.*");
  const baseline_comparison c = compare_with_baseline(
      base, std::vector<case_outcome>{outcome("deflate.x", verdict::unimplemented),
                                      outcome("deflate.y", verdict::ok),  // not allowed
                                      outcome("pingpong.ten-pings", verdict::failed),
                                      outcome("pingpong.ten-more", verdict::ok),
                                      outcome("close.z", verdict::failed),
                                      outcome("close.w", verdict::non_strict)});
  EXPECT_EQ(ids(c.unexpected), std::vector<std::string>{"deflate.y"});
  EXPECT_EQ(ids(c.still_failing), std::vector<std::string>{"pingpong.ten-pings"});
  EXPECT_EQ(ids(c.newly_passing), std::vector<std::string>{"pingpong.ten-more"});
  EXPECT_EQ(ids(c.newly_failing), std::vector<std::string>{"close.z"});
  EXPECT_EQ(c.regressions(), 2u);
  EXPECT_EQ(c.unexpected[0].allowed, std::vector<verdict>{verdict::unimplemented});
}

TEST(BaselineCompare, JsonFieldsForTheHtml) {
  const baseline base =
      baseline_from_json(report_doc({outcome("a.ok", verdict::ok)}), "prev/index.json");
  const ojson j = as_json(
      compare_with_baseline(base, std::vector<case_outcome>{outcome("a.ok", verdict::failed)}));
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"source", "kind", "compared", "regressions",
                                            "newly_failing", "unexpected", "newly_passing",
                                            "still_failing", "changed", "missing"}));
  EXPECT_EQ(j["kind"], "report");
  EXPECT_EQ(j["regressions"], 1);
  const ojson& c = j["newly_failing"][0];
  EXPECT_EQ(c["case"], "a.ok");
  EXPECT_EQ(c["transport"], "h1");
  EXPECT_EQ(c["before"], "OK");
  EXPECT_EQ(c["after"], "FAILED");
  EXPECT_EQ(c["reason"], "why FAILED");
  EXPECT_TRUE(c["allowed"].is_array());
}

TEST(BaselineCompare, BadFilesNameTheProblem) {
  auto message = [](const std::string& text) {
    try {
      baseline_from_json(ojson::parse(text), "f.json");
    } catch (const baseline_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(R"({"expect": {}})").find("f.json: no \"schema\""), std::string::npos);
  EXPECT_NE(message(R"({"schema": "x/1"})").find("unknown schema \"x/1\""), std::string::npos);
  EXPECT_NE(message(R"({"schema": "wsprobe-baseline/1", "expect": []})").find("\"expect\""),
            std::string::npos);
  EXPECT_NE(message(R"({"schema": "wsprobe-baseline/1", "expect": {"*": ["PASS"]}})")
                .find("expect[\"*\"]: not a verdict"),
            std::string::npos);
  EXPECT_NE(message(R"({"schema": "wsprobe-baseline/1", "expect": {"*": []}})").find("non-empty"),
            std::string::npos);
  EXPECT_NE(message(R"({"schema": "wsprobe-report/1", "results": [{"verdict": "OK"}]})")
                .find("results[0]: no \"case\""),
            std::string::npos);
  EXPECT_THROW(load_baseline("/nonexistent/baseline.json"), baseline_error);
}

TEST(BaselineCompare, LoadsTheIndexJsonOurWriterWrites) {
  run_report rep;
  case_result r;
  r.id = "framing.x";
  r.area = "framing";
  r.result = verdict::non_strict;
  r.reason = "fail-fast missed";
  rep.results.push_back(r);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("wsprobe-baseline-test-" + std::to_string(::getpid()));
  const auto path = write_json_report(rep, dir);
  const baseline base = load_baseline(path);
  EXPECT_EQ(base.previous_verdict({"framing.x", "h1"}), verdict::non_strict);
  const auto outcomes = load_report_outcomes(path);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].key.id, "framing.x");
  EXPECT_EQ(outcomes[0].reason, "fail-fast missed");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wsprobe::report
