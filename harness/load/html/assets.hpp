// load.html's template, CSS and JS, embedded at build time (harness/report/html/embed.cmake).
#pragma once

#include <string_view>

namespace wsprobe::load::html_assets {

// load.html: holds the placeholders @@CSS@@, @@JS@@ and @@DATA@@.
extern const std::string_view load_html;
extern const std::string_view load_css;
extern const std::string_view load_js;

}  // namespace wsprobe::load::html_assets
