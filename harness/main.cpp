// The `wsprobe` command: parses the command line and hands over to one subcommand.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

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
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // --help/--version are 0; every usage error is 2 (DESIGN.md §2)
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wsprobe: %s\n", e.what());
    return 2;
  }
  return exit_code;
}
