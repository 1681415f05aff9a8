// `wsprobe serve`: run one of the reference echo servers (DESIGN.md §2), or the sink.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/commands.hpp"
#include "harness/net/url.hpp"
#include "harness/reference/faults.hpp"
#include "harness/reference/server_config.hpp"

namespace wsprobe::cli {
namespace {

struct serve_options {
  std::string impl = "beast";
  std::string listen = "127.0.0.1:9001";
  bool tls = false;
  std::string cert_file;
  std::string key_file;
  std::vector<std::string> faults;
  bool list_faults = false;
  // Signed, so that a negative value is refused rather than wrapped around to a huge one.
  std::int64_t max_message_size =
      static_cast<std::int64_t>(reference::server_config{}.max_message_size);
  std::int64_t threads = 1;
  bool sink = false;
  bool impl_given = false;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "wsprobe serve: %s\n", message.c_str());
  return 2;
}

int list_faults() {
  std::size_t width = 0;
  for (const auto& f : reference::all_faults()) width = std::max(width, f.name.size());
  for (const auto& f : reference::all_faults()) {
    std::printf("%-*.*s  %.*s\n", static_cast<int>(width), static_cast<int>(f.name.size()),
                f.name.data(), static_cast<int>(f.description.size()), f.description.data());
  }
  return 0;
}

int serve(const serve_options& options) {
  if (options.list_faults) return list_faults();
  if (options.impl != "beast" && options.impl != "wsprobe") {
    return usage_error("unknown --impl '" + options.impl + "' (beast or wsprobe)");
  }
  if (!options.faults.empty() && options.impl == "beast") {
    return usage_error("--fault needs --impl wsprobe (the Beast server has no faults)");
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return usage_error(options.cert_file.empty() ? "--key needs --cert" : "--cert needs --key");
  }
  if (options.max_message_size < 1) {
    return usage_error("--max-message-size " + std::to_string(options.max_message_size) +
                       ": must be at least 1");
  }
  if (options.threads < 1) {
    return usage_error("--threads " + std::to_string(options.threads) + ": must be at least 1");
  }
  if (options.sink && (options.impl_given || !options.faults.empty())) {
    return usage_error("--sink is a server of its own: no --impl, no --fault");
  }
  if (options.threads > 1 && !options.sink && options.impl != "beast") {
    return usage_error("--threads needs --impl beast or --sink");
  }

  reference::server_config config;
  try {
    const auto address = net::parse_listen_address(options.listen);
    config.host = address.host;
    config.port = address.port;
  } catch (const net::address_error& e) {
    return usage_error(e.what());
  }
  // A certificate means TLS even without --tls.
  config.tls = options.tls || !options.cert_file.empty();
  config.cert_file = options.cert_file;
  config.key_file = options.key_file;
  config.faults = options.faults;
  config.max_message_size = static_cast<std::uint64_t>(options.max_message_size);
  config.threads = static_cast<std::size_t>(options.threads);

  try {
    if (options.sink) return reference::run_sink_server(config);
    return options.impl == "beast" ? reference::run_beast_echo_server(config)
                                   : reference::run_wsprobe_echo_server(config);
  } catch (const std::exception& e) {
    return usage_error(e.what());  // port in use, unreadable certificate, unknown fault, …
  }
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<serve_options>();
  CLI::App* command =
      app.add_subcommand("serve", "Run a reference WebSocket echo server until SIGINT or SIGTERM");
  command
      ->add_option("--impl", options->impl,
                   "beast (Boost.Beast, independent) or wsprobe (ours, with --fault)")
      ->capture_default_str()
      ->each([options](const std::string&) { options->impl_given = true; });
  command->add_option("--listen", options->listen, "HOST:PORT to listen on; port 0 picks one")
      ->capture_default_str();
  command->add_flag("--tls", options->tls,
                    "serve wss:// (with a generated self-signed certificate unless --cert/--key)");
  command->add_option("--cert", options->cert_file, "PEM certificate chain (implies --tls)");
  command->add_option("--key", options->key_file, "PEM private key for --cert");
  command->add_option("--fault", options->faults,
                      "deliberate protocol bug to inject (repeatable; --impl wsprobe only)");
  command->add_flag("--list-faults", options->list_faults, "list the --fault names and exit");
  command->add_flag("--sink", options->sink,
                    "a server that reads and discards every message (no echo; pings and close "
                    "answered), the target of `wsprobe load --send-only`");
  command
      ->add_option("--threads", options->threads,
                   "threads, each with its own acceptor on the port (SO_REUSEPORT); --impl beast "
                   "or --sink")
      ->capture_default_str();
  command
      ->add_option("--max-message-size", options->max_message_size,
                   "largest message in bytes; larger ones are refused with close code 1009")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = serve(*options); });
}

}  // namespace wsprobe::cli
