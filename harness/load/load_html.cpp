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
  return report::fill_html_template(
      html_assets::load_html,
      {{"CSS", html_assets::load_css}, {"JS", html_assets::load_js}, {"DATA", data}});
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
