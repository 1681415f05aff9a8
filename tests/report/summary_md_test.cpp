// --summary-md: the Markdown a CI job page shows.
#include "harness/report/summary_md.hpp"

#include <gtest/gtest.h>

namespace wsprobe::report {
namespace {

case_result result(std::string id, verdict v, std::string reason = "") {
  case_result r;
  r.id = std::move(id);
  r.area = r.id.substr(0, r.id.find('.'));
  r.result = v;
  r.reason = std::move(reason);
  r.duration_ms = 1500;
  return r;
}

run_report sample() {
  run_report rep;
  rep.agent = "srv";
  rep.url = "ws://127.0.0.1:9001/";
  rep.duration_ms = 4000;
  rep.results = {result("close.a", verdict::ok), result("close.b", verdict::non_strict),
                 result("utf8.c", verdict::failed, "got | pipe\nand <tag>")};
  return rep;
}

TEST(SummaryMd, TotalsAreasAndFailedCases) {
  const std::string md = summary_markdown(sample());
  EXPECT_NE(md.find("**1 case(s) FAILED** out of 3."), std::string::npos) << md;
  EXPECT_NE(md.find("| total | OK | NON-STRICT | INFORMATIONAL | UNIMPLEMENTED | FAILED |\n"
                    "|---:|---:|---:|---:|---:|---:|\n| 3 | 1 | 1 | 0 | 0 | 1 |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| close | 2 | 1 | 1 | 0 | 0 | 0 | 3.00 s |"), std::string::npos) << md;
  EXPECT_NE(md.find("| utf8 | 1 | 0 | 0 | 0 | 0 | 1 | 1.50 s |"), std::string::npos) << md;
  EXPECT_NE(md.find("| all | 3 | 1 | 1 | 0 | 0 | 1 | 4.00 s |"), std::string::npos) << md;
  EXPECT_NE(md.find("- `utf8.c`: got \\| pipe and &lt;tag&gt;\n"), std::string::npos) << md;
  EXPECT_EQ(md.find("### Baseline"), std::string::npos);
}

TEST(SummaryMd, NothingFailed) {
  run_report rep = sample();
  rep.results.pop_back();
  const std::string md = summary_markdown(rep);
  EXPECT_NE(md.find("**No case FAILED** out of 2."), std::string::npos);
  EXPECT_EQ(md.find("### FAILED cases"), std::string::npos);
}

TEST(SummaryMd, BaselineSection) {
  baseline_comparison c;
  c.source = "base/index.json";
  baseline_change ch;
  ch.key = {"utf8.c", "h1"};
  ch.before = verdict::ok;
  ch.after = verdict::failed;
  ch.reason = "bad";
  c.newly_failing.push_back(ch);
  ch.key = {"close.z", "h1"};
  ch.before = verdict::failed;
  ch.after = verdict::ok;
  c.newly_passing.push_back(ch);
  const std::string md = summary_markdown(sample(), &c);
  EXPECT_NE(md.find("### Baseline\n\nAgainst `base/index.json` (previous report): **1 "
                    "regression(s)**."),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("**Newly failing** (1)\n\n- `utf8.c` FAILED (was OK): bad\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("**Newly passing** (1)\n\n- `close.z` OK (was FAILED)"), std::string::npos);
  EXPECT_EQ(md.find("Still failing"), std::string::npos);
}

TEST(SummaryMd, CellEscaping) {
  EXPECT_EQ(markdown_cell("a|b\\c\nd`e\x01<&>"), "a\\|b\\\\c d'e&lt;&amp;&gt;");
}

}  // namespace
}  // namespace wsprobe::report
