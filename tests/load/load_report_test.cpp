#include "harness/load/load_report.hpp"

#include <gtest/gtest.h>

namespace wsprobe::load {
namespace {

load_result sample_result() {
  load_result r;
  r.threads = 2;
  r.window_seconds = 2.0;
  r.connections = 20;
  r.messages_scheduled = 4000;
  r.messages_sent = 4000;
  r.messages_received = 3990;
  r.bytes_sent = 256000;
  r.bytes_received = 255360;
  r.errors = {{"lost", 10}, {"corrupted", 0}};
  for (std::uint64_t v = 1; v <= 3990; ++v) r.latency_us.record(v * 7);
  for (std::uint64_t v = 0; v < 20; ++v) r.connect_us.record(100 + v);
  r.series.push_back({1.0, 2000, 1995, 150, 900, 20, 0});
  return r;
}

TEST(LoadReport, CarriesTheFieldsOfDesignSection4) {
  load_options o;
  o.url = net::parse_ws_url("ws://127.0.0.1:9001/echo");
  o.connections = 20;
  o.rate = 2000;
  const auto r = sample_result();
  const auto j = load_report_json(o, r, "1.2.3");

  EXPECT_EQ(j["schema"], "wsprobe-load/1");
  EXPECT_EQ(j["tool"]["version"], "1.2.3");
  EXPECT_EQ(j["params"]["url"], "ws://127.0.0.1:9001/echo");
  EXPECT_EQ(j["params"]["model"], "open-loop");
  EXPECT_TRUE(j["environment"].contains("cores"));
  EXPECT_TRUE(j["environment"].contains("kernel"));
  EXPECT_TRUE(j["environment"].contains("cpu_model"));

  const auto& s = j["summary"];
  EXPECT_EQ(s["connections"], 20);
  EXPECT_EQ(s["messages_sent"], 4000);
  EXPECT_EQ(s["messages_received"], 3990);
  EXPECT_DOUBLE_EQ(s["offered_rate"].get<double>(), 2000.0);
  EXPECT_DOUBLE_EQ(s["achieved_rate"].get<double>(), 1995.0);
  EXPECT_EQ(s["errors"]["lost"], 10);
  EXPECT_EQ(s["latency_us"]["p50"], r.latency_us.value_at_percentile(50));
  EXPECT_EQ(s["latency_us"]["p999"], r.latency_us.value_at_percentile(99.9));
  EXPECT_EQ(s["latency_us"]["max"], 3990 * 7);
  EXPECT_EQ(s["connect_us"]["max"], 119);
  for (const char* key : {"p50", "p90", "p99", "p999", "max"}) {
    EXPECT_TRUE(s["latency_us"].contains(key)) << key;
  }

  ASSERT_EQ(j["series"].size(), 1u);
  EXPECT_EQ(j["series"][0]["received"], 1995);
  EXPECT_EQ(j["series"][0]["p99_us"], 900);
}

TEST(LoadReport, SavedHistogramsLoadBackIntoTheSameBuckets) {
  load_options o;
  o.url = net::parse_ws_url("ws://127.0.0.1:9001/");
  const auto r = sample_result();
  // Through text, as another process would read it.
  const auto j = nlohmann::json::parse(load_report_json(o, r, "x").dump());
  const auto latency = histogram_from_json(j["histograms"]["latency_us"]);
  EXPECT_TRUE(latency.same_counts(r.latency_us));
  EXPECT_EQ(latency.total_count(), 3990u);
  EXPECT_TRUE(histogram_from_json(j["histograms"]["connect_us"]).same_counts(r.connect_us));
}

}  // namespace
}  // namespace wsprobe::load
