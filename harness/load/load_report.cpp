#include "harness/load/load_report.hpp"

#include <sched.h>
#include <sys/utsname.h>

#include <fstream>
#include <thread>

#include "harness/load/start_time.hpp"

namespace wsprobe::load {
namespace {

using json = nlohmann::json;

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        return value;
      }
    }
  }
  return "";
}

json sparse(const latency_histogram& h) {
  json pairs = json::array();
  for (const auto& [value, count] : h.to_sparse()) pairs.push_back({value, count});
  return pairs;
}

double seconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

json environment_json() {
  json env;
  env["cores"] = std::thread::hardware_concurrency();
  utsname u{};
  if (uname(&u) == 0) {
    env["kernel"] = std::string(u.sysname) + " " + u.release;
    env["machine"] = u.machine;
  }
  env["cpu_model"] = cpu_model();
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int allowed = CPU_COUNT(&set);
    env["cpus_allowed"] = allowed;
    // Worker threads are not pinned; a restricted affinity mask (taskset, cgroups) is reported.
    env["pinning"] = allowed < static_cast<int>(std::thread::hardware_concurrency())
                         ? json("affinity mask: " + std::to_string(allowed) + " cpus")
                         : json(nullptr);
  }
  return env;
}

json load_report_json(const load_options& o, const load_result& r, const std::string& version) {
  json report;
  report["schema"] = "wsprobe-load/1";
  report["tool"] = {{"name", "wsprobe"}, {"version", version}};

  json params;
  params["url"] = o.url.to_string();
  params["connections"] = o.connections;
  params["connect_rate"] = o.connect_rate > 0 ? json(o.connect_rate) : json(nullptr);
  params["max_pending_handshakes"] = o.max_pending_handshakes;
  params["duration_s"] = seconds(o.duration);
  params["warmup_s"] = seconds(o.warmup);
  params["model"] = to_string(o.model);
  params["rate"] = o.model == load_model::open_loop ? json(o.rate) : json(nullptr);
  params["in_flight"] = o.model == load_model::closed_loop ? json(o.in_flight) : json(nullptr);
  params["size_min"] = o.payload.fixed.empty() ? o.payload.min_size : o.payload.fixed.size();
  params["size_max"] = o.payload.fixed.empty() ? o.payload.max_size : o.payload.fixed.size();
  params["payload_file"] = !o.payload.fixed.empty();
  params["opcode"] = o.payload.text ? "text" : "binary";
  params["ping_interval_s"] =
      o.model == load_model::idle ? json(seconds(o.ping_interval)) : json(nullptr);
  params["threads"] = r.threads;
  params["source_ips"] = o.source_ips.size();
  if (o.shard) {
    params["shard"] = {
        {"index", o.shard->index},
        {"count", o.shard->count},
        {"connections_total", o.total_connections},
        {"rate_total", o.model == load_model::open_loop ? json(o.total_rate) : json(nullptr)},
        {"connect_rate_total",
         o.total_connect_rate > 0 ? json(o.total_connect_rate) : json(nullptr)}};
  } else {
    params["shard"] = nullptr;
  }
  params["start_at"] = o.start_at ? json(format_utc(*o.start_at)) : json(nullptr);
  report["params"] = params;
  report["environment"] = environment_json();
  report["started_at"] = format_utc(r.started_at);

  json summary;
  summary["connections"] = r.connections;
  summary["connect_errors"] = r.connect_errors;
  summary["ramp_s"] = r.ramp_seconds;
  summary["handshake_rate"] =
      r.ramp_seconds > 0 ? static_cast<double>(r.connections) / r.ramp_seconds : 0.0;
  summary["interrupted"] = r.interrupted;
  summary["start_late_s"] = r.start_late_s;
  summary["window_s"] = r.window_seconds;
  summary["messages_scheduled"] = r.messages_scheduled;
  summary["messages_sent"] = r.messages_sent;
  summary["messages_received"] = r.messages_received;
  summary["offered_rate"] = r.offered_rate();
  summary["achieved_rate"] = r.achieved_rate();
  summary["send_rate"] =
      r.window_seconds > 0 ? static_cast<double>(r.messages_sent) / r.window_seconds : 0.0;
  summary["bytes_sent"] = r.bytes_sent;
  summary["bytes_received"] = r.bytes_received;
  summary["pings_sent"] = r.pings_sent;
  summary["pongs_received"] = r.pongs_received;
  summary["errors"] = r.errors;
  const auto& l = r.latency_us;
  summary["latency_us"] = {{"p50", l.value_at_percentile(50)},
                           {"p90", l.value_at_percentile(90)},
                           {"p99", l.value_at_percentile(99)},
                           {"p999", l.value_at_percentile(99.9)},
                           {"max", l.max()},
                           {"count", l.total_count()}};
  summary["connect_us"] = {{"p50", r.connect_us.value_at_percentile(50)},
                           {"p99", r.connect_us.value_at_percentile(99)},
                           {"max", r.connect_us.max()}};
  summary["upgrade_us"] = {{"p50", r.upgrade_us.value_at_percentile(50)},
                           {"p99", r.upgrade_us.value_at_percentile(99)},
                           {"max", r.upgrade_us.max()}};
  if (o.model == load_model::idle) {
    summary["ping_us"] = {{"p50", r.ping_us.value_at_percentile(50)},
                          {"p99", r.ping_us.value_at_percentile(99)},
                          {"max", r.ping_us.max()}};
  }
  report["summary"] = summary;

  json series = json::array();
  for (const auto& p : r.series) {
    json point = {{"t", p.t},
                  {"sent", p.sent},
                  {"received", p.received},
                  {"p50_us", p.p50_us},
                  {"p99_us", p.p99_us},
                  {"max_us", p.max_us},
                  {"connections", p.connections},
                  {"errors", p.errors}};
    if (o.series_histograms) {
      json pairs = json::array();
      for (const auto& [value, count] : p.latency) pairs.push_back({value, count});
      point["latency_us"] = std::move(pairs);
    }
    series.push_back(std::move(point));
  }
  report["series"] = series;
  report["histograms"] = {{"latency_us", sparse(r.latency_us)},
                          {"connect_us", sparse(r.connect_us)},
                          {"upgrade_us", sparse(r.upgrade_us)},
                          {"ping_us", sparse(r.ping_us)}};
  return report;
}

