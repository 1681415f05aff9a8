#include "harness/load/load_html.hpp"

#include <stdexcept>
#include <string_view>
#include <system_error>

#include "harness/load/html/assets.hpp"
#include "harness/report/html_report.hpp"
#include "harness/report/json_report.hpp"

namespace wsprobe::load {

std::string render_load_html(const nlohmann::json& load_json) {
  using json = nlohmann::json;
  const std::string data = report::escape_json_for_script(
      load_json.dump(-1, ' ', false, json::error_handler_t::replace));
  std::string out;
  out.reserve(html_assets::load_html.size() + html_assets::load_css.size() +
              html_assets::load_js.size() + data.size());
  // One pass over the template; inserted text is never rescanned, so data that happens to spell
  // a placeholder stays as it is.
  const std::string_view tpl = html_assets::load_html;
  std::size_t pos = 0;
  while (pos < tpl.size()) {
    const std::size_t open = tpl.find("@@", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = tpl.find("@@", open + 2);
    if (close == std::string_view::npos) break;
    const std::string_view name = tpl.substr(open + 2, close - open - 2);
    std::string_view value;
    if (name == "CSS") {
      value = html_assets::load_css;
    } else if (name == "JS") {
      value = html_assets::load_js;
    } else if (name == "DATA") {
      value = data;
    } else {
      out.append(tpl.substr(pos, open + 2 - pos));
      pos = open + 2;
      continue;
    }
    out.append(tpl.substr(pos, open - pos));
    out.append(value);
    pos = close + 2;
  }
  out.append(tpl.substr(pos));
  return out;
}

std::filesystem::path write_load_html(const nlohmann::json& load_json,
                                      const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create '" + dir.string() + "': " + ec.message());
  const std::filesystem::path path = dir / "load.html";
  report::write_file_atomically(path, render_load_html(load_json));
  return path;
}

}  // namespace wsprobe::load
