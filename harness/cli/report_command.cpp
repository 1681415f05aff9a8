// `wsprobe report`: work on finished runs (DESIGN.md §2). `merge DIR... --out DIR` combines
// several index.json files into one with a column per agent, or several load.json files (the
// shards of a load run, docs/load.md) into one load.json; `render DIR` writes DIR/index.html
// again from DIR/index.json (docs/report-format.md); `diff A B` compares run B with run (or
// expectations file) A through the baseline library (docs/baseline.md).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "harness/cli/commands.hpp"
#include "harness/load/load_html.hpp"
#include "harness/load/load_merge.hpp"
#include "harness/report/baseline.hpp"
#include "harness/report/html_report.hpp"
#include "harness/report/json_report.hpp"
#include "harness/report/merge.hpp"

namespace wsprobe::cli {
namespace {

using ojson = nlohmann::ordered_json;

struct merge_options {
  std::vector<std::string> inputs;
  std::string out;
  bool quiet = false;
};

struct render_options {
  std::string dir;
};

struct diff_options {
  std::string before;
  std::string after;
  bool json = false;
};

int fail(const char* sub, const std::string& message) {
  std::fprintf(stderr, "wsprobe report %s: %s\n", sub, message.c_str());
  return 2;
}

// Load reports (schema wsprobe-load/1): the shards of a run added up into DIR/load.json and
// DIR/load.html.
int run_load_merge(const merge_options& opt) {
  std::vector<load::load_merge_input> inputs;
  load::load_merge_result merged;
  try {
    for (const std::string& in : opt.inputs) inputs.push_back(load::read_load_report(in));
    merged = load::merge_load_reports(inputs, WSPROBE_VERSION);
  } catch (const load::load_merge_error& e) {
    return fail("merge", e.what());
  }
  for (const auto& w : merged.warnings)
    std::fprintf(stderr, "wsprobe report merge: warning: %s\n", w.c_str());
  const std::filesystem::path dir = opt.out;
  try {
    std::filesystem::create_directories(dir);
    report::write_file_atomically(dir / "load.json", merged.report.dump(2) + "\n");
    load::write_load_html(merged.report, dir);
  } catch (const std::exception& e) {
    return fail("merge", e.what());
  }
  const auto& s = merged.report["summary"];
  std::uint64_t errors = 0;
  for (const auto& [kind, n] : s["errors"].items()) errors += n.get<std::uint64_t>();
  if (!opt.quiet) {
    std::printf(
        "merged %zu load reports (%zu runs): %llu connections, %llu messages received, "
        "%llu errors: %s\n",
        inputs.size(), merged.report["shards"].size(),
        static_cast<unsigned long long>(s.value("connections", std::uint64_t{0})),
        static_cast<unsigned long long>(s.value("messages_received", std::uint64_t{0})),
        static_cast<unsigned long long>(errors), (dir / "load.json").string().c_str());
  }
  return errors > 0 ? 1 : 0;
}

// "X is neither …" when an input is JSON of some other kind: the conformance merge alone would
// only say that it is not a conformance report, to someone who may have meant a load report.
std::string other_json(const std::vector<std::string>& inputs) {
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(in, ec)) continue;
    std::ifstream file(in);
    const auto j = nlohmann::json::parse(file, nullptr, false);
    if (j.is_discarded()) continue;
    const std::string schema =
        j.is_object() && j.contains("schema") && j["schema"].is_string() ? j["schema"] : "";
    if (schema != "wsprobe-report/1" && schema != "wsprobe-load/1") {
      return in +
             " is neither a conformance report (schema wsprobe-report/1) nor a load report "
             "(schema wsprobe-load/1)";
    }
  }
  return {};
}

