#include "harness/load/load_merge.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "harness/load/latency_histogram.hpp"
#include "harness/load/load_report.hpp"
#include "harness/load/start_time.hpp"

namespace wsprobe::load {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* load_schema = "wsprobe-load/1";

// Summary fields that are added up (counters and rates); the rest is recomputed or combined.
const std::set<std::string> summed_fields = {
    "connections",   "connect_errors", "messages_scheduled", "messages_sent",  "messages_received",
    "bytes_sent",    "bytes_received", "pings_sent",         "pongs_received", "offered_rate",
    "achieved_rate", "send_rate",      "handshake_rate"};
// Times that overlap across shards: the longest one stands for the whole.
const std::set<std::string> max_fields = {"window_s", "ramp_s", "start_late_s"};
// Recomputed from the merged histograms.
const std::set<std::string> histogram_fields = {"latency_us", "connect_us", "upgrade_us",
                                                "ping_us"};

// j[key], or null when j is not an object or lacks it (a reference: safe to iterate).
const json& field(const json& j, const char* key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  const auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

std::optional<json> read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

// A percentile of a histogram read back from sparse pairs, whose max is the lowest value of its
// top bucket: a percentile in that bucket is the exact max, as the shard's own report had it.
std::uint64_t percentile(const latency_histogram& h, double q, std::uint64_t exact_max) {
  if (h.total_count() == 0) return 0;
  const std::uint64_t v = h.value_at_percentile(q);
  return v >= h.max() ? std::max(exact_max, h.max()) : v;
}

json sparse(const latency_histogram& h) {
  json pairs = json::array();
  for (const auto& [value, count] : h.to_sparse()) pairs.push_back({value, count});
  return pairs;
}

std::uint64_t as_count(const json& v) {
  if (v.is_number_unsigned() || v.is_number_integer()) return v.get<std::uint64_t>();
  return 0;
}

// One input's shards as (index, count): its own params.shard, or a merged input's shards[].
std::vector<std::pair<std::size_t, std::size_t>> shards_of(const json& report, bool& unsharded) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const auto add = [&](const json& shard) {
    if (shard.is_object()) {
      out.emplace_back(shard.at("index").get<std::size_t>(), shard.at("count").get<std::size_t>());
    } else {
      unsharded = true;
    }
  };
  if (report.contains("shards") && report["shards"].is_array()) {
    for (const auto& s : report["shards"]) add(s.value("shard", json(nullptr)));
  } else {
    add(report.value("params", json::object()).value("shard", json(nullptr)));
  }
  return out;
}

// One entry of shards[] per original run: an input that is itself a merge brings its own.
void append_shard_entries(const load_merge_input& in, json& shards) {
  const json& r = in.report;
  if (r.contains("shards") && r["shards"].is_array()) {
    for (const auto& s : r["shards"]) shards.push_back(s);
    return;
  }
  json entry;
  entry["source"] = in.source;
  entry["shard"] = r.value("params", json::object()).value("shard", json(nullptr));
  entry["started_at"] = r.value("started_at", json(nullptr));
  entry["params"] = r.value("params", json::object());
  entry["environment"] = r.value("environment", json::object());
  entry["summary"] = r.value("summary", json::object());
  // The shard's own per-second figures; its per-second histograms are in the merged series.
  json series = json::array();
  for (auto point : r.value("series", json::array())) {
    point.erase("latency_us");
    series.push_back(std::move(point));
  }
  entry["series"] = std::move(series);
  shards.push_back(std::move(entry));
}

json merge_summaries(const std::vector<load_merge_input>& inputs,
                     const std::map<std::string, latency_histogram>& histograms) {
  json out = json::object();
  std::map<std::string, std::uint64_t> errors;
  std::map<std::string, std::uint64_t> exact_max;
  bool idle = false;
  for (const auto& in : inputs) {
    const json s = in.report.value("summary", json::object());
    for (const auto& [key, value] : s.items()) {
      if (summed_fields.count(key)) {
        if (value.is_number_float()) {
          out[key] = out.value(key, 0.0) + value.get<double>();
        } else if (value.is_number()) {
          out[key] = out.value(key, std::uint64_t{0}) + as_count(value);
        }
      } else if (max_fields.count(key) && value.is_number()) {
        out[key] = std::max(out.value(key, 0.0), value.get<double>());
      } else if (key == "interrupted") {
        out[key] = out.value(key, false) || value.get<bool>();
      } else if (key == "errors") {
        for (const auto& [kind, n] : value.items()) errors[kind] += as_count(n);
      } else if (histogram_fields.count(key)) {
        if (key == "ping_us") idle = true;
        if (value.contains("max")) {
          exact_max[key] = std::max(exact_max[key], as_count(value["max"]));
        }
      } else if (value.is_number_unsigned() || value.is_number_integer()) {
        // A counter this merge does not know by name (a newer shard): counters add up.
        out[key] = out.value(key, std::uint64_t{0}) + as_count(value);
      }
      // Anything else (a figure that does not add up) stays in shards[].summary only.
    }
  }
  out["errors"] = errors;
  const auto hist = [&](const std::string& name) -> const latency_histogram& {
    static const latency_histogram empty;
    const auto it = histograms.find(name);
    return it == histograms.end() ? empty : it->second;
  };
  const auto& l = hist("latency_us");
  const auto lmax = exact_max["latency_us"];
  out["latency_us"] = {{"p50", percentile(l, 50, lmax)}, {"p90", percentile(l, 90, lmax)},
                       {"p99", percentile(l, 99, lmax)}, {"p999", percentile(l, 99.9, lmax)},
                       {"max", std::max(lmax, l.max())}, {"count", l.total_count()}};
  for (const char* name : {"connect_us", "upgrade_us", "ping_us"}) {
    if (std::string(name) == "ping_us" && !idle) continue;
    const auto& h = hist(name);
    const auto m = exact_max[name];
    out[name] = {{"p50", percentile(h, 50, m)},
                 {"p99", percentile(h, 99, m)},
                 {"max", std::max(m, h.max())}};
  }
  return out;
}

// Series aligned by t rounded to the whole second, summed; per-second percentiles recomputed
// where every contributing point carries its histogram.
json merge_series(const std::vector<load_merge_input>& inputs) {
  struct second {
    std::uint64_t sent = 0, received = 0, connections = 0, errors = 0, max_us = 0;
    std::size_t reports = 0;
    bool all_histograms = true;
    latency_histogram latency;
  };
  std::map<long long, second> seconds;
  for (const auto& in : inputs) {
    for (const auto& p : in.report.value("series", json::array())) {
      auto& s = seconds[std::llround(p.value("t", 0.0))];
      s.sent += as_count(p.value("sent", json(0)));
      s.received += as_count(p.value("received", json(0)));
      s.connections += as_count(p.value("connections", json(0)));
      s.errors += as_count(p.value("errors", json(0)));
      s.max_us = std::max(s.max_us, as_count(p.value("max_us", json(0))));
      s.reports += as_count(p.value("reports", json(1)));  // a merged input brings its count
      if (p.contains("latency_us") && p["latency_us"].is_array()) {
        s.latency.merge(histogram_from_json(p["latency_us"]));
      } else {
        s.all_histograms = false;
      }
    }
  }
  json out = json::array();
  for (const auto& [t, s] : seconds) {
    json point = {{"t", static_cast<double>(t)},  {"sent", s.sent},     {"received", s.received},
                  {"connections", s.connections}, {"errors", s.errors}, {"reports", s.reports}};
    if (s.all_histograms) {
      point["p50_us"] = percentile(s.latency, 50, s.max_us);
      point["p99_us"] = percentile(s.latency, 99, s.max_us);
      point["max_us"] = std::max(s.max_us, s.latency.max());
      point["latency_us"] = sparse(s.latency);
    } else {
      // Percentiles of different shards cannot be combined: see shards[].series.
      point["p50_us"] = nullptr;
      point["p99_us"] = nullptr;
      point["max_us"] = s.max_us;
    }
    out.push_back(std::move(point));
  }
  return out;
}

// The same value in every input's params, or null (with a warning) when they differ.
json common_param(const std::vector<load_merge_input>& inputs, const char* key,
                  std::vector<std::string>& warnings, bool warn) {
  std::optional<json> value;
  for (const auto& in : inputs) {
    const json v = in.report.value("params", json::object()).value(key, json(nullptr));
    if (!value) {
      value = v;
    } else if (*value != v) {
      if (warn)
        warnings.push_back(std::string("inputs differ in ") + key + ": " + value->dump() + " and " +
                           v.dump());
      return nullptr;
    }
  }
  return value.value_or(json(nullptr));
}

json merge_params(const std::vector<load_merge_input>& inputs, std::size_t shard_count,
                  const std::vector<std::size_t>& indices, std::vector<std::string>& warnings) {
  json p;
  for (const char* key : {"url", "model", "start_at"}) {
    p[key] = common_param(inputs, key, warnings, true);
  }
  for (const char* key : {"opcode", "size_min", "size_max", "duration_s", "warmup_s", "in_flight",
                          "ping_interval_s", "max_pending_handshakes"}) {
    p[key] = common_param(inputs, key, warnings, false);
  }
  // Totals over the inputs: what the shards were asked to do together.
  std::uint64_t connections = 0, threads = 0;
  std::optional<double> rate, connect_rate;
  for (const auto& in : inputs) {
    const json q = in.report.value("params", json::object());
    connections += as_count(q.value("connections", json(0)));
    threads += as_count(q.value("threads", json(0)));
    if (q.value("rate", json(nullptr)).is_number())
      rate = rate.value_or(0) + q["rate"].get<double>();
    if (q.value("connect_rate", json(nullptr)).is_number()) {
      connect_rate = connect_rate.value_or(0) + q["connect_rate"].get<double>();
    }
  }
  p["connections"] = connections;
  p["threads"] = threads;
  p["rate"] = rate ? json(*rate) : json(nullptr);
  p["connect_rate"] = connect_rate ? json(*connect_rate) : json(nullptr);
  if (shard_count > 0) {
    json missing = json::array();
    for (std::size_t k = 0; k < shard_count; ++k) {
      if (!std::binary_search(indices.begin(), indices.end(), k)) missing.push_back(k);
    }
    p["shard"] = {{"count", shard_count}, {"merged", indices}, {"missing", missing}};
  } else {
    p["shard"] = nullptr;
  }
  return p;
}

json merge_environment(const json& shards) {
  json env;
  std::uint64_t cores = 0;
  std::set<std::string> kernels, cpus;
  for (const auto& s : shards) {
    const json e = s.value("environment", json::object());
    cores += as_count(e.value("cores", json(0)));
    if (e.value("kernel", json(nullptr)).is_string())
      kernels.insert(e["kernel"].get<std::string>());
    if (e.value("cpu_model", json(nullptr)).is_string()) {
      cpus.insert(e["cpu_model"].get<std::string>());
    }
  }
  env["merged_from"] = shards.size();
  env["cores"] = cores;  // over every shard's machine (shards on one machine count it again)
  env["kernels"] = kernels;
  env["cpu_models"] = cpus;
  return env;
}

}  // namespace

