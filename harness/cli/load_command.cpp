// `wsprobe load URL`: the load generator (DESIGN.md §2, docs/load.md). Exit codes: 0 no errors,
// 1 errors were counted (lost, corrupted, closed by server, failed connections …), 2 usage or
// target error (bad URL, unresolvable host, not one connection established, bad --shard or
// --start-at), 130 interrupted with no errors (or while waiting for --start-at).
#include <CLI/CLI.hpp>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/cli/commands.hpp"
#include "harness/load/load_html.hpp"
#include "harness/load/load_report.hpp"
#include "harness/load/load_run.hpp"
#include "harness/load/shard_plan.hpp"
#include "harness/load/start_time.hpp"
#include "harness/net/url.hpp"

namespace wsprobe::cli {
namespace {

struct load_cli {
  std::string url;
  std::size_t connections = 1;
  double connect_rate = 0;
  std::size_t max_pending = 256;
  double duration_s = 10;
  double warmup_s = 0;
  double rate = 0;
  double rate_per_conn = 0;
  std::size_t in_flight = 0;
  bool idle = false;
  double ping_interval_s = 1;
  bool send_only = false;
  std::size_t size = 64;
  std::string size_dist;
  bool text = false;
  bool binary = false;
  std::string payload_file;
  std::size_t threads = 0;
  std::vector<std::string> source_ips;
  std::string shard;
  std::string start_at;
  std::string report_dir = "reports/latest";
  bool insecure = false;
  std::string ca_file;
  bool json = false;
  bool quiet = false;
};

load::stop_flag& stop() {
  static load::stop_flag flag;
  return flag;
}

extern "C" void on_load_interrupt(int) {
  stop().requested.store(true);
}

// First SIGINT/SIGTERM: stop sending, drain, write the report. A second one kills as usual.
void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_load_interrupt;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "wsprobe load: %s\n", message.c_str());
  return 2;
}

std::chrono::nanoseconds to_ns(double seconds) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

constexpr auto max_start_wait = std::chrono::hours(24 * 7);

// --shard K/N: this process opens its share of the connections and sends their share of the rate
// (and of the handshake rate); the totals stay in the options for the report.
std::string apply_shard(const load_cli& c, load::load_options& o) {
  load::shard_spec s;
  try {
    s = load::parse_shard(c.shard, std::getenv(load::shard_index_env));
  } catch (const load::shard_error& e) {
    return e.what();
  }
  if (o.connections < s.count) {
    return "--shard " + c.shard + ": " + std::to_string(o.connections) +
           " connections cannot be split over " + std::to_string(s.count) +
           " shards (every shard needs at least one)";
  }
  o.shard = s;
  o.total_connections = o.connections;
  o.total_rate = o.rate;
  o.total_connect_rate = o.connect_rate;
  o.connections = load::shard_share(o.total_connections, s);
  o.rate = load::shard_rate(o.total_rate, o.total_connections, s);
  o.connect_rate = load::shard_rate(o.total_connect_rate, o.total_connections, s);
  // A share rounded down to nothing would mean "unpaced" or "never send": refuse instead.
  const auto shard_name = std::to_string(s.index) + "/" + std::to_string(s.count);
  if (o.model == load::load_model::open_loop && !(o.rate > 0)) {
    return "--shard " + shard_name + ": the rate is too small to give this shard any messages";
  }
  if (o.total_connect_rate > 0 && !(o.connect_rate > 0)) {
    return "--shard " + shard_name + ": --connect-rate is too small to give this shard any";
  }
  o.series_histograms = true;
  return {};
}

