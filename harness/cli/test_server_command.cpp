// `wsprobe test-server URL`: run the conformance cases against a server (DESIGN.md §2), write
// DIR/index.json, print progress and a summary. Exit 0 nothing FAILED, 1 a case FAILED, 2 usage,
// case-file or target error, 130 interrupted with nothing FAILED (harness/run/README.md).
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness/cases/loader.hpp"
#include "harness/cases/selection.hpp"
#include "harness/cli/commands.hpp"
#include "harness/net/url.hpp"
#include "harness/report/ci_outputs.hpp"
#include "harness/report/html_report.hpp"
#include "harness/report/json_report.hpp"
#include "harness/run/test_server_runner.hpp"

namespace wsprobe::cli {
namespace {

struct test_server_options {
  std::string url;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::string cases_dir;
  std::string report_dir = "reports/latest";
  std::string agent;
  std::size_t jobs = std::max(1u, std::thread::hardware_concurrency());
  std::uint32_t timeout_ms = 5000;
  std::uint32_t window_ms = 200;
  bool json = false;
  bool quiet = false;
  bool insecure = false;
  std::string ca_file;
  report::ci_outputs_options ci;  // --junit, --baseline, --autobahn-json, --summary-md
  std::string baseline_file;
};

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted.store(true);
}

// First SIGINT/SIGTERM: stop starting cases, write the report. A second one kills as usual.
void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int fail_usage(const std::string& message) {
  std::fprintf(stderr, "wsprobe test-server: %s\n", message.c_str());
  return 2;
}

// An unreachable target still leaves a junit.xml (one error), so that CI's test reporter says
// why there are no results. Best effort: the exit code and message already tell the user.
void write_target_error_junit(const test_server_options& opt, const std::string& url,
                              const std::string& message) {
  std::vector<std::filesystem::path> paths{std::filesystem::path(opt.report_dir) / "junit.xml"};
  if (!opt.ci.junit_file.empty()) paths.emplace_back(opt.ci.junit_file);
  for (const std::filesystem::path& path : paths) {
    try {
      report::write_junit_target_error("test-server", url, message, path);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "wsprobe test-server: %s\n", e.what());
    }
  }
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// Live progress: one rewritten line on a terminal, a plain line every ~10 % otherwise.
class progress_printer {
 public:
  progress_printer(bool enabled) : enabled_(enabled), tty_(::isatty(STDERR_FILENO) == 1) {}

  void operator()(const run::progress& p) {
    if (!enabled_) return;
    if (tty_) {
      std::fprintf(stderr, "\rcases %zu/%zu, %zu failed, %.1f s   ", p.done, p.total, p.failed,
                   seconds(p.elapsed));
      std::fflush(stderr);
      return;
    }
    const std::size_t step = std::max<std::size_t>(1, p.total / 10);
    if (p.done % step == 0 || p.done == p.total) {
      std::fprintf(stderr, "cases %zu/%zu, %zu failed, %.1f s\n", p.done, p.total, p.failed,
                   seconds(p.elapsed));
    }
  }

