#include "harness/report/html_report.hpp"

#include <algorithm>
#include <stdexcept>
#include <system_error>

#include "harness/report/html/assets.hpp"
#include "harness/report/json_report.hpp"

namespace wsprobe::report {
namespace {

using ojson = nlohmann::ordered_json;

// Text for an HTML text node: the five markup characters escaped.
std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string page_title(const ojson& report) {
  std::string title = "wsprobe report";
  if (report.contains("agents") && report["agents"].is_array()) {
    title += " — " + std::to_string(report["agents"].size()) + " agents";
  } else if (report.contains("target") && report["target"].is_object()) {
    const ojson& target = report["target"];
    if (target.contains("agent") && target["agent"].is_string()) {
      title += " — " + target["agent"].get<std::string>();
    }
  }
  return title;
}

}  // namespace

std::string escape_json_for_script(std::string_view json_text) {
  std::string out;
  out.reserve(json_text.size() + json_text.size() / 64);
  for (char c : json_text) {
    // '<' only occurs inside JSON strings, where \u003c means the same character.
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string fill_html_template(
    std::string_view tpl,
    std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  std::size_t size = tpl.size();
  for (const auto& [name, value] : values) size += value.size();
  std::string out;
  out.reserve(size);
  std::size_t pos = 0;
  while (pos < tpl.size()) {
    const std::size_t open = tpl.find("@@", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = tpl.find("@@", open + 2);
    if (close == std::string_view::npos) break;
    const std::string_view name = tpl.substr(open + 2, close - open - 2);
    const auto* found = std::find_if(values.begin(), values.end(),
                                     [&](const auto& entry) { return entry.first == name; });
    if (found == values.end()) {
      // Not a placeholder: keep the first "@@" and continue after it.
      out.append(tpl.substr(pos, open + 2 - pos));
      pos = open + 2;
      continue;
    }
    out.append(tpl.substr(pos, open - pos));
    out.append(found->second);
    pos = close + 2;
  }
  out.append(tpl.substr(pos));
  return out;
}

std::string render_html_report(const ojson& report) {
  const std::string data =
      escape_json_for_script(report.dump(-1, ' ', false, ojson::error_handler_t::replace));
  const std::string title = escape_html(page_title(report));
  return fill_html_template(html_assets::template_html, {{"TITLE", title},
                                                         {"CSS", html_assets::report_css},
                                                         {"JS", html_assets::report_js},
                                                         {"DATA", data}});
}

std::filesystem::path write_html_report(const ojson& report, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create '" + dir.string() + "': " + ec.message());
  const std::filesystem::path path = dir / "index.html";
  write_file_atomically(path, render_html_report(report));
  return path;
}

std::filesystem::path write_html_report(const run_report& report,
                                        const std::filesystem::path& dir) {
  return write_html_report(as_json(report), dir);
}

}  // namespace wsprobe::report
