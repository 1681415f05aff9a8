// `wsprobe echo-client`: run one of the reference echo clients as an Autobahn testee (DESIGN.md §2,
// the peers that `wsprobe test-client` runs its cases against).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/commands.hpp"
#include "harness/net/url.hpp"
#include "harness/reference/client_config.hpp"
#include "harness/reference/client_faults.hpp"

namespace wsprobe::cli {
namespace {

struct echo_client_options {
  std::string url;
  std::string agent;
  std::uint64_t cases = 0;  // 0: all of them
  bool insecure = false;
  std::string ca_file;
  std::string impl = "beast";
  std::vector<std::string> faults;
  bool list_faults = false;
  bool once = false;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "wsprobe echo-client: %s\n", message.c_str());
  return 2;
}

int list_faults() {
  std::size_t width = 0;
  for (const auto& f : reference::all_client_faults()) width = std::max(width, f.name.size());
  for (const auto& f : reference::all_client_faults()) {
    std::printf("%-*.*s  %.*s\n", static_cast<int>(width), static_cast<int>(f.name.size()),
                f.name.data(), static_cast<int>(f.description.size()), f.description.data());
  }
  return 0;
}

int echo_client(const echo_client_options& options) {
  if (options.list_faults) return list_faults();
  if (options.url.empty()) return usage_error("URL is required");
  if (options.impl != "beast" && options.impl != "wsprobe") {
    return usage_error("unknown --impl '" + options.impl + "' (beast or wsprobe)");
  }
  if (!options.faults.empty() && options.impl == "beast") {
    return usage_error("--fault needs --impl wsprobe (the Beast client has no faults)");
  }
  try {
    net::parse_ws_url(options.url);
    reference::parse_client_faults(options.faults);
  } catch (const std::exception& e) {
    return usage_error(e.what());
  }

  reference::client_config config;
  config.url = options.url;
  config.agent = !options.agent.empty()    ? options.agent
                 : options.impl == "beast" ? std::string("wsprobe-beast")
                 : options.faults.empty()  ? std::string("wsprobe")
                                           : "wsprobe-" + options.faults.front();
  if (options.cases > 0) config.case_limit = options.cases;
  config.once = options.once;
  config.tls.insecure = options.insecure;
  config.tls.ca_file = options.ca_file;
  config.faults = options.faults;
  try {
    return options.impl == "beast" ? reference::run_beast_echo_client(config)
                                   : reference::run_wsprobe_echo_client(config);
  } catch (const std::exception& e) {
    return usage_error(e.what());  // unreadable CA file, …
  }
}

}  // namespace

void add_echo_client_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<echo_client_options>();
  CLI::App* command = app.add_subcommand(
      "echo-client",
      "Run a reference WebSocket echo client as an Autobahn testee (/getCaseCount, /runCase, "
      "/updateReports), or against one URL with --once");
  command->add_option("url", options->url, "ws:// or wss:// base URL of the test server");
  command->add_option("--agent", options->agent,
                      "agent name for /runCase and /updateReports (default: the implementation)");
  command->add_option("--cases", options->cases, "run only cases 1..N (default: all)");
  command->add_flag("--insecure", options->insecure, "do not verify the server's certificate");
  command->add_option("--ca", options->ca_file, "PEM file of CAs to trust instead of the system's");
  command
      ->add_option("--impl", options->impl,
                   "beast (Boost.Beast, independent) or wsprobe (ours, with --fault)")
      ->capture_default_str();
  // One name per --fault, so that a URL after it stays the positional argument.
  command
      ->add_option("--fault", options->faults,
                   "deliberate protocol bug to inject (repeatable; --impl wsprobe only)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_flag("--list-faults", options->list_faults, "list the --fault names and exit");
  command->add_flag("--once", options->once,
                    "open URL as given and echo until the server closes (for test-client --spawn)");
  command->callback([options, &exit_code] { exit_code = echo_client(*options); });
}

}  // namespace wsprobe::cli
