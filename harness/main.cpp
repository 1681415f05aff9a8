// The `wsprobe` command: parses the command line and hands over to one subcommand.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "harness/cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"wsprobe — WebSocket conformance, fuzzing and load-testing harness", "wsprobe"};
  app.set_version_flag("--version", "wsprobe " WSPROBE_VERSION);
  app.require_subcommand(1);

  int exit_code = 0;
  wsprobe::cli::add_serve_command(app, exit_code);
  wsprobe::cli::add_cases_command(app, exit_code);
  wsprobe::cli::add_test_server_command(app, exit_code);
  wsprobe::cli::add_test_client_command(app, exit_code);
  wsprobe::cli::add_report_command(app, exit_code);
  wsprobe::cli::add_load_command(app, exit_code);
  wsprobe::cli::add_echo_client_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // Every usage error is one line naming the command, and exit code 2 (DESIGN.md §2).
    std::string command = "wsprobe";
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
      sub = sub->get_subcommands().front();
      command += " " + sub->get_name();
    }
    std::fprintf(stderr, "%s: %s (see %s --help)\n", command.c_str(), e.what(), command.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wsprobe: %s\n", e.what());
    return 2;
  }
  return exit_code;
}
