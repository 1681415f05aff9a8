// `wsprobe test-client`: listen and run the cases against clients that connect (DESIGN.md §2),
// driven by the Autobahn testee protocol or by --spawn 'CMD {url}' once per case. Writes
// DIR/index.json per agent (mode "test-client"); exit 0 nothing FAILED, 1 a case FAILED, 2 usage,
// case-file or listen error.
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/cases/loader.hpp"
#include "harness/cases/selection.hpp"
#include "harness/cli/commands.hpp"
#include "harness/report/json_report.hpp"
#include "harness/run/test_client_runner.hpp"

namespace wsprobe::cli {
namespace {

struct test_client_options {
  std::string listen = "127.0.0.1:9001";
  bool tls = false;
  std::string cert_file;
  std::string key_file;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::string cases_dir;
  std::string report_dir = "reports/latest";
  std::string agent;
  std::uint32_t timeout_ms = 5000;
  std::uint32_t window_ms = 200;
  std::size_t exit_after_reports = 0;
  std::string spawn;
  bool json = false;
  bool quiet = false;
};

std::atomic<bool> client_interrupted{false};

extern "C" void on_client_interrupt(int) {
  client_interrupted.store(true);
}

int fail_usage(const std::string& message) {
  std::fprintf(stderr, "wsprobe test-client: %s\n", message.c_str());
  return 2;
}

int run_test_client_command(const test_client_options& opt) {
  run::client_run_options ro;
  const std::size_t colon = opt.listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == opt.listen.size()) {
    return fail_usage("--listen wants HOST:PORT, got \"" + opt.listen + "\"");
  }
  ro.host = opt.listen.substr(0, colon);
  if (ro.host.size() > 2 && ro.host.front() == '[' && ro.host.back() == ']') {
    ro.host = ro.host.substr(1, ro.host.size() - 2);
  }
  try {
    const unsigned long port = std::stoul(opt.listen.substr(colon + 1));
    if (port > 65535) throw std::out_of_range("port");
    ro.port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    return fail_usage("--listen: bad port in \"" + opt.listen + "\"");
  }
  if (opt.timeout_ms == 0) return fail_usage("--timeout must be at least 1 ms");
  ro.tls = opt.tls || !opt.cert_file.empty();
  ro.tls_options.cert_file = opt.cert_file;
  ro.tls_options.key_file = opt.key_file;
  ro.script.timeout = std::chrono::milliseconds(opt.timeout_ms);
  ro.script.window = std::chrono::milliseconds(opt.window_ms);
  ro.script.close_timeout =
      std::chrono::milliseconds(std::min<std::uint32_t>(opt.timeout_ms, 1000));
  ro.report_dir = opt.report_dir;
  ro.tool_version = WSPROBE_VERSION;
  if (!opt.agent.empty()) ro.agent = opt.agent;
  ro.exit_after_reports = opt.exit_after_reports;
  ro.spawn = opt.spawn;
  if (!ro.spawn.empty() && ro.spawn.find("{url}") == std::string::npos) {
    return fail_usage("--spawn needs {url} in the command");
  }

  const std::filesystem::path dir =
      opt.cases_dir.empty() ? cases::find_cases_dir() : std::filesystem::path(opt.cases_dir);
  if (dir.empty()) return fail_usage("no cases folder found (give --cases-dir DIR)");
  const cases::load_result loaded = cases::load_directory(dir);
  if (!loaded.errors.empty()) {
    for (const std::string& e : loaded.errors) std::fprintf(stderr, "%s\n", e.c_str());
    return fail_usage(std::to_string(loaded.errors.size()) + " error(s) in the cases");
  }
  for (const std::string& p : cases::unmatched_patterns(loaded.cases, opt.include)) {
    std::fprintf(stderr, "wsprobe test-client: --cases %s matches no case\n", p.c_str());
  }
  std::vector<cases::test_case> selected;
  for (cases::test_case& c : cases::select_cases(loaded.cases, opt.include, opt.exclude)) {
    const bool for_client = c.under_test != cases::party::server;
    const bool over_h1 = std::find(c.transports.begin(), c.transports.end(),
                                   cases::transport::h1) != c.transports.end();
    if (for_client && over_h1) selected.push_back(std::move(c));
  }
  if (selected.empty()) return fail_usage("no case to run against clients (check --cases)");

  struct sigaction sa {};
  sa.sa_handler = on_client_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  ro.stop = &client_interrupted;