bool is_load_report(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return !fs::exists(path / "index.json", ec) && fs::exists(path / "load.json", ec);
  }
  const auto j = read_json(path);
  return j && j->is_object() && j->value("schema", "") == load_schema;
}

namespace {

bool is_count(const json& v) {
  return v.is_number_unsigned() || v.is_number_integer();
}

// "" when `shard` is null or {index, count} with 0 <= index < count.
std::string shard_problem(const json& shard, const std::string& where) {
  if (shard.is_null()) return {};
  if (!shard.is_object() || !is_count(field(shard, "index")) || !is_count(field(shard, "count")) ||
      shard["index"].get<std::int64_t>() < 0 || shard["count"].get<std::int64_t>() < 1 ||
      shard["index"].get<std::int64_t>() >= shard["count"].get<std::int64_t>()) {
    return where + " must be null or {index, count} with 0 <= index < count";
  }
  return {};
}

// What the merge relies on in a load report, so that a damaged file is refused by name instead of
// failing half way through the merge.
std::string structure_problem(const json& r) {
  if (!field(r, "summary").is_object()) return "no summary object";
  const json& summary = r["summary"];
  if (summary.contains("errors") && !summary["errors"].is_object()) {
    return "summary.errors is not an object";
  }
  if (summary.contains("interrupted") && !summary["interrupted"].is_boolean()) {
    return "summary.interrupted is not true or false";
  }
  if (r.contains("params")) {
    if (!r["params"].is_object()) return "params is not an object";
    // A merged report's params.shard is {count, merged, missing}; its shards[] are checked below.
    if (!r.contains("shards")) {
      if (auto p = shard_problem(field(r["params"], "shard"), "params.shard"); !p.empty()) {
        return p;
      }
    }
  }
  if (r.contains("shards")) {
    if (!r["shards"].is_array()) return "shards is not an array";
    for (const auto& s : r["shards"]) {
      if (!s.is_object()) return "shards[] holds something that is not an object";
      if (auto p = shard_problem(field(s, "shard"), "shards[].shard"); !p.empty()) return p;
    }
  }
  if (r.contains("series")) {
    if (!r["series"].is_array()) return "series is not an array";
    for (const auto& p : r["series"]) {
      if (!p.is_object()) return "series[] holds something that is not an object";
      if (p.contains("t") && !p["t"].is_number()) return "series[].t is not a number";
    }
  }
  if (r.contains("histograms")) {
    if (!r["histograms"].is_object()) return "histograms is not an object";
    for (const auto& [name, pairs] : r["histograms"].items()) {
      if (!pairs.is_array()) return "histograms." + name + " is not an array";
      for (const auto& pair : pairs) {
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() ||
            !pair[1].is_number_unsigned()) {
          return "histograms." + name + " holds something that is not a [value_us, count] pair";
        }
      }
    }
  }
  return {};
}

}  // namespace

