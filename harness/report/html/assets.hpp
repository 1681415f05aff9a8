// The HTML report's template, CSS and JS, embedded at build time (embed.cmake).
#pragma once

#include <string_view>

namespace wsprobe::report::html_assets {

// template.html: holds the placeholders @@TITLE@@, @@CSS@@, @@JS@@ and @@DATA@@.
extern const std::string_view template_html;
extern const std::string_view report_css;
extern const std::string_view report_js;

}  // namespace wsprobe::report::html_assets
