// --autobahn-json: our index.json has the shape of Autobahn|Testsuite's, checked against the
// summary the node ws project publishes (../shared/oracles/ws-8.18.3-node.index.json): same
// agent → id → fields, same key order and JSON types, same reportfile names and value
// conventions (verdict names, milliseconds, null remoteCloseCode when no close code came).
#include "harness/report/autobahn_json.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

namespace wsprobe::report {
namespace {

using ojson = nlohmann::ordered_json;

ojson read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  return ojson::parse(in);
}

const std::filesystem::path oracle_path = std::filesystem::path(WSPROBE_SOURCE_DIR) / ".." /
                                          "shared" / "oracles" / "ws-8.18.3-node.index.json";

// JSON's own types (signed and unsigned integers are one kind: both print as digits).
std::string kind(const ojson& v) {
  if (v.is_number_integer()) return "integer";
  return v.type_name();
}

// A result that mirrors one oracle entry: its verdicts, duration and the close code it saw.
case_result mirror(const std::string& id, const ojson& entry) {
  case_result r;
  r.id = "mirror." + id;
  r.autobahn = id;
  r.area = "mirror";
  r.title = "Case " + id;
  r.requirement = "what Autobahn " + id + " checks";
  r.result = *verdict_from_name(entry["behavior"].get<std::string>());
  r.close_result = *verdict_from_name(entry["behaviorClose"].get<std::string>());
  r.duration_ms = entry["duration"].get<std::int64_t>();
  r.expected = {{"expect", {{"OK", {{"echo", true}}}}}};
  ojson close = {{"initiator", "us"}, {"received", !entry["remoteCloseCode"].is_null()}};
  if (!entry["remoteCloseCode"].is_null()) {
    close["code"] = entry["remoteCloseCode"];
    close["reason"] = "";
  }
  close["clean"] = true;
  r.observed = {{"connected", true}, {"close", close}};
  return r;
}

TEST(AutobahnJson, IndexHasTheShapeOfAutobahnsForTheSameIds) {
  if (!std::filesystem::exists(oracle_path)) GTEST_SKIP() << "no oracle at " << oracle_path;
  const ojson oracle = read_json(oracle_path);
  ASSERT_EQ(oracle.size(), 1u);
  const std::string agent = oracle.begin().key();
  const ojson& cases = oracle.begin().value();
  // Some of every kind: OK, NON-STRICT, INFORMATIONAL, a null remoteCloseCode, ids that sort
  // differently as text and as numbers.
  const std::vector<std::string> ids = {"1.1.1", "1.1.2", "2.10",   "2.2",   "6.4.1",
                                        "7.1.6", "7.3.1", "7.13.1", "9.1.1", "10.1.1"};
  run_report rep;
  rep.agent = agent;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {  // in reverse: the writer must sort
    ASSERT_TRUE(cases.contains(*it)) << *it;
    rep.results.push_back(mirror(*it, cases[*it]));
  }
  const ojson ours = autobahn_index(rep);
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(ours.begin().key(), agent);
  const ojson& mine = ours.begin().value();
  std::vector<std::string> order;
  for (const auto& [id, e] : mine.items()) order.push_back(id);
  std::vector<std::string> oracle_order;
  for (const auto& [id, e] : cases.items())
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) oracle_order.push_back(id);
  EXPECT_EQ(order, oracle_order) << "ids in Autobahn's order";
  for (const std::string& id : ids) {
    const ojson& a = cases[id];
    const ojson& b = mine[id];
    std::vector<std::string> ka, kb;
    for (const auto& [k, v] : a.items()) ka.push_back(k);
    for (const auto& [k, v] : b.items()) kb.push_back(k);
    EXPECT_EQ(kb, ka) << id;
    for (const std::string& k : ka) EXPECT_EQ(kind(b[k]), kind(a[k])) << id << " " << k;
    EXPECT_EQ(b, a) << id;  // mirrored values: equal, reportfile name included
  }
}

TEST(AutobahnJson, NamesFollowAutobahn) {
  EXPECT_EQ(autobahn_agent_slug("ws@8.18.3"), "ws_8_18_3");
  EXPECT_EQ(autobahn_report_file("AutobahnPython/0.6", "12.1.10"),
            "autobahnpython_0_6_case_12_1_10.json");
}

TEST(AutobahnJson, WorstVerdictStandsForASharedIdAndCaseFilesAreWritten) {
  run_report rep;
  rep.agent = "srv";
  ojson ok = {
      {"behavior", "OK"}, {"behaviorClose", "OK"}, {"duration", 3}, {"remoteCloseCode", 1000}};
  case_result a = mirror("5.1", ok);
  case_result b = mirror("5.1", ok);
  b.id = "mirror.5.1-h2";
  b.transport = "h2";
  b.result = verdict::failed;
  b.reason = "message 1 differs";
  case_result none = mirror("5.2", ok);
  none.autobahn.reset();  // no Autobahn id: not in the files
  rep.results = {a, b, none};
  const auto dir = std::filesystem::temp_directory_path() /
                   ("wsprobe-autobahn-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(write_autobahn_json(rep, dir), 1u);
  const ojson index = read_json(dir / "index.json");
  EXPECT_EQ(index["srv"].size(), 1u);
  EXPECT_EQ(index["srv"]["5.1"]["behavior"], "FAILED");
  const ojson c = read_json(dir / "srv_case_5_1.json");
  EXPECT_EQ(c["behavior"], "FAILED");
  EXPECT_EQ(c["result"], "message 1 differs");
  EXPECT_EQ(c["id"], "5.1");
  EXPECT_EQ(c["remoteCloseCode"], 1000);
  EXPECT_EQ(c["closedByMe"], true);
  EXPECT_EQ(c["isServer"], false);
  EXPECT_EQ(c["description"], "Case 5.1");
  EXPECT_NE(c["expectation"].get<std::string>().find("what Autobahn 5.1 checks"),
            std::string::npos);
  EXPECT_EQ(c["wsprobe"]["case"], "mirror.5.1-h2");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wsprobe::report
