// `wsprobe report merge`: agents side by side in one document of the same schema.
#include "harness/report/merge.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "harness/report/json_report.hpp"

namespace wsprobe::report {
namespace {

using ojson = nlohmann::ordered_json;

run_report run_of(const std::string& agent, std::vector<verdict> verdicts) {
  run_report rep;
  rep.tool_version = "0.1.0";
  rep.url = "ws://127.0.0.1:9001/" + agent;
  rep.agent = agent;
  rep.duration_ms = 100;
  int n = 0;
  for (verdict v : verdicts) {
    case_result r;
    r.id = "framing.case-" + std::to_string(n++);
    r.area = "framing";
    r.result = v;
    r.close_result = verdict::ok;
    rep.results.push_back(r);
  }
  return rep;
}

merge_input input_of(const run_report& rep, const std::string& source) {
  return merge_input{source, as_json(rep)};
}

TEST(Merge, AgentsListAndAgentPerResult) {
  const ojson m = merge_reports({input_of(run_of("beast", {verdict::ok, verdict::failed}), "a"),
                                 input_of(run_of("ours", {verdict::ok, verdict::ok}), "b")},
                                "9.9");
  EXPECT_EQ(m["schema"], report_schema);
  EXPECT_EQ(m["mode"], "test-server");
  EXPECT_EQ(m["tool"]["version"], "9.9");
  ASSERT_EQ(m["agents"].size(), 2u);
  EXPECT_EQ(m["agents"][0]["name"], "beast");
  EXPECT_EQ(m["agents"][0]["url"], "ws://127.0.0.1:9001/beast");
  EXPECT_EQ(m["agents"][0]["source"], "a");
  EXPECT_EQ(m["agents"][0]["summary"]["FAILED"], 1);
  EXPECT_EQ(m["agents"][1]["summary"]["OK"], 2);
  ASSERT_EQ(m["results"].size(), 4u);
  EXPECT_EQ(m["results"][1]["agent"], "beast");
  EXPECT_EQ(m["results"][1]["verdict"], "FAILED");
  EXPECT_EQ(m["results"][3]["agent"], "ours");
  EXPECT_EQ(m["summary"]["total"], 4);
  EXPECT_EQ(m["summary"]["OK"], 3);
  EXPECT_EQ(m["summary"]["FAILED"], 1);
  EXPECT_EQ(m["duration_ms"], 200);
  EXPECT_EQ(report_agents(m), (std::vector<std::string>{"beast", "ours"}));
}

TEST(Merge, SameAgentTwiceGetsNumbered) {
  const ojson m = merge_reports({input_of(run_of("beast", {verdict::ok}), "a"),
                                 input_of(run_of("beast", {verdict::failed}), "b"),
                                 input_of(run_of("beast", {verdict::ok}), "c")},
                                "1");
  EXPECT_EQ(report_agents(m), (std::vector<std::string>{"beast", "beast #2", "beast #3"}));
  EXPECT_EQ(m["results"][1]["agent"], "beast #2");
  EXPECT_EQ(m["results"][1]["verdict"], "FAILED");
}

TEST(Merge, MergedReportsMergeAgain) {
  const ojson ab = merge_reports({input_of(run_of("a", {verdict::ok}), "a"),
                                  input_of(run_of("b", {verdict::failed, verdict::ok}), "b")},
                                 "1");
  const ojson abc = merge_reports(
      {merge_input{"ab", ab}, input_of(run_of("c", {verdict::non_strict}), "c")}, "1");
  EXPECT_EQ(report_agents(abc), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(abc["agents"][1]["source"], "b");  // where the run came from, not the merge
  EXPECT_EQ(abc["agents"][1]["summary"]["total"], 2);
  EXPECT_EQ(abc["summary"]["total"], 4);
  EXPECT_EQ(abc["summary"]["NON-STRICT"], 1);
  EXPECT_EQ(abc["results"][2]["agent"], "b");
}

TEST(Merge, RejectsWhatIsNotAReport) {
  EXPECT_THROW(merge_reports({}, "1"), merge_error);
  EXPECT_THROW(merge_reports({merge_input{"x", ojson{{"schema", "other/1"}}}}, "1"), merge_error);
  ojson no_results = as_json(run_of("a", {}));
  no_results.erase("results");
  EXPECT_THROW(merge_reports({merge_input{"x", no_results}}, "1"), merge_error);
  ojson bad_agent = merge_reports({input_of(run_of("a", {verdict::ok}), "a")}, "1");
  bad_agent["results"][0]["agent"] = "nobody";
  try {
    merge_reports({merge_input{"m.json", bad_agent}}, "1");
    FAIL() << "no error for a result of an unknown agent";
  } catch (const merge_error& e) {
    EXPECT_NE(std::string(e.what()).find("m.json"), std::string::npos);
  }
}

TEST(Merge, ReadsFolderOrFile) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("wsprobe-merge-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  write_json_report(run_of("beast", {verdict::ok}), dir);
  EXPECT_EQ(read_report(dir).report["target"]["agent"], "beast");
  EXPECT_EQ(read_report(dir / "index.json").source, (dir / "index.json").string());
  std::ofstream(dir / "broken.json") << "{ not json";
  EXPECT_THROW(read_report(dir / "broken.json"), merge_error);
  EXPECT_THROW(read_report(dir / "missing"), merge_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wsprobe::report
