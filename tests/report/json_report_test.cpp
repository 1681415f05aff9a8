// DIR/index.json (DESIGN.md §4): fields present with the right types, large byte runs elided,
// written atomically.
#include "harness/report/json_report.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wsprobe::report {
namespace {

using json = nlohmann::json;

case_result sample_result(verdict v) {
  case_result r;
  r.id = "framing.text-125-bytes";
  r.autobahn = "1.1.2";
  r.area = "framing";
  r.title = "Send text message with payload of length 125";
  r.requirement = "Text messages are echoed";
  r.rfc = {"6455#5.6"};
  r.result = v;
  r.close_result = verdict::ok;
  r.duration_ms = 3;
  r.expected = {{"expect", {{"OK", {{"echo", true}}}}}};
  r.observed = {{"events", nlohmann::ordered_json::array()}};
  r.reason = v == verdict::ok ? "" : "something differed";
  wirelog_entry small;
  small.t_us = 120;
  small.dir = wirelog_entry::direction::out;
  small.what = wirelog_entry::kind::frame;
  small.frame = frame_fields{true, true, false, true, 0x1, true, 5};
  small.data = digest_bytes(std::vector<std::uint8_t>{0x81, 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  r.wirelog.push_back(small);
  wirelog_entry big;
  big.t_us = 250;
  big.dir = wirelog_entry::direction::in;
  big.what = wirelog_entry::kind::raw;
  big.data = digest_bytes(std::vector<std::uint8_t>(300, 0xAB));
  r.wirelog.push_back(big);
  return r;
}

std::filesystem::path scratch_dir() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("wsprobe-report-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(JsonReport, DigestShowsShortBytesAndElidesLongOnes) {
  const std::vector<std::uint8_t> short_bytes(256, 0x41);
  const byte_digest s = digest_bytes(short_bytes);
  EXPECT_FALSE(s.elided());
  std::string hex;
  for (int i = 0; i < 256; ++i) hex += "41";
  EXPECT_EQ(as_json(s)["hex"], hex);
  EXPECT_EQ(as_json(s)["length"], 256);
  const byte_digest l = digest_bytes(std::vector<std::uint8_t>(257, 0x41));
  EXPECT_TRUE(l.elided());
  EXPECT_TRUE(l.bytes.empty());
  EXPECT_EQ(as_json(l)["length"], 257);
  EXPECT_FALSE(as_json(l).contains("hex"));
  // SHA-256 of the empty string, a known value (FIPS 180-4 test vectors).
  EXPECT_EQ(sha256_hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(JsonReport, IncrementalDigestMatchesOneShot) {
  std::vector<std::uint8_t> data(1000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  byte_digester d;
  d.update(std::span(data).first(100));
  d.update(std::span(data).subspan(100));
  const byte_digest inc = d.finish();
  const byte_digest one = digest_bytes(data);
  EXPECT_EQ(inc.length, 1000u);
  EXPECT_EQ(inc.sha256, one.sha256);
  // finish() starts over.
  d.update(std::span(data).first(3));
  const byte_digest again = d.finish();
  EXPECT_EQ(again.length, 3u);
  EXPECT_EQ(again.bytes, std::vector<std::uint8_t>(data.begin(), data.begin() + 3));
}

TEST(JsonReport, WritesSchemaFieldsWithTypes) {
  run_report rep;
  rep.tool_version = "0.1.0";
  rep.url = "ws://127.0.0.1:9001/";
  rep.agent = "beast";
  rep.started_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1714566896789));
  rep.duration_ms = 1234;
  rep.results.push_back(sample_result(verdict::ok));
  rep.results.push_back(sample_result(verdict::failed));
  rep.results.back().autobahn.reset();

  const auto dir = scratch_dir() / "nested";
  const auto path = write_json_report(rep, dir);
  EXPECT_EQ(path, dir / "index.json");
  std::ifstream in(path);
  const json doc = json::parse(in);

  EXPECT_EQ(doc["schema"], "wsprobe-report/1");
  EXPECT_EQ(doc["tool"]["name"], "wsprobe");
  EXPECT_EQ(doc["tool"]["version"], "0.1.0");
  EXPECT_EQ(doc["mode"], "test-server");
  EXPECT_EQ(doc["target"]["url"], "ws://127.0.0.1:9001/");
  EXPECT_EQ(doc["target"]["agent"], "beast");
  EXPECT_EQ(doc["started_at"], "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(doc["duration_ms"], 1234);
  const json& s = doc["summary"];
  EXPECT_EQ(s["total"], 2);
  EXPECT_EQ(s["OK"], 1);
  EXPECT_EQ(s["NON-STRICT"], 0);
  EXPECT_EQ(s["INFORMATIONAL"], 0);
  EXPECT_EQ(s["UNIMPLEMENTED"], 0);
  EXPECT_EQ(s["FAILED"], 1);
  EXPECT_FALSE(s.contains("interrupted"));

  ASSERT_EQ(doc["results"].size(), 2u);
  const json& r = doc["results"][0];
  EXPECT_EQ(r["case"], "framing.text-125-bytes");
  EXPECT_EQ(r["autobahn"], "1.1.2");
  EXPECT_TRUE(doc["results"][1]["autobahn"].is_null());
  EXPECT_EQ(r["area"], "framing");
  EXPECT_EQ(r["transport"], "h1");
  EXPECT_EQ(r["verdict"], "OK");
  EXPECT_EQ(doc["results"][1]["verdict"], "FAILED");
  EXPECT_EQ(r["close_verdict"], "OK");
  EXPECT_TRUE(r["duration_ms"].is_number_integer());
  EXPECT_EQ(r["expected"]["expect"]["OK"]["echo"], true);
  EXPECT_TRUE(r["observed"]["events"].is_array());
  EXPECT_EQ(doc["results"][1]["observed"]["reason"], "something differed");
  EXPECT_EQ(r["rfc"], json::array({"6455#5.6"}));
  EXPECT_EQ(r["title"], "Send text message with payload of length 125");
  EXPECT_EQ(r["requirement"], "Text messages are echoed");

  const json& log = r["wirelog"];
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0]["t_us"], 120);
  EXPECT_EQ(log[0]["dir"], "out");
  EXPECT_EQ(log[0]["kind"], "frame");
  EXPECT_EQ(log[0]["fin"], true);
  EXPECT_EQ(log[0]["rsv"], 5);  // RSV1 and RSV3
  EXPECT_EQ(log[0]["opcode"], 1);
  EXPECT_EQ(log[0]["masked"], true);
  EXPECT_EQ(log[0]["length"], 5);
  EXPECT_EQ(log[0]["bytes"]["hex"],
            "81850102030405060708"
            "09");
  EXPECT_EQ(log[1]["dir"], "in");
  EXPECT_EQ(log[1]["kind"], "raw");
  EXPECT_FALSE(log[1].contains("opcode"));
  EXPECT_EQ(log[1]["bytes"]["length"], 300);
  EXPECT_FALSE(log[1]["bytes"].contains("hex"));
  EXPECT_EQ(log[1]["bytes"]["sha256"].get<std::string>().size(), 64u);

  // Nothing but the report is left in the folder (the temporary file was renamed).
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
  std::filesystem::remove_all(dir.parent_path());
}

TEST(JsonReport, InterruptedRunSaysSo) {
  run_report rep;
  rep.interrupted = true;
  rep.not_run = 7;
  rep.results.push_back(sample_result(verdict::non_strict));
  const auto j = as_json(rep);
  EXPECT_EQ(j["summary"]["interrupted"], true);
  EXPECT_EQ(j["summary"]["not_run"], 7);
  EXPECT_EQ(j["summary"]["NON-STRICT"], 1);
}

TEST(JsonReport, InvalidUtf8InReasonsDoesNotStopTheReport) {
  run_report rep;
  case_result r = sample_result(verdict::failed);
  r.reason = std::string("bad \xC3\x28 text");
  rep.results.push_back(r);
  const auto dir = scratch_dir();
  ASSERT_NO_THROW(write_json_report(rep, dir));
  std::ifstream in(dir / "index.json");
  const json doc = json::parse(in);
  EXPECT_EQ(doc["results"][0]["verdict"], "FAILED");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wsprobe::report
