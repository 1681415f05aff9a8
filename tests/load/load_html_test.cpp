#include "harness/load/load_html.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "harness/load/load_report.hpp"

namespace wsprobe::load {
namespace {

using json = nlohmann::json;

// A load.json from the real writer, with strings that try to break out of the data block.
json sample_document() {
  load_options o;
  o.url = net::parse_ws_url("ws://127.0.0.1:9001/echo");
  o.connections = 20;
  o.rate = 2000;
  load_result r;
  r.threads = 2;
  r.window_seconds = 2.0;
  r.connections = 20;
  r.messages_sent = 4000;
  r.messages_received = 3990;
  r.errors = {{"lost", 10}, {"corrupted", 0}};
  for (std::uint64_t v = 1; v <= 3990; ++v) r.latency_us.record(v * 7);
  for (std::uint64_t v = 0; v < 20; ++v) r.connect_us.record(100 + v);
  r.series.push_back({1.0, 2000, 1995, 150, 900, 20, 0});
  r.series.push_back({2.0, 2000, 1995, 160, 950, 20, 10});
  json j = load_report_json(o, r, "1.2.3");
  j["environment"]["cpu_model"] = "Evil </script><script>alert(1)</script> <!-- x";
  j["environment"]["kernel"] = "see https://example.invalid/a.js and @@JS@@ @@DATA@@";
  return j;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const std::string data_open = R"(<script type="application/json" id="load-data">)";

// The text of the data block, and the page without it.
std::pair<std::string, std::string> split_data(const std::string& page) {
  const auto begin = page.find(data_open);
  EXPECT_NE(begin, std::string::npos);
  if (begin == std::string::npos) return {};
  const auto start = begin + data_open.size();
  const auto end = page.find("</script>", start);
  EXPECT_NE(end, std::string::npos);
  return {page.substr(start, end - start), page.substr(0, start) + page.substr(end)};
}

TEST(LoadHtml, EmbedsTheWholeDocumentAsJson) {
  const json doc = sample_document();
  const std::string page = render_load_html(doc);
  const auto [data, rest] = split_data(page);
  EXPECT_EQ(json::parse(data), doc);
  // The plot data is there: the series and the full histogram.
  EXPECT_EQ(json::parse(data)["series"].size(), 2u);
  EXPECT_EQ(json::parse(data)["histograms"]["latency_us"], doc["histograms"]["latency_us"]);
}

TEST(LoadHtml, DataCannotEndItsScriptBlock) {
  const std::string page = render_load_html(sample_document());
  const auto [data, rest] = split_data(page);
  EXPECT_EQ(data.find('<'), std::string::npos) << "every '<' of the data is escaped";
  EXPECT_NE(data.find(R"(Evil \u003c/script>\u003cscript>alert(1)\u003c/script> \u003c!-- x)"),
            std::string::npos);
  // Two script elements (data, code) and no third one from the data.
  EXPECT_EQ(count(lower(page), "</script"), 2u);
  EXPECT_EQ(count(lower(page), "<script"), 2u);
}

TEST(LoadHtml, PlaceholdersInTheDataStayAsTheyAre) {
  const std::string page = render_load_html(sample_document());
  const auto [data, rest] = split_data(page);
  EXPECT_NE(data.find("@@JS@@ @@DATA@@"), std::string::npos);
  EXPECT_EQ(count(page, "window.wsprobeLoad ="), 1u) << "the JS is inserted once";
  EXPECT_EQ(rest.find("@@"), std::string::npos) << "no placeholder left in the template";
}

TEST(LoadHtml, LoadsNothingFromOutside) {
  const std::string page = render_load_html(sample_document());
  const auto [data, rest] = split_data(page);
  const std::string outside = lower(rest);
  EXPECT_EQ(outside.find("http://"), std::string::npos);
  EXPECT_EQ(outside.find("https://"), std::string::npos);
  EXPECT_EQ(outside.find("src="), std::string::npos);
  EXPECT_EQ(outside.find("href="), std::string::npos);
  EXPECT_EQ(outside.find("@import"), std::string::npos);
  EXPECT_EQ(outside.find("url("), std::string::npos);
  EXPECT_EQ(outside.find("fetch("), std::string::npos);
  EXPECT_EQ(outside.find("xmlhttprequest"), std::string::npos);
  // And the browser is told so: nothing but the page's own inline style and script.
  EXPECT_NE(page.find("content=\"default-src 'none';"), std::string::npos);
  // The CSS and JS are inline, whole.
  EXPECT_NE(page.find("<style>\n/* wsprobe load report"), std::string::npos);
  EXPECT_NE(page.find("<script>\n// wsprobe load report"), std::string::npos);
}

TEST(LoadHtml, RendersADocumentWithoutOptionalParts) {
  // A merged or older document may lack fields; the page still embeds it.
  const json doc = {{"schema", "wsprobe-load/1"}, {"summary", json::object()}};
  const auto [data, rest] = split_data(render_load_html(doc));
  EXPECT_EQ(json::parse(data), doc);
}

TEST(LoadHtml, WritesLoadHtmlIntoTheDirectory) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("wsprobe-load-html-" + std::to_string(::getpid())) / "nested";
  const json doc = sample_document();
  const auto path = write_load_html(doc, dir);
  EXPECT_EQ(path, dir / "load.html");
  std::ifstream in(path, std::ios::binary);
  const std::string written{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(written, render_load_html(doc));
  std::filesystem::remove_all(dir.parent_path());
}

TEST(LoadHtml, WriteFailureNamesThePath) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("wsprobe-load-html-file-" + std::to_string(::getpid()));
  std::ofstream(file) << "x";
  try {
    write_load_html(json::object(), file / "sub");
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace wsprobe::load