load_merge_input read_load_report(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw load_merge_error("cannot read '" + path.string() + "': no such file or folder");
  }
  const bool folder = fs::is_directory(path, ec);
  const fs::path file = folder ? path / "load.json" : path;
  if (folder && !fs::exists(file, ec)) {
    throw load_merge_error("'" + path.string() + "' holds no load.json");
  }
  std::ifstream in(file);
  if (!in) throw load_merge_error("cannot read '" + file.string() + "'");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception&) {
    throw load_merge_error(file.string() + " is not JSON");
  }
  if (!j.is_object() || j.value("schema", "") != load_schema) {
    std::string what = "no schema";
    if (j.is_object() && j.contains("schema")) what = "its schema is " + j["schema"].dump();
    throw load_merge_error(file.string() + " is not a load report (schema " + load_schema + "; " +
                           what + ")");
  }
  if (auto problem = structure_problem(j); !problem.empty()) {
    throw load_merge_error(file.string() + " is not a usable load report: " + problem);
  }
  return {file.string(), std::move(j)};
}

namespace {

load_merge_result merge_checked(const std::vector<load_merge_input>& inputs,
                                const std::string& version) {
  load_merge_result result;
  auto& warnings = result.warnings;

  // Which shards are here: one split (the same N), each shard once.
  std::size_t shard_count = 0;
  std::vector<std::size_t> indices;
  bool unsharded = false;
  for (const auto& in : inputs) {
    for (const auto& [index, count] : shards_of(in.report, unsharded)) {
      if (shard_count != 0 && count != shard_count) {
        throw load_merge_error("shards of different splits: " + std::to_string(count) + " and " +
                               std::to_string(shard_count) + " shards (" + in.source + ")");
      }
      shard_count = count;
      if (std::find(indices.begin(), indices.end(), index) != indices.end()) {
        throw load_merge_error("shard " + std::to_string(index) + "/" + std::to_string(count) +
                               " is there twice (" + in.source + "): it would be counted twice");
      }
      indices.push_back(index);
    }
  }
  std::sort(indices.begin(), indices.end());
  if (shard_count != 0 && indices.size() < shard_count) {
    std::ostringstream m;
    m << "merged " << indices.size() << " of " << shard_count << " shards; missing:";
    for (std::size_t k = 0; k < shard_count; ++k) {
      if (!std::binary_search(indices.begin(), indices.end(), k)) m << ' ' << k;
    }
    warnings.push_back(m.str());
  }
  if (shard_count != 0 && unsharded) warnings.push_back("sharded and unsharded runs merged");

  // Histograms, bucket by bucket.
  std::map<std::string, latency_histogram> histograms;
  for (const auto& in : inputs) {
    const json& saved = field(in.report, "histograms");
    if (!saved.is_object()) continue;
    for (const auto& [name, pairs] : saved.items()) {
      histograms[name].merge(histogram_from_json(pairs));
    }
  }

  json shards = json::array();
  for (const auto& in : inputs) append_shard_entries(in, shards);

  // When did the shards start? Far apart means their loads did not overlap as planned.
  std::optional<std::chrono::system_clock::time_point> first, last;
  for (const auto& s : shards) {
    if (!s.value("started_at", json(nullptr)).is_string()) continue;
    try {
      const auto t = parse_start_time(s["started_at"].get<std::string>());
      first = first ? std::min(*first, t) : t;
      last = last ? std::max(*last, t) : t;
    } catch (const start_time_error&) {
    }
  }
  if (first && *last - *first > std::chrono::seconds(1)) {
    std::ostringstream m;
    m.precision(3);
    m << "shards started " << std::chrono::duration<double>(*last - *first).count()
      << " s apart (use --start-at): their loads overlapped less than planned";
    warnings.push_back(m.str());
  }

  json& out = result.report;
  out["schema"] = load_schema;
  out["tool"] = {{"name", "wsprobe"}, {"version", version}};
  out["merged"] = true;
  out["started_at"] = first ? json(format_utc(*first)) : json(nullptr);
  out["params"] = merge_params(inputs, shard_count, indices, warnings);
  out["environment"] = merge_environment(shards);
  out["summary"] = merge_summaries(inputs, histograms);
  out["series"] = merge_series(inputs);
  json hist = json::object();
  for (const auto& [name, h] : histograms) hist[name] = sparse(h);
  out["histograms"] = std::move(hist);
  out["shards"] = std::move(shards);
  return result;
}

}  // namespace

