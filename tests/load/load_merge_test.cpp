#include "harness/load/load_merge.hpp"

#include <gtest/gtest.h>

#include <random>

#include "harness/load/load_report.hpp"
#include "harness/load/load_stats.hpp"

namespace wsprobe::load {
namespace {

using json = nlohmann::json;

// A shard's run as it would have measured it, and the raw samples behind its histograms.
struct shard_run {
  load_options options;
  load_result result;
  std::vector<std::vector<std::uint64_t>> per_second;  // latencies of each second
};

shard_run make_shard(std::size_t index, std::size_t count, std::uint32_t seed,
                     std::size_t seconds = 3) {
  shard_run s;
  auto& o = s.options;
  o.url = net::parse_ws_url("ws://10.77.0.1:9001/");
  o.total_connections = 10;
  o.total_rate = 1000;
  o.shard = shard_spec{index, count};
  o.connections = shard_share(10, *o.shard);
  o.rate = shard_rate(1000, 10, *o.shard);
  o.series_histograms = true;

  auto& r = s.result;
  r.threads = 1;
  r.window_seconds = 2.0 + 0.1 * static_cast<double>(index);
  r.connections = o.connections;
  r.connect_errors = index;
  std::mt19937 rng(seed);
  // Mostly fast echoes with a slow tail that reaches the wide buckets (3 significant digits).
  std::lognormal_distribution<double> latency(6.0 + 0.3 * static_cast<double>(index), 1.4);
  for (std::size_t t = 0; t < seconds; ++t) {
    std::vector<std::uint64_t> samples;
    const std::size_t n = 200 + 37 * index + 11 * t;
    for (std::size_t k = 0; k < n; ++k) samples.push_back(static_cast<std::uint64_t>(latency(rng)));
    if (t == 1) samples.push_back(1'234'567 + index);  // a max deep in a wide bucket
    latency_histogram second;
    for (auto v : samples) {
      second.record(v);
      r.latency_us.record(v);
    }
    series_point p;
    p.t = static_cast<double>(t + 1) + 0.004 * static_cast<double>(index);  // started a bit late
    p.sent = samples.size() + 1;
    p.received = samples.size();
    p.p50_us = second.value_at_percentile(50);
    p.p99_us = second.value_at_percentile(99);
    p.max_us = second.max();
    p.connections = o.connections;
    p.errors = index;
    p.latency = second.to_sparse();
    r.series.push_back(p);
    s.per_second.push_back(std::move(samples));
  }
  r.messages_received = r.latency_us.total_count();
  r.messages_sent = r.messages_received + 3;
  r.messages_scheduled = r.messages_sent;
  r.bytes_sent = r.messages_sent * 64;
  r.bytes_received = r.messages_received * 64;
  for (std::size_t k = 0; k < error_kind_count; ++k) {
    r.errors[std::string(to_string(static_cast<error_kind>(k)))] = 0;
  }
  r.errors["lost"] = 3;
  r.errors["connect_refused"] = index;
  for (std::uint64_t v = 0; v < o.connections; ++v) {
    r.connect_us.record(300 + 1000 * v + index);
    r.upgrade_us.record(90 + v);
  }
  return s;
}

load_merge_input as_input(const shard_run& s, const std::string& name) {
  return {name, load_report_json(s.options, s.result, "test")};
}

std::vector<shard_run> four_shards() {
  std::vector<shard_run> shards;
  for (std::size_t k = 0; k < 4; ++k) shards.push_back(make_shard(k, 4, 17 + k));
  return shards;
}

std::vector<load_merge_input> inputs_of(const std::vector<shard_run>& shards) {
  std::vector<load_merge_input> in;
  for (const auto& s : shards) in.push_back(as_input(s, "shard" + std::to_string(&s - &shards[0])));
  return in;
}

TEST(LoadMerge, CountersAndErrorsAreTheShardsSums) {
  const auto shards = four_shards();
  const auto merged = merge_load_reports(inputs_of(shards), "9.9");
  const json& m = merged.report;
  EXPECT_TRUE(merged.warnings.empty()) << merged.warnings.front();
  EXPECT_EQ(m["schema"], "wsprobe-load/1");
  EXPECT_EQ(m["tool"]["version"], "9.9");

  std::uint64_t sent = 0, received = 0, connections = 0, connect_errors = 0, bytes = 0;
  double offered = 0, achieved = 0, rate = 0;
  for (const auto& s : shards) {
    sent += s.result.messages_sent;
    received += s.result.messages_received;
    connections += s.result.connections;
    connect_errors += s.result.connect_errors;
    bytes += s.result.bytes_received;
    offered += s.result.offered_rate();
    achieved += s.result.achieved_rate();
    rate += s.options.rate;
  }
  const json& sum = m["summary"];
  EXPECT_EQ(sum["messages_sent"], sent);
  EXPECT_EQ(sum["messages_received"], received);
  EXPECT_EQ(sum["connections"], connections);
  EXPECT_EQ(sum["connect_errors"], connect_errors);
  EXPECT_EQ(sum["bytes_received"], bytes);
  EXPECT_DOUBLE_EQ(sum["offered_rate"].get<double>(), offered);
  EXPECT_DOUBLE_EQ(sum["achieved_rate"].get<double>(), achieved);
  EXPECT_EQ(sum["errors"]["lost"], 12);
  EXPECT_EQ(sum["errors"]["connect_refused"], 0 + 1 + 2 + 3);
  EXPECT_EQ(sum["errors"]["corrupted"], 0);
  EXPECT_DOUBLE_EQ(sum["window_s"].get<double>(), 2.3);  // the longest shard window

  // What the shards were asked for adds up to what the whole run was asked for.
  EXPECT_EQ(m["params"]["connections"], 10);
  EXPECT_DOUBLE_EQ(m["params"]["rate"].get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(rate, 1000.0);
  EXPECT_EQ(m["params"]["shard"]["count"], 4);
  EXPECT_EQ(m["params"]["shard"]["missing"], json::array());
  EXPECT_EQ(m["params"]["url"], "ws://10.77.0.1:9001/");

  // Each shard's own report stays: params, environment, summary, series.
  ASSERT_EQ(m["shards"].size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const json& s = m["shards"][k];
    EXPECT_EQ(s["source"], "shard" + std::to_string(k));
    EXPECT_EQ(s["shard"]["index"], k);
    EXPECT_EQ(s["params"]["connections"], shards[k].options.connections);
    EXPECT_TRUE(s["environment"].contains("kernel"));
    EXPECT_EQ(s["summary"]["messages_received"], shards[k].result.messages_received);
    EXPECT_EQ(s["series"][0]["p99_us"], shards[k].result.series[0].p99_us);
  }
}

TEST(LoadMerge, HistogramIsTheHistogramOfAllSamples) {
  const auto shards = four_shards();
  const json m = merge_load_reports(inputs_of(shards), "t").report;

  latency_histogram all;
  for (const auto& s : shards) {
    for (const auto& second : s.per_second) {
      for (auto v : second) all.record(v);
    }
  }
  const auto merged = histogram_from_json(m["histograms"]["latency_us"]);
  EXPECT_TRUE(merged.same_counts(all));
  EXPECT_EQ(merged.total_count(), all.total_count());
  const json& l = m["summary"]["latency_us"];
  EXPECT_EQ(l["count"], all.total_count());
  EXPECT_EQ(l["p50"], all.value_at_percentile(50));
  EXPECT_EQ(l["p90"], all.value_at_percentile(90));
  EXPECT_EQ(l["p99"], all.value_at_percentile(99));
  EXPECT_EQ(l["p999"], all.value_at_percentile(99.9));
  EXPECT_EQ(l["max"], all.max());
  EXPECT_EQ(l["max"], 1'234'567 + 3);

  latency_histogram connect;
  for (const auto& s : shards) connect.merge(s.result.connect_us);
  EXPECT_EQ(m["summary"]["connect_us"]["p50"], connect.value_at_percentile(50));
  EXPECT_EQ(m["summary"]["connect_us"]["p99"], connect.value_at_percentile(99));
  EXPECT_EQ(m["summary"]["connect_us"]["max"], connect.max());
}

TEST(LoadMerge, SeriesAlignsByTheSecondAndRecomputesItsPercentiles) {
  const auto shards = four_shards();
  const json m = merge_load_reports(inputs_of(shards), "t").report;
  const json& series = m["series"];
  ASSERT_EQ(series.size(), 3u);
  for (std::size_t t = 0; t < 3; ++t) {
    const json& p = series[t];
    EXPECT_DOUBLE_EQ(p["t"].get<double>(), static_cast<double>(t + 1));
    EXPECT_EQ(p["reports"], 4);
    latency_histogram second;
    std::uint64_t sent = 0, received = 0, connections = 0;
    for (const auto& s : shards) {
      for (auto v : s.per_second[t]) second.record(v);
      sent += s.result.series[t].sent;
      received += s.result.series[t].received;
      connections += s.result.series[t].connections;
    }
    EXPECT_EQ(p["sent"], sent);
    EXPECT_EQ(p["received"], received);
    EXPECT_EQ(p["connections"], connections);
    EXPECT_EQ(p["errors"], 0 + 1 + 2 + 3);
    EXPECT_EQ(p["p50_us"], second.value_at_percentile(50)) << "t=" << t + 1;
    EXPECT_EQ(p["p99_us"], second.value_at_percentile(99)) << "t=" << t + 1;
    EXPECT_EQ(p["max_us"], second.max());
  }
}

TEST(LoadMerge, MergingMergesGivesTheSameAsMergingAll) {
  const auto shards = four_shards();
  const auto in = inputs_of(shards);
  const json all = merge_load_reports(in, "t").report;
  const json left = merge_load_reports({in[0], in[2]}, "t").report;
  const json right = merge_load_reports({in[3], in[1]}, "t").report;
  const json twice = merge_load_reports({{"left", left}, {"right", right}}, "t").report;
  EXPECT_EQ(twice["summary"], all["summary"]);
  EXPECT_EQ(twice["histograms"], all["histograms"]);
  EXPECT_EQ(twice["series"], all["series"]);
  EXPECT_EQ(twice["shards"].size(), 4u);
  EXPECT_EQ(twice["params"]["connections"], 10);
  EXPECT_EQ(twice["params"]["shard"]["merged"], json({0, 1, 2, 3}));
}

TEST(LoadMerge, RefusesTheSameShardTwiceAndDifferentSplits) {
  const auto a = make_shard(1, 4, 1);
  const auto b = make_shard(1, 4, 2);
  EXPECT_THROW(merge_load_reports({as_input(a, "a"), as_input(b, "b")}, "t"), load_merge_error);
  const auto c = make_shard(0, 3, 3);
  EXPECT_THROW(merge_load_reports({as_input(a, "a"), as_input(c, "c")}, "t"), load_merge_error);
  EXPECT_THROW(merge_load_reports({{"x", json{{"schema", "wsprobe-report/1"}}}}, "t"),
               load_merge_error);
  EXPECT_THROW(merge_load_reports({}, "t"), load_merge_error);
}

TEST(LoadMerge, WarnsAboutMissingShards) {
  const auto a = make_shard(0, 4, 1);
  const auto c = make_shard(2, 4, 3);
  const auto merged = merge_load_reports({as_input(a, "a"), as_input(c, "c")}, "t");
  ASSERT_EQ(merged.warnings.size(), 1u);
  EXPECT_NE(merged.warnings[0].find("missing: 1 3"), std::string::npos) << merged.warnings[0];
  EXPECT_EQ(merged.report["params"]["shard"]["missing"], json({1, 3}));
}

TEST(LoadMerge, WithoutPerSecondHistogramsSecondPercentilesAreNull) {
  // Unsharded runs keep no per-second histogram: their percentiles cannot be combined.
  auto a = make_shard(0, 2, 1);
  auto b = make_shard(1, 2, 2);
  for (auto* s : {&a, &b}) {
    s->options.shard.reset();
    s->options.series_histograms = false;
  }
  const json m = merge_load_reports({as_input(a, "a"), as_input(b, "b")}, "t").report;
  EXPECT_TRUE(m["params"]["shard"].is_null());
  ASSERT_EQ(m["series"].size(), 3u);
  EXPECT_TRUE(m["series"][0]["p50_us"].is_null());
  EXPECT_TRUE(m["series"][0]["p99_us"].is_null());
  EXPECT_EQ(m["series"][0]["received"], a.result.series[0].received + b.result.series[0].received);
  EXPECT_EQ(m["shards"][1]["series"][0]["p99_us"], b.result.series[0].p99_us);
  // The whole-run histograms are always kept, so the summary percentiles are still exact.
  latency_histogram all = a.result.latency_us;
  all.merge(b.result.latency_us);
  EXPECT_EQ(m["summary"]["latency_us"]["p99"], all.value_at_percentile(99));
}

TEST(LoadMerge, ShardReportsRecordTheShardAndTotals) {
  const auto s = make_shard(3, 4, 5);
  const json j = load_report_json(s.options, s.result, "t");
  EXPECT_EQ(j["params"]["shard"]["index"], 3);
  EXPECT_EQ(j["params"]["shard"]["count"], 4);
  EXPECT_EQ(j["params"]["shard"]["connections_total"], 10);
  EXPECT_DOUBLE_EQ(j["params"]["shard"]["rate_total"].get<double>(), 1000.0);
  EXPECT_EQ(j["params"]["connections"], 2);  // 10 over 4: 3, 3, 2, 2
  EXPECT_DOUBLE_EQ(j["params"]["rate"].get<double>(), 200.0);
  EXPECT_TRUE(j["series"][0].contains("latency_us"));
}

}  // namespace
}  // namespace wsprobe::load