// Builds the run's options from the command line; returns a message when something is wrong.
std::string make_options(const load_cli& c, load::load_options& o) {
  try {
    o.url = net::parse_ws_url(c.url);
  } catch (const net::address_error& e) {
    return e.what();
  }
  if (c.connections == 0) return "--connections must be at least 1";
  o.connections = c.connections;
  if (c.connect_rate < 0) return "--connect-rate must not be negative";
  o.connect_rate = c.connect_rate;
  if (c.max_pending == 0) return "--max-pending-handshakes must be at least 1";
  o.max_pending_handshakes = c.max_pending;
  if (!(c.duration_s > 0)) return "--duration must be positive";
  if (c.warmup_s < 0) return "--warmup must not be negative";
  o.duration = to_ns(c.duration_s);
  o.warmup = to_ns(c.warmup_s);

  const int models = (c.rate > 0 || c.rate_per_conn > 0) + (c.in_flight > 0) + c.idle;
  if (models > 1) return "choose one load model: --rate/--rate-per-conn, --in-flight or --idle";
  if (c.rate > 0 && c.rate_per_conn > 0) return "--rate and --rate-per-conn exclude each other";
  if (c.in_flight > 0) {
    o.model = load::load_model::closed_loop;
    o.in_flight = c.in_flight;
  } else if (c.idle) {
    o.model = load::load_model::idle;
    if (!(c.ping_interval_s > 0)) return "--ping-interval must be positive";
    o.ping_interval = to_ns(c.ping_interval_s);
  } else {
    o.model = load::load_model::open_loop;
    o.rate = c.rate_per_conn > 0 ? c.rate_per_conn * static_cast<double>(c.connections)
                                 : (c.rate > 0 ? c.rate : 1000.0);
  }

  if (c.send_only && o.model != load::load_model::open_loop) {
    return "--send-only is an open-loop mode: use it with --rate/--rate-per-conn";
  }
  o.send_only = c.send_only;
  if (c.text && c.binary) return "--text and --binary exclude each other";
  o.payload.text = c.text;
  if (!c.payload_file.empty()) {
    std::ifstream in(c.payload_file, std::ios::binary);
    if (!in) return "cannot read --payload-file '" + c.payload_file + "'";
    o.payload.fixed.assign(std::istreambuf_iterator<char>(in), {});
    if (o.payload.fixed.size() < load::stamp_size) {
      return "--payload-file must hold at least 16 bytes (the stamp goes there)";
    }
  } else if (!c.size_dist.empty()) {
    const auto colon = c.size_dist.find(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      o.payload.min_size = std::stoull(c.size_dist.substr(0, colon));
      o.payload.max_size = std::stoull(c.size_dist.substr(colon + 1));
    } catch (const std::exception&) {
      return "--size-dist must be MIN:MAX in bytes";
    }
    if (o.payload.min_size > o.payload.max_size) return "--size-dist: MIN is larger than MAX";
  } else {
    o.payload.min_size = o.payload.max_size = c.size;
  }
  if (o.payload.fixed.empty() && o.payload.min_size < load::stamp_size) {
    return "--size must be at least 16 bytes (sequence number and send time)";
  }

  const auto cores = std::max(1u, std::thread::hardware_concurrency());
  o.threads = c.threads > 0 ? c.threads : cores;
  for (const auto& text : c.source_ips) {
    std::stringstream list(text);
    std::string item;
    while (std::getline(list, item, ',')) {
      boost::system::error_code ec;
      auto address = boost::asio::ip::make_address(item, ec);
      if (ec) return "bad --source-ip '" + item + "'";
      o.source_ips.push_back(address);
    }
  }
  o.tls.insecure = c.insecure;
  o.tls.ca_file = c.ca_file;
  if (!c.shard.empty()) {
    if (auto problem = apply_shard(c, o); !problem.empty()) return problem;
  }
  if (!c.start_at.empty()) {
    try {
      o.start_at = load::parse_start_time(c.start_at);
    } catch (const load::start_time_error& e) {
      return e.what();
    }
    // A start days away is more likely a mistake (milliseconds for seconds, a wrong date).
    if (*o.start_at - std::chrono::system_clock::now() > max_start_wait) {
      return "--start-at " + load::format_utc(*o.start_at) + " is more than 7 days away";
    }
  }
  return {};
}