load_merge_result merge_load_reports(const std::vector<load_merge_input>& inputs,
                                     const std::string& version) {
  if (inputs.empty()) throw load_merge_error("no load reports to merge");
  for (const auto& in : inputs) {
    if (!in.report.is_object() || in.report.value("schema", "") != load_schema) {
      throw load_merge_error(in.source + " is not a load report (schema " + load_schema + ")");
    }
    if (auto problem = structure_problem(in.report); !problem.empty()) {
      throw load_merge_error(in.source + " is not a usable load report: " + problem);
    }
  }
  // The same unsharded run given twice (a file and its folder, a copy, or inside a merged input)
  // would count twice. Shards of a split are caught by their index, naming the shard.
  std::vector<std::pair<json, std::string>> runs;  // (identity, where it came from)
  for (const auto& in : inputs) {
    const auto add = [&](const json& run) {
      if (!field(run, "shard").is_null() || !field(field(run, "params"), "shard").is_null()) {
        return;
      }
      json identity = {{"started_at", field(run, "started_at")},
                       {"params", field(run, "params")},
                       {"summary", field(run, "summary")}};
      for (const auto& [seen, source] : runs) {
        if (seen == identity) {
          throw load_merge_error(source + " and " + in.source +
                                 " hold the same run: it would be counted twice");
        }
      }
      runs.emplace_back(std::move(identity), in.source);
    };
    if (field(in.report, "shards").is_array()) {
      for (const auto& s : in.report["shards"]) add(s);
    } else {
      add(in.report);
    }
  }
  try {
    return merge_checked(inputs, version);
  } catch (const json::exception& e) {
    throw load_merge_error(std::string("a load report has a field of an unexpected type: ") +
                           e.what());
  }
}

}  // namespace wsprobe::load