  ro.on_listening = [&](const std::string& url) {
    std::printf("listening on %s\n", url.c_str());
    std::fflush(stdout);
    if (!opt.quiet) std::fprintf(stderr, "%zu cases for clients\n", selected.size());
  };
  const bool quiet = opt.quiet;
  ro.on_case = [quiet](const std::string& agent, std::size_t index, std::size_t total,
                       const report::case_result& r) {
    if (quiet) return;
    std::fprintf(stderr, "[%s] case %zu/%zu %s: %s%s%s\n", agent.c_str(), index + 1, total,
                 r.id.c_str(), std::string(cases::verdict_name(r.result)).c_str(),
                 r.reason.empty() ? "" : " — ", r.reason.c_str());
  };

  run::client_run_result result;
  try {
    result = run::run_test_client(selected, ro);
  } catch (const std::exception& e) {
    return fail_usage(e.what());
  }

  bool any_failed = false;
  nlohmann::ordered_json agents = nlohmann::ordered_json::array();
  for (const report::run_report& rep : result.reports) {
    const report::summary s = report::summarize(rep.results);
    if (s.count(cases::verdict::failed) > 0) any_failed = true;
    nlohmann::ordered_json j = report::as_json(s);
    j["agent"] = rep.agent;
    j["duration_ms"] = rep.duration_ms;
    j["not_run"] = rep.not_run;
    nlohmann::ordered_json failed = nlohmann::ordered_json::array();
    for (const report::case_result& r : rep.results) {
      if (r.result == cases::verdict::failed)
        failed.push_back({{"case", r.id}, {"reason", r.reason}});
    }
    j["failed"] = std::move(failed);
    agents.push_back(std::move(j));
    if (!opt.quiet) {
      std::FILE* out = opt.json ? stderr : stdout;
      std::fprintf(out,
                   "agent %s: %zu cases, OK %zu, NON-STRICT %zu, INFORMATIONAL %zu, "
                   "UNIMPLEMENTED %zu, FAILED %zu, %.2f s\n",
                   rep.agent.c_str(), s.total, s.count(cases::verdict::ok),
                   s.count(cases::verdict::non_strict), s.count(cases::verdict::informational),
                   s.count(cases::verdict::unimplemented), s.count(cases::verdict::failed),
                   rep.duration_ms / 1000.0);
    }
  }
  const int exit_code = any_failed ? 1 : result.interrupted ? 130 : 0;
  if (opt.json) {
    nlohmann::ordered_json j;
    j["agents"] = std::move(agents);
    nlohmann::ordered_json reports = nlohmann::ordered_json::array();
    for (const auto& p : result.written) reports.push_back(p.string());
    j["reports"] = std::move(reports);
    j["interrupted"] = result.interrupted;
    j["exit_code"] = exit_code;
    std::printf("%s\n",
                j.dump(1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  }
  return exit_code;
}

}  // namespace

void add_test_client_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<test_client_options>();
  CLI::App* command = app.add_subcommand(
      "test-client", "Listen and run the conformance cases against WebSocket clients");
  command->add_option("--listen", opt->listen, "HOST:PORT to listen on (port 0: a free one)")
      ->capture_default_str();
  command->add_flag("--tls", opt->tls, "wss:// (self-signed certificate unless --cert/--key)");
  command->add_option("--cert", opt->cert_file, "PEM certificate chain (implies --tls)");
  command->add_option("--key", opt->key_file, "PEM private key");
  command->add_option("--cases", opt->include,
                      "run cases matching GLOB (id, area or Autobahn id; repeatable)");
  command->add_option("--exclude", opt->exclude, "skip cases matching GLOB (repeatable)");
  command->add_option("--cases-dir", opt->cases_dir, "folder of case files (default: found)");
  command->add_option("--report-dir", opt->report_dir, "where index.json goes")
      ->capture_default_str();
  command->add_option("--agent", opt->agent,
                      "agent name when a request names none, and for --spawn");
  command->add_option("--timeout", opt->timeout_ms, "per-case deadline in ms")
      ->capture_default_str();
  command
      ->add_option("--window", opt->window_ms, "cap in ms of expect_fail_fast windows and quiet_ms")
      ->capture_default_str();
  command->add_option("--exit-after-reports", opt->exit_after_reports,
                      "stop after N /updateReports requests");
  command->add_option(
      "--spawn", opt->spawn,
      "start 'CMD {url}' with /bin/sh once per case ({url}: the case's URL, shell-quoted)");
  command->add_flag("--json", opt->json, "print a machine-readable summary on stdout");
  command->add_flag("--quiet", opt->quiet, "no progress and no summary");
  command->callback([opt, &exit_code] { exit_code = run_test_client_command(*opt); });
}

}  // namespace wsprobe::cli
