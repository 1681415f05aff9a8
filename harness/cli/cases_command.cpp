// `wsprobe cases`: list and validate the JSON test cases (cases/README.md).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cases/loader.hpp"
#include "harness/cases/selection.hpp"
#include "harness/cli/commands.hpp"

namespace wsprobe::cli {

namespace {

struct cases_options {
  bool list = false;
  bool validate = false;
  bool json = false;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::string dir;
};

int run_cases(const cases_options& opt) {
  std::filesystem::path dir =
      opt.dir.empty() ? cases::find_cases_dir() : std::filesystem::path(opt.dir);
  if (dir.empty()) {
    std::fprintf(
        stderr, "wsprobe cases: no cases folder found (give --dir DIR or set WSPROBE_CASES_DIR)\n");
    return 2;
  }
  const auto loaded = cases::load_directory(dir);
  for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.c_str());

  if (opt.validate) {
    if (!loaded.errors.empty()) {
      std::fprintf(stderr, "%zu error%s in %s\n", loaded.errors.size(),
                   loaded.errors.size() == 1 ? "" : "s", dir.string().c_str());
      return 2;
    }
    std::printf("%zu cases in %zu files OK\n", loaded.cases.size(), loaded.files);
    return 0;
  }

  if (!loaded.errors.empty()) return 2;
  const auto selected = cases::select_cases(loaded.cases, opt.include, opt.exclude);
  for (const auto& p : cases::unmatched_patterns(loaded.cases, opt.include)) {
    std::fprintf(stderr, "wsprobe cases: --cases %s matches no case\n", p.c_str());
  }
  if (opt.json) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& c : selected) {
      nlohmann::ordered_json transports = nlohmann::ordered_json::array();
      for (auto t : c.transports) transports.push_back(cases::transport_name(t));
      auto known = nlohmann::ordered_json::object();
      for (const auto& [agent, text] : c.known_differences) known[agent] = text;
      out.push_back({{"id", c.id},
                     {"area", c.area},
                     {"autobahn", c.autobahn ? nlohmann::ordered_json(*c.autobahn) : nullptr},
                     {"title", c.title},
                     {"under_test", cases::party_name(c.under_test)},
                     {"transport", transports},
                     {"rfc", c.rfc},
                     {"file", c.file},
                     {"known_differences", known}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::size_t id_width = 0, autobahn_width = 0;
  for (const auto& c : selected) {
    id_width = std::max(id_width, c.id.size());
    if (c.autobahn) autobahn_width = std::max(autobahn_width, c.autobahn->size() + 2);
  }
  for (const auto& c : selected) {
    std::string line = c.id;
    line.resize(id_width, ' ');
    if (autobahn_width > 0) {
      std::string ab = c.autobahn ? "[" + *c.autobahn + "]" : "";
      ab.resize(autobahn_width, ' ');
      line += "  " + ab;
    }
    line += "  " + c.title;
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

}  // namespace

void add_cases_command(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<cases_options>();
  CLI::App* cmd = app.add_subcommand("cases", "List and validate the JSON test cases");
  cmd->footer(
      "The cases folder is --dir DIR, else $WSPROBE_CASES_DIR, else ./cases, else the first\n"
      "cases/ folder (holding a README.md) beside the wsprobe executable or one of its parent\n"
      "folders (a build folder inside the repository finds the repository's cases/).\n"
      "Exit codes: 0 all cases load; 2 a case file has an error (each one is printed).");
  auto* list =
      cmd->add_flag("--list", opt->list, "Print `id  [autobahn]  title` per case (default)");
  auto* validate =
      cmd->add_flag("--validate", opt->validate,
                    "Load every case file; print each error, or \"N cases in M files OK\"");
  list->excludes(validate);
  cmd->add_option("--cases", opt->include,
                  "Only cases whose id, area or Autobahn id matches GLOB (repeatable)")
      ->type_name("GLOB")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--exclude", opt->exclude, "Leave out cases matching GLOB (repeatable)")
      ->type_name("GLOB")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--dir", opt->dir, "Folder of case files")->type_name("DIR");
  cmd->add_flag("--json", opt->json, "With --list: a JSON array on stdout");
  cmd->callback([opt, &exit_code] { exit_code = run_cases(*opt); });
}

}  // namespace wsprobe::cli
