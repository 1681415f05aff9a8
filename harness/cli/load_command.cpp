// `wsprobe load URL`: the load generator (DESIGN.md §2, docs/load.md). Exit codes: 0 no errors,
// 1 errors were counted (lost, corrupted, closed by server, failed connections …), 2 usage or
// target error (any bad option, checked by load::make_load_options before anything runs;
// unresolvable host or not one connection established, with a report), 130 interrupted with no
// errors (or while waiting for --start-at, without a report).
#include <CLI/CLI.hpp>

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "harness/cli/commands.hpp"
#include "harness/load/load_html.hpp"
#include "harness/load/load_options.hpp"
#include "harness/load/load_report.hpp"
#include "harness/load/load_run.hpp"
#include "harness/load/shard_plan.hpp"
#include "harness/load/start_time.hpp"

namespace wsprobe::cli {
namespace {

load::stop_flag& stop() {
  static load::stop_flag flag;
  return flag;
}

// When the first interrupt came (CLOCK_MONOTONIC milliseconds; 0: none yet).
std::atomic<long long> first_interrupt_ms{0};

extern "C" void on_load_interrupt(int sig) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  const long long ms = now.tv_sec * 1000LL + now.tv_nsec / 1000000;
  long long none = 0;
  if (first_interrupt_ms.compare_exchange_strong(none, ms)) {
    stop().requested.store(true);
    return;
  }
  // One interrupt often arrives twice: Ctrl-C reaches the whole process group, and wrappers such
  // as timeout(1) pass it on once more. Only a later one is a second request.
  if (ms - first_interrupt_ms.load() < 500) return;
  signal(sig, SIG_DFL);
  raise(sig);  // killed the usual way
}

// First SIGINT/SIGTERM: stop sending, drain, write the report. A second one (at least 0.5 s
// later) kills as usual.
void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_load_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "wsprobe load: %s\n", message.c_str());
  return 2;
}

// Creates DIR (and its parents) and checks that a report can go there, before the run rather
// than after it.
std::string prepare_report_dir(const std::string& dir) {
  if (dir.empty()) return "--report-dir '': give a folder";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "--report-dir '" + dir + "': cannot create it (" + ec.message() + ")";
  if (!std::filesystem::is_directory(dir, ec)) return "--report-dir '" + dir + "': not a folder";
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return "--report-dir '" + dir + "': cannot write there (" +
           std::error_code(errno, std::generic_category()).message() + ")";
  }
  return {};
}

// "connect_refused 5, timeout 2": the errors that were counted.
std::string counted_errors(const load::load_result& result) {
  std::string out;
  for (const auto& [kind, n] : result.errors) {
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += kind + " " + std::to_string(n);
  }
  return out;
}

int run(const load::load_args& a, const std::string& report_dir, bool json, bool quiet) {
  load::load_options o;
  const auto cores = std::max(1u, std::thread::hardware_concurrency());
  if (auto problem = load::make_load_options(a, o, std::getenv(load::shard_index_env), cores,
                                             std::chrono::system_clock::now());
      !problem.empty()) {
    return usage_error(problem);
  }
  if (auto problem = prepare_report_dir(report_dir); !problem.empty()) {
    return usage_error(problem);
  }

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
    result = load::run_load(o, quiet ? nullptr : stderr, stop());
  } catch (const std::exception& e) {  // load_usage_error, a TLS context that cannot be made
    return usage_error(e.what());
  }

  if (!result.started) {
    std::fprintf(stderr, "wsprobe load: interrupted while waiting for --start-at; no report\n");
    return 130;
  }

  const auto report = load::load_report_json(o, result, WSPROBE_VERSION);
  const auto path = std::filesystem::path(report_dir) / "load.json";
  {
    std::ofstream out(path);
    out << report.dump(2) << "\n";
    out.flush();
    if (!out) {
      return usage_error("cannot write " + path.string() + " (" +
                         std::error_code(errno, std::generic_category()).message() + ")");
    }
  }
  try {
    load::write_load_html(report, report_dir);
  } catch (const std::exception& e) {
    return usage_error(e.what());
  }
  if (json) std::printf("%s\n", report["summary"].dump().c_str());
  if (!quiet) {
    load::print_summary(stderr, o, result);
    std::fprintf(stderr, "report: %s\n", path.string().c_str());
  }

  if (!result.target_error.empty()) {
    std::fprintf(stderr, "wsprobe load: no connection to %s: %s\n", o.url.to_string().c_str(),
                 result.target_error.c_str());
    return 2;
  }
  if (result.connections == 0) {
    std::fprintf(stderr, "wsprobe load: no connection to %s could be established (%s)\n",
                 o.url.to_string().c_str(), counted_errors(result).c_str());
    return 2;
  }
  if (result.error_total() != 0) return 1;
  return result.interrupted ? 130 : 0;
}