int run_merge(const merge_options& opt) {
  if (opt.inputs.empty()) {
    return fail("merge", "nothing to merge: give report folders or load.json files");
  }
  for (const std::string& in : opt.inputs) {
    std::error_code ec;
    if (!std::filesystem::exists(in, ec)) {
      return fail("merge", "cannot read '" + in + "': no such file or folder");
    }
    const std::filesystem::path dir = in;
    if (std::filesystem::is_directory(dir, ec) && !std::filesystem::exists(dir / "index.json") &&
        !std::filesystem::exists(dir / "load.json")) {
      return fail("merge", "'" + in + "' holds neither index.json nor load.json");
    }
  }
  std::size_t load_inputs = 0;
  for (const std::string& in : opt.inputs) load_inputs += load::is_load_report(in) ? 1 : 0;
  // With a load report among them, every input must be one: read_load_report says why another
  // is not (a conformance report, not JSON, another schema).
  if (load_inputs != 0) return run_load_merge(opt);
  std::vector<report::merge_input> inputs;
  ojson merged;
  try {
    for (const std::string& in : opt.inputs) inputs.push_back(report::read_report(in));
    merged = report::merge_reports(inputs, WSPROBE_VERSION);
  } catch (const report::merge_error& e) {
    const std::string other = other_json(opt.inputs);
    return fail("merge", other.empty() ? std::string(e.what()) : other);
  }
  inputs.clear();  // the merged document holds copies; free the inputs before rendering
  try {
    const std::filesystem::path dir = opt.out;
    std::filesystem::create_directories(dir);
    report::write_file_atomically(
        dir / "index.json", merged.dump(1, ' ', false, ojson::error_handler_t::replace) + "\n");
    const std::filesystem::path html = report::write_html_report(merged, dir);
    if (!opt.quiet) {
      std::printf("merged %zu agents, %zu results: %s\n", merged["agents"].size(),
                  merged["results"].size(), html.string().c_str());
    }
  } catch (const std::exception& e) {
    return fail("merge", e.what());
  }
  const bool failed = merged["summary"]["FAILED"].get<std::size_t>() > 0;
  return failed ? 1 : 0;
}

int run_render(const render_options& opt) {
  try {
    const report::merge_input input = report::read_report(opt.dir);
    std::filesystem::path dir = opt.dir;
    if (!std::filesystem::is_directory(dir)) dir = dir.parent_path();
    const std::filesystem::path html = report::write_html_report(input.report, dir);
    std::printf("%s\n", html.string().c_str());
  } catch (const std::exception& e) {
    return fail("render", e.what());
  }
  return 0;
}

// A report folder stands for its index.json.
std::filesystem::path index_of(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p = path;
  return std::filesystem::is_directory(p, ec) ? p / "index.json" : p;
}

int run_diff(const diff_options& opt) {
  try {
    const report::baseline before = report::load_baseline(index_of(opt.before));
    const std::vector<report::case_outcome> after =
        report::load_report_outcomes(index_of(opt.after));
    const report::baseline_comparison cmp = report::compare_with_baseline(before, after);
    if (opt.json) {
      std::printf("%s\n", report::as_json(cmp).dump(1).c_str());
    } else {
      report::print_comparison(stdout, cmp);
    }
    return cmp.regressions() > 0 ? 1 : 0;
  } catch (const report::baseline_error& e) {
    return fail("diff", e.what());
  }
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  CLI::App* command =
      app.add_subcommand("report", "Merge runs and re-render reports (index.json, index.html)");
  command->require_subcommand(1);

  auto merge = std::make_shared<merge_options>();
  CLI::App* merge_cmd = command->add_subcommand(
      "merge",
      "Merge several runs (agents, transports, dates) into one report with a column per agent, "
      "or the shards of a load run (load.json files) into one load.json");
  merge_cmd
      ->add_option("inputs", merge->inputs,
                   "report folders (or index.json files), or load.json files (or folders "
                   "holding a load.json and no index.json)")
      ->expected(1, -1);  // not required: no input gets our own message, not CLI11's
  merge_cmd
      ->add_option("--out", merge->out,
                   "folder for the merged index.json and index.html (or load.json and load.html)")
      ->required();
  merge_cmd->add_flag("--quiet", merge->quiet, "print nothing on success");
  merge_cmd->callback([merge, &exit_code] { exit_code = run_merge(*merge); });

  auto render = std::make_shared<render_options>();
  CLI::App* render_cmd =
      command->add_subcommand("render", "Write DIR/index.html again from DIR/index.json");
  render_cmd->add_option("dir", render->dir, "report folder (or its index.json)")->required();
  render_cmd->callback([render, &exit_code] { exit_code = run_render(*render); });

  auto diff = std::make_shared<diff_options>();
  CLI::App* diff_cmd = command->add_subcommand(
      "diff", "Compare run B with run A (or an expectations file); exit 1 when B regressed");
  diff_cmd->add_option("a", diff->before, "the older run (folder or index.json) or expectations")
      ->required();
  diff_cmd->add_option("b", diff->after, "the newer run (folder or index.json)")->required();
  diff_cmd->add_flag("--json", diff->json, "print the comparison as JSON");
  diff_cmd->callback([diff, &exit_code] { exit_code = run_diff(*diff); });
}

}  // namespace wsprobe::cli
