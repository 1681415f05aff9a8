// The `wsprobe` subcommands. Each add_*_command registers its options on the application and
// sets the exit code through `exit_code` when it runs (DESIGN.md §2: 0 ok, 1 failed, 2 usage or
// target error).
#pragma once

namespace CLI {
class App;
}

namespace wsprobe::cli {

void add_serve_command(CLI::App& app, int& exit_code);
void add_cases_command(CLI::App& app, int& exit_code);
void add_test_server_command(CLI::App& app, int& exit_code);
void add_test_client_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);
void add_load_command(CLI::App& app, int& exit_code);
void add_echo_client_command(CLI::App& app, int& exit_code);

}  // namespace wsprobe::cli