  void finish() {
    if (enabled_ && tty_) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  bool tty_;
};

struct area_summary {
  report::summary counts;
  std::int64_t duration_ms = 0;
};

int run_test_server_command(const test_server_options& opt) {
  run::server_run_options ro;
  try {
    ro.script.url = net::parse_ws_url(opt.url);
  } catch (const net::address_error& e) {
    return fail_usage(e.what());
  }
  if (opt.jobs == 0) return fail_usage("--jobs must be at least 1");
  if (opt.timeout_ms == 0) return fail_usage("--timeout must be at least 1 ms");
  ro.script.tls.insecure = opt.insecure;
  ro.script.tls.ca_file = opt.ca_file;
  ro.script.timeout = std::chrono::milliseconds(opt.timeout_ms);
  ro.script.window = std::chrono::milliseconds(opt.window_ms);
  ro.script.close_timeout =
      std::chrono::milliseconds(std::min<std::uint32_t>(opt.timeout_ms, 1000));
  ro.jobs = opt.jobs;

  // Cases.
  const std::filesystem::path dir =
      opt.cases_dir.empty() ? cases::find_cases_dir() : std::filesystem::path(opt.cases_dir);
  if (dir.empty()) return fail_usage("no cases folder found (give --cases-dir DIR)");
  const cases::load_result loaded = cases::load_directory(dir);
  if (!loaded.errors.empty()) {
    for (const std::string& e : loaded.errors) std::fprintf(stderr, "%s\n", e.c_str());
    return fail_usage(std::to_string(loaded.errors.size()) + " error(s) in the cases");
  }
  for (const std::string& p : cases::unmatched_patterns(loaded.cases, opt.include)) {
    std::fprintf(stderr, "wsprobe test-server: --cases %s matches no case\n", p.c_str());
  }
  std::vector<cases::test_case> selected;
  std::size_t skipped = 0;
  for (cases::test_case& c : cases::select_cases(loaded.cases, opt.include, opt.exclude)) {
    const bool for_server = c.under_test != cases::party::client;
    const bool over_h1 = std::find(c.transports.begin(), c.transports.end(),
                                   cases::transport::h1) != c.transports.end();
    if (for_server && over_h1) {
      selected.push_back(std::move(c));
    } else {
      ++skipped;
    }
  }
  if (selected.empty()) return fail_usage("no case to run (check --cases / --exclude)");

  std::optional<report::baseline> base;  // read before the run: a bad file is a usage error
  try {
    if (!opt.baseline_file.empty()) base = report::load_baseline(opt.baseline_file);
  } catch (const report::baseline_error& e) {
    return fail_usage(e.what());
  }

  // One connection first, so that an unreachable target is a usage error, not N failures.
  try {
    run::probe_target(ro.script);
  } catch (const std::exception& e) {
    const std::string message = "cannot reach " + ro.script.url.authority() + ": " + e.what();
    write_target_error_junit(opt, ro.script.url.to_string(), message);
    return fail_usage(message);
  }

  install_interrupt_handlers();
  ro.stop = &interrupted;
  auto printer = std::make_shared<progress_printer>(!opt.quiet);
  ro.on_progress = [printer](const run::progress& p) { (*printer)(p); };

  report::run_report rep;
  rep.mode = "test-server";
  rep.tool_version = WSPROBE_VERSION;
  rep.url = ro.script.url.to_string();
  rep.agent = opt.agent.empty() ? ro.script.url.authority() : opt.agent;
  rep.started_at = std::chrono::system_clock::now();
  run::server_run_result result = run::run_test_server(selected, ro);
  printer->finish();
  rep.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(result.elapsed).count();
  rep.interrupted = result.interrupted;
  rep.not_run = result.not_run;
  rep.results = std::move(result.results);

  std::filesystem::path report_path;
  std::optional<report::baseline_comparison> comparison;
  try {
    report_path = report::write_json_report(rep, opt.report_dir);
    report::ci_outputs_options ci = opt.ci;
    ci.report_dir = opt.report_dir;
    ci.base = base ? &*base : nullptr;
    ci.skipped = report::skipped_cases(loaded.cases, opt.include, opt.exclude);
    comparison = report::write_ci_outputs(rep, ci);
    // index.html beside it, with the baseline comparison that index.json carries.
    nlohmann::ordered_json doc = report::as_json(rep);
    if (comparison) doc["baseline"] = report::as_json(*comparison);
    report::write_html_report(doc, opt.report_dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wsprobe test-server: %s\n", e.what());
    return 2;
  }

  // Summary.
  const report::summary total = report::summarize(rep.results);
  std::map<std::string, area_summary> areas;
  for (const report::case_result& r : rep.results) {
    area_summary& a = areas[r.area];
    ++a.counts.total;
    ++a.counts.counts[static_cast<std::size_t>(r.result)];
    a.duration_ms += r.duration_ms;
  }
  // With --baseline only regressions count.
  const bool regressed =
      comparison ? comparison->regressions() > 0 : total.count(cases::verdict::failed) > 0;
  const int exit_code = regressed ? 1 : rep.interrupted ? 130 : 0;
  if (opt.json) {
    nlohmann::ordered_json j = report::as_json(total);
    j["duration_ms"] = rep.duration_ms;
    j["skipped"] = skipped;
    j["interrupted"] = rep.interrupted;
    j["not_run"] = rep.not_run;
    j["report"] = report_path.string();
    nlohmann::ordered_json by_area = nlohmann::ordered_json::object();
    for (const auto& [name, a] : areas) {
      nlohmann::ordered_json aj = report::as_json(a.counts);
      aj["duration_ms"] = a.duration_ms;
      by_area[name] = std::move(aj);
    }
    j["areas"] = std::move(by_area);
    nlohmann::ordered_json failed = nlohmann::ordered_json::array();
    for (const report::case_result& r : rep.results) {
      if (r.result == cases::verdict::failed)
        failed.push_back({{"case", r.id}, {"reason", r.reason}});
    }
    j["failed"] = std::move(failed);
    if (comparison) j["baseline"] = report::as_json(*comparison);
    j["exit_code"] = exit_code;
    std::printf("%s\n",
                j.dump(1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  }
  if (!opt.quiet) {
    std::FILE* out = opt.json ? stderr : stdout;
    for (const report::case_result& r : rep.results) {
      if (r.result == cases::verdict::failed) {
        std::fprintf(out, "FAILED %s: %s\n", r.id.c_str(), r.reason.c_str());
      }
    }
    std::fprintf(out, "%-14s %6s %6s %10s %13s %13s %6s %9s\n", "area", "total", "OK", "NON-STRICT",
                 "INFORMATIONAL", "UNIMPLEMENTED", "FAILED", "time");
    auto row = [&](const std::string& name, const report::summary& s, double secs) {
      std::fprintf(out, "%-14s %6zu %6zu %10zu %13zu %13zu %6zu %8.2fs\n", name.c_str(), s.total,
                   s.count(cases::verdict::ok), s.count(cases::verdict::non_strict),
                   s.count(cases::verdict::informational), s.count(cases::verdict::unimplemented),
                   s.count(cases::verdict::failed), secs);
    };
    for (const auto& [name, a] : areas) row(name, a.counts, a.duration_ms / 1000.0);
    row("all", total, rep.duration_ms / 1000.0);
    if (skipped > 0)
      std::fprintf(out, "%zu selected cases skipped (client-only or h2-only)\n", skipped);
    if (rep.interrupted) std::fprintf(out, "interrupted: %zu cases not run\n", rep.not_run);
    std::fprintf(out, "report: %s (wall time %.2f s, %zu jobs)\n", report_path.string().c_str(),
                 rep.duration_ms / 1000.0, opt.jobs);
    if (comparison) report::print_comparison(out, *comparison);
  }
  return exit_code;
}

}  // namespace

void add_test_server_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<test_server_options>();
  CLI::App* command =
      app.add_subcommand("test-server", "Run the conformance cases against a WebSocket server");
  command->add_option("url", opt->url, "ws:// or wss:// URL of the server")->required();
  command->add_option("--cases", opt->include,
                      "run cases matching GLOB (id, area or Autobahn id; repeatable)");
  command->add_option("--exclude", opt->exclude, "skip cases matching GLOB (repeatable)");
  command->add_option("--cases-dir", opt->cases_dir, "folder of case files (default: found)");
  command->add_option("--report-dir", opt->report_dir, "where index.json goes")
      ->capture_default_str();
  command->add_option("--agent", opt->agent, "name of the server under test (default HOST:PORT)");
  command->add_option("--jobs", opt->jobs, "cases in parallel")->capture_default_str();
  command->add_option("--timeout", opt->timeout_ms, "per-case deadline in ms")
      ->capture_default_str();
  command
      ->add_option("--window", opt->window_ms, "cap in ms of expect_fail_fast windows and quiet_ms")
      ->capture_default_str();
  command->add_flag("--json", opt->json, "print a machine-readable summary on stdout");
  command->add_flag("--quiet", opt->quiet, "no progress and no summary table");
  command->add_flag("--insecure", opt->insecure, "wss://: do not verify the server certificate");
  command->add_option("--ca", opt->ca_file, "wss://: trust the CAs in this PEM file");
  command->add_option("--junit", opt->ci.junit_file, "also write junit.xml to FILE");
  command->add_option("--baseline", opt->baseline_file,
                      "exit 1 only on regressions against FILE (index.json or expectations)");
  command->add_option("--autobahn-json", opt->ci.autobahn_dir,
                      "also write Autobahn|Testsuite index.json and case files into DIR");
  command->add_option("--summary-md", opt->ci.summary_md, "append a Markdown summary to FILE");
  command->callback([opt, &exit_code] { exit_code = run_test_server_command(*opt); });
}

}  // namespace wsprobe::cli