// An option whose value goes to `a` as typed (left out: nullopt); load::make_load_options checks
// it, so that a bad number gets a message of ours that names the option, not CLI11's.
CLI::Option* add_value(CLI::App* cmd, const std::shared_ptr<load::load_args>& a,
                       load::load_args::text load::load_args::*field, const std::string& name,
                       const std::string& type, const std::string& help) {
  return cmd
      ->add_option_function<std::string>(
          name, [a, field](const std::string& v) { (*a).*field = v; }, help)
      ->type_name(type);
}

}  // namespace

void add_load_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<load::load_args>();
  auto report_dir = std::make_shared<std::string>("reports/latest");
  auto json = std::make_shared<bool>(false);
  auto quiet = std::make_shared<bool>(false);
  using args = load::load_args;
  CLI::App* cmd = app.add_subcommand("load", "Load-test a WebSocket echo server (docs/load.md)");
  cmd->add_option("url", a->url, "ws:// or wss:// URL of an echo server")->required();
  add_value(cmd, a, &args::connections, "--connections", "INT", "connections to open")
      ->default_str("1");
  add_value(cmd, a, &args::connect_rate, "--connect-rate", "FLOAT",
            "opening handshakes per second over all threads (0: unpaced)")
      ->default_str("0");
  add_value(cmd, a, &args::max_pending_handshakes, "--max-pending-handshakes", "INT",
            "connections being opened at once, at most")
      ->default_str("256");
  add_value(cmd, a, &args::duration_s, "--duration", "FLOAT",
            "measured seconds (after the warm-up)")
      ->default_str("10");
  add_value(cmd, a, &args::warmup_s, "--warmup", "FLOAT",
            "seconds of load before measuring (not counted)")
      ->default_str("0");
  add_value(cmd, a, &args::rate, "--rate", "FLOAT",
            "open loop: messages per second over all connections (the default model, at 1000)");
  add_value(cmd, a, &args::rate_per_conn, "--rate-per-conn", "FLOAT",
            "open loop: messages per second each");
  add_value(cmd, a, &args::in_flight, "--in-flight", "INT",
            "closed loop: messages outstanding per connection (next on each echo)");
  cmd->add_flag("--idle", a->idle, "hold connections open and only ping");
  cmd->add_flag("--send-only", a->send_only,
                "open loop without echoes (for `serve --sink`): count what was sent, no latency");
  add_value(cmd, a, &args::ping_interval_s, "--ping-interval", "FLOAT",
            "--idle: seconds between pings")
      ->default_str("1");
  add_value(cmd, a, &args::size, "--size", "INT", "payload bytes per message (16 to 1 GiB)")
      ->default_str("64");
  add_value(cmd, a, &args::size_dist, "--size-dist", "MIN:MAX", "payload bytes uniform in MIN:MAX");
  cmd->add_flag("--text", a->text_messages, "send text messages (ASCII payloads)");
  cmd->add_flag("--binary", a->binary, "send binary messages (the default)");
  add_value(cmd, a, &args::payload_file, "--payload-file", "FILE",
            "payload bytes from FILE (its first 16 bytes carry the stamp)");
  add_value(cmd, a, &args::threads, "--threads", "INT", "worker threads (default: all cores)");
  cmd->add_option("--source-ip", a->source_ips,
                  "local addresses to connect from, comma-separated or repeated (default for a "
                  "loopback target: spread over 127.0.0.1-64)");
  add_value(cmd, a, &args::shard, "--shard", "K/N",
            "K/N: run shard K (0..N-1) of N: its share of --connections, --rate and "
            "--connect-rate; auto/N reads K from $JOB_COMPLETION_INDEX");
  add_value(cmd, a, &args::start_at, "--start-at", "TIME",
            "start connecting at TIME, ISO-8601 UTC (2026-12-03T10:00:00Z) or unix seconds, "
            "within 7 days (a past TIME starts now, with a warning)");
  cmd->add_option("--report-dir", *report_dir, "where load.json and load.html go")
      ->capture_default_str();
  cmd->add_flag("--insecure", a->insecure, "wss://: do not verify the server certificate");
  add_value(cmd, a, &args::ca_file, "--ca", "FILE", "wss://: trust the CAs in this PEM file");
  cmd->add_flag("--json", *json, "print the summary as JSON on stdout");
  cmd->add_flag("--quiet", *quiet, "no status lines and no summary");
  cmd->callback([a, report_dir, json, quiet, &exit_code] {
    exit_code = run(*a, *report_dir, *json, *quiet);
  });
}

}  // namespace wsprobe::cli