int run(const load_cli& c) {
  load::load_options o;
  if (auto problem = make_options(c, o); !problem.empty()) return usage_error(problem);

  if (o.start_at && *o.start_at < std::chrono::system_clock::now()) {
    const double past =
        std::chrono::duration<double>(std::chrono::system_clock::now() - *o.start_at).count();
    std::fprintf(stderr,
                 "wsprobe load: warning: --start-at %s was %.1f s ago: starting now (series t "
                 "still counts from it)\n",
                 load::format_utc(*o.start_at).c_str(), past);
  }

  install_interrupt_handlers();
  load::load_result result;
  try {
    result = load::run_load(o, c.quiet ? nullptr : stderr, stop());
  } catch (const std::exception& e) {
    return usage_error(e.what());
  }

  if (!result.started) {
    std::fprintf(stderr, "wsprobe load: interrupted while waiting for --start-at; no report\n");
    return 130;
  }

  const auto report = load::load_report_json(o, result, WSPROBE_VERSION);
  std::error_code ec;
  std::filesystem::create_directories(c.report_dir, ec);
  const auto path = std::filesystem::path(c.report_dir) / "load.json";
  {
    std::ofstream out(path);
    out << report.dump(2) << "\n";
    if (!out) return usage_error("cannot write " + path.string());
  }
  load::write_load_html(report, c.report_dir);
  if (c.json) std::printf("%s\n", report["summary"].dump().c_str());
  if (!c.quiet) {
    load::print_summary(stderr, o, result);
    std::fprintf(stderr, "report: %s\n", path.string().c_str());
  }

  if (result.connections == 0) {
    std::fprintf(stderr, "wsprobe load: no connection to %s could be established\n",
                 o.url.to_string().c_str());
    return 2;
  }
  if (result.error_total() != 0) return 1;
  return result.interrupted ? 130 : 0;
}

}  // namespace

void add_load_command(CLI::App& app, int& exit_code) {
  auto c = std::make_shared<load_cli>();
  CLI::App* cmd = app.add_subcommand("load", "Load-test a WebSocket echo server (docs/load.md)");
  cmd->add_option("url", c->url, "ws:// or wss:// URL of an echo server")->required();
  cmd->add_option("--connections", c->connections, "connections to open")->capture_default_str();
  cmd->add_option("--connect-rate", c->connect_rate, "opening handshakes per second (0: unpaced)");
  cmd->add_option("--max-pending-handshakes", c->max_pending,
                  "connections being opened at once, at most")
      ->capture_default_str();
  cmd->add_option("--duration", c->duration_s, "measured seconds (after the warm-up)")
      ->capture_default_str();
  cmd->add_option("--warmup", c->warmup_s, "seconds of load before measuring (not counted)");
  cmd->add_option("--rate", c->rate,
                  "open loop: messages per second over all connections (default 1000)");
  cmd->add_option("--rate-per-conn", c->rate_per_conn, "open loop: messages per second each");
  cmd->add_option("--in-flight", c->in_flight,
                  "closed loop: messages outstanding per connection (next on each echo)");
  cmd->add_flag("--idle", c->idle, "hold connections open and only ping");
  cmd->add_flag("--send-only", c->send_only,
                "open loop without echoes (for `serve --sink`): count what was sent, no latency");
  cmd->add_option("--ping-interval", c->ping_interval_s, "--idle: seconds between pings")
      ->capture_default_str();
  cmd->add_option("--size", c->size, "payload bytes per message (>= 16)")->capture_default_str();
  cmd->add_option("--size-dist", c->size_dist, "payload bytes uniform in MIN:MAX");
  cmd->add_flag("--text", c->text, "send text messages (ASCII payloads)");
  cmd->add_flag("--binary", c->binary, "send binary messages (the default)");
  cmd->add_option("--payload-file", c->payload_file,
                  "payload bytes from FILE (its first 16 bytes carry the stamp)");
  cmd->add_option("--threads", c->threads, "worker threads (default: all cores)");
  cmd->add_option("--source-ip", c->source_ips,
                  "local addresses to connect from, comma-separated or repeated (default for a "
                  "loopback target: spread over 127.0.0.1-64)");
  cmd->add_option("--shard", c->shard,
                  "K/N: run shard K (0..N-1) of N: its share of --connections, --rate and "
                  "--connect-rate; auto/N reads K from $JOB_COMPLETION_INDEX");
  cmd->add_option("--start-at", c->start_at,
                  "start connecting at TIME, ISO-8601 UTC (2026-12-03T10:00:00Z) or unix seconds "
                  "(a past TIME starts now, with a warning)");
  cmd->add_option("--report-dir", c->report_dir, "where load.json and load.html go")
      ->capture_default_str();
  cmd->add_flag("--insecure", c->insecure, "wss://: do not verify the server certificate");
  cmd->add_option("--ca", c->ca_file, "wss://: trust the CAs in this PEM file");
  cmd->add_flag("--json", c->json, "print the summary as JSON on stdout");
  cmd->add_flag("--quiet", c->quiet, "no status lines and no summary");
  cmd->callback([c, &exit_code] { exit_code = run(*c); });
}

}  // namespace wsprobe::cli
