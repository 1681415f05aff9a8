// DIR/index.html: one self-contained page whose embedded data is the report, safe against
// payloads that spell HTML (a "</script>" in a reason must not end the data block).
#include "harness/report/html_report.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness/report/json_report.hpp"

namespace wsprobe::report {
namespace {

using ojson = nlohmann::ordered_json;

case_result result_with_reason(const std::string& id, verdict v, const std::string& reason) {
  case_result r;
  r.id = id;
  r.area = "framing";
  r.title = "Title of " + id;
  r.result = v;
  r.close_result = verdict::ok;
  r.reason = reason;
  r.expected = {{"expect", {{"OK", {{"echo", true}}}}}};
  wirelog_entry e;
  e.what = wirelog_entry::kind::frame;
  e.frame = frame_fields{true, false, false, false, 0x1, true, 3};
  e.data = digest_bytes(std::vector<std::uint8_t>{0x81, 0x83, 0, 0, 0, 0, '<', '/', 's'});
  r.wirelog.push_back(e);
  return r;
}

run_report sample_run() {
  run_report rep;
  rep.tool_version = "0.1.0";
  rep.url = "ws://127.0.0.1:9001/";
  rep.agent = "beast";
  rep.results.push_back(result_with_reason("framing.a", verdict::ok, ""));
  rep.results.push_back(
      result_with_reason("framing.b", verdict::failed, "got </script><script>alert(1)</script>"));
  return rep;
}

// The text between <script type="application/json" id="report-data"> and its </script>.
std::string data_block(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  const std::size_t start = html.find(open);
  if (start == std::string::npos) return {};
  const std::size_t begin = start + open.size();
  const std::size_t end = html.find("</script>", begin);
  if (end == std::string::npos) return {};
  return html.substr(begin, end - begin);
}

TEST(HtmlReport, EscapeKeepsJsonMeaningWithoutAnyLessThan) {
  const ojson doc = {{"a", "</script><!-- x"}, {"b", {1, 2, "<"}}};
  const std::string escaped = escape_json_for_script(doc.dump());
  EXPECT_EQ(escaped.find('<'), std::string::npos);
  EXPECT_EQ(ojson::parse(escaped), doc);
}

TEST(HtmlReport, EmbedsTheWholeReportAsData) {
  const run_report rep = sample_run();
  const std::string html = render_html_report(as_json(rep));
  const std::string data = data_block(html);
  ASSERT_FALSE(data.empty());
  EXPECT_EQ(data.find('<'), std::string::npos);
  // The block ends where the data ends: the reason's "</script>" did not close it early.
  EXPECT_EQ(ojson::parse(data), as_json(rep));
}

TEST(HtmlReport, IsSelfContained) {
  const std::string html = render_html_report(as_json(sample_run()));
  // No placeholder left, the styles and the script are inline.
  EXPECT_EQ(html.find("@@CSS@@"), std::string::npos);
  EXPECT_EQ(html.find("@@JS@@"), std::string::npos);
  EXPECT_EQ(html.find("@@DATA@@"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("function hexDump"), std::string::npos);
  // Nothing is fetched: no external script, stylesheet, font, image or URL to load.
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<script[^>]*\ssrc=)")));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<link\b)")));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(@import|url\(|https?://)")));
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

TEST(HtmlReport, TitleNamesTheAgentEscaped) {
  run_report rep = sample_run();
  rep.agent = "a<b>&c";
  const std::string html = render_html_report(as_json(rep));
  EXPECT_NE(html.find("<title>wsprobe report — a&lt;b&gt;&amp;c</title>"), std::string::npos);
}

TEST(HtmlReport, PayloadSpellingAPlaceholderIsNotReplaced) {
  run_report rep = sample_run();
  rep.results[0].reason = "@@CSS@@ and @@DATA@@";
  const std::string data = data_block(render_html_report(as_json(rep)));
  EXPECT_NE(data.find("@@CSS@@ and @@DATA@@"), std::string::npos);
}

TEST(HtmlReport, WritesIndexHtmlIntoTheFolder) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("wsprobe-html-test-" + std::to_string(::getpid())) / "nested";
  std::filesystem::remove_all(dir.parent_path());
  const auto path = write_html_report(sample_run(), dir);
  EXPECT_EQ(path, dir / "index.html");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(ojson::parse(data_block(text.str())), as_json(sample_run()));
  std::filesystem::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace wsprobe::report
