#include "harness/report/summary_md.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>

namespace wsprobe::report {
namespace {

std::string row(const std::string& name, const summary& s, std::int64_t ms) {
  std::string r = "| " + markdown_cell(name) + " | " + std::to_string(s.total);
  for (verdict v : all_verdicts) r += " | " + std::to_string(s.count(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, " | %.2f s |\n", static_cast<double>(ms) / 1000);
  return r + buf;
}

std::string table_head() {
  std::string h = "| area | total";
  for (verdict v : all_verdicts) h += " | " + std::string(verdict_name(v));
  return h + " | time |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
}

std::string change_list(const char* title, const std::vector<baseline_change>& cs) {
  if (cs.empty()) return "";
  // Appended piece by piece: g++ 12 warns (-Wrestrict, a false positive) on "lit" + string.
  std::string s = "\n**";
  s += title;
  s += "** (";
  s += std::to_string(cs.size());
  s += ")\n\n";
  for (const baseline_change& c : cs) {
    s += "- `";
    s += markdown_cell(display_name(c.key));
    s += "`";
    if (c.after) {
      s += ' ';
      s += verdict_name(*c.after);
    }
    if (c.before) {
      s += " (was ";
      s += verdict_name(*c.before);
      s += ')';
    }
    if (!c.reason.empty()) {
      s += ": ";
      s += markdown_cell(c.reason);
    }
    s += "\n";
  }
  return s;
}

}  // namespace

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '|':
        out += "\\|";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '`':
        out += "'";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      default:
        if (u >= 0x20 && u != 0x7F) out += c;
    }
  }
  return out;
}

std::string summary_markdown(const run_report& report, const baseline_comparison* comparison) {
  const summary total = summarize(report.results);
  std::map<std::string, std::pair<summary, std::int64_t>> areas;
  for (const case_result& r : report.results) {
    auto& [s, ms] = areas[r.area];
    ++s.total;
    ++s.counts[static_cast<std::size_t>(r.result)];
    ms += r.duration_ms;
  }
  const std::size_t failed = total.count(verdict::failed);
  std::string md =
      "## wsprobe " + markdown_cell(report.mode) + ": " + markdown_cell(report.agent) + "\n\n";
  md += "Target `" + markdown_cell(report.url) + "`, started " + iso8601_utc(report.started_at) +
        ", wsprobe " + markdown_cell(report.tool_version) + ".\n\n";
  md += failed == 0 ? "**No case FAILED**" : "**" + std::to_string(failed) + " case(s) FAILED**";
  md += " out of " + std::to_string(total.total) + ".";
  if (report.interrupted)
    md += " Interrupted: " + std::to_string(report.not_run) + " case(s) not run.";
  md += "\n\n| total";
  for (verdict v : all_verdicts) md += " | " + std::string(verdict_name(v));
  md += " |\n|---:|---:|---:|---:|---:|---:|\n| " + std::to_string(total.total);
  for (verdict v : all_verdicts) md += " | " + std::to_string(total.count(v));
  md += " |\n\n### By area\n\n" + table_head();
  for (const auto& [name, a] : areas) md += row(name, a.first, a.second);
  md += row("all", total, report.duration_ms);
  if (failed > 0) {
    md += "\n### FAILED cases\n\n";
    for (const case_result& r : report.results) {
      if (r.result != verdict::failed) continue;
      md += "- `" + markdown_cell(display_name({r.id, r.transport})) +
            "`: " + markdown_cell(r.reason) + "\n";
    }
  }
  if (comparison != nullptr) {
    const baseline_comparison& c = *comparison;
    md += "\n### Baseline\n\nAgainst `" + markdown_cell(c.source) + "` (" +
          (c.source_kind == baseline::kind::report ? "previous report" : "expectations") + "): **" +
          std::to_string(c.regressions()) + " regression(s)**.\n";
    md += change_list("Newly failing", c.newly_failing);
    md += change_list("Outside the allowed verdicts", c.unexpected);
    md += change_list("Newly passing", c.newly_passing);
    md += change_list("Still failing", c.still_failing);
    md += change_list("Missing from this run", c.missing);
  }
  return md;
}

void append_summary_markdown(const run_report& report, const baseline_comparison* comparison,
                             const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  const std::string md = summary_markdown(report, comparison);
  out.write(md.data(), static_cast<std::streamsize>(md.size()));
  out.flush();
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
}

}  // namespace wsprobe::report