latency_histogram histogram_from_json(const json& pairs) {
  latency_histogram h;
  for (const auto& p : pairs) h.record(p.at(0).get<std::uint64_t>(), p.at(1).get<std::uint64_t>());
  return h;
}

void print_summary(std::FILE* out, const load_options& o, const load_result& r) {
  const auto& l = r.latency_us;
  std::fprintf(out, "%s, %zu threads, %.2f s measured%s\n", to_string(o.model), r.threads,
               r.window_seconds, r.interrupted ? " (interrupted)" : "");
  if (o.shard) {
    std::fprintf(out, "shard         %zu of 0..%zu: %zu of %zu connections", o.shard->index,
                 o.shard->count - 1, o.connections, o.total_connections);
    if (o.model == load_model::open_loop) {
      std::fprintf(out, ", %.6g of %.6g messages/s", o.rate, o.total_rate);
    }
    std::fprintf(out, "\n");
  }
  if (o.start_at) {
    std::fprintf(out, "started       %s (%.3f s after --start-at)\n",
                 format_utc(r.started_at).c_str(), r.start_late_s);
  }
  std::fprintf(out,
               "connections   %llu up in %.3f s, %llu failed; connect p50 %llu us, upgrade p50 "
               "%llu us\n",
               static_cast<unsigned long long>(r.connections), r.ramp_seconds,
               static_cast<unsigned long long>(r.connect_errors),
               static_cast<unsigned long long>(r.connect_us.value_at_percentile(50)),
               static_cast<unsigned long long>(r.upgrade_us.value_at_percentile(50)));
  std::fprintf(out, "messages      %llu sent, %llu received; offered %.1f/s, achieved %.1f/s\n",
               static_cast<unsigned long long>(r.messages_sent),
               static_cast<unsigned long long>(r.messages_received), r.offered_rate(),
               r.achieved_rate());
  std::fprintf(out, "bytes         %llu sent, %llu received\n",
               static_cast<unsigned long long>(r.bytes_sent),
               static_cast<unsigned long long>(r.bytes_received));
  std::fprintf(out, "latency (us)  p50 %llu  p90 %llu  p99 %llu  p99.9 %llu  max %llu\n",
               static_cast<unsigned long long>(l.value_at_percentile(50)),
               static_cast<unsigned long long>(l.value_at_percentile(90)),
               static_cast<unsigned long long>(l.value_at_percentile(99)),
               static_cast<unsigned long long>(l.value_at_percentile(99.9)),
               static_cast<unsigned long long>(l.max()));
  if (o.model == load_model::idle) {
    std::fprintf(out, "pings         %llu sent, %llu pongs; rtt p50 %llu us\n",
                 static_cast<unsigned long long>(r.pings_sent),
                 static_cast<unsigned long long>(r.pongs_received),
                 static_cast<unsigned long long>(r.ping_us.value_at_percentile(50)));
  }
  std::fprintf(out, "errors        %llu", static_cast<unsigned long long>(r.error_total()));
  for (const auto& [kind, n] : r.errors) {
    if (n != 0) std::fprintf(out, "  %s %llu", kind.c_str(), static_cast<unsigned long long>(n));
  }
  std::fprintf(out, "\n");
}

}  // namespace wsprobe::load
