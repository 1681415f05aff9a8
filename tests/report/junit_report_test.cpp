// DIR/junit.xml against the rules of the JUnit schema Jenkins reads. The rules below are written
// from the Jenkins xunit plugin's JUnit schema, junit-10.xsd (jenkinsci/xunit-plugin,
// src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd, MIT License,
// (c) 2014 Gregory Boissinot): which elements may hold which, required and allowed attributes,
// and the SUREFIRE_TIME pattern of `time`. The document is parsed by a small strict XML 1.0
// reader here (elements, attributes, character data, the five entities and character
// references), so an escaping mistake fails the parse.
#include "harness/report/junit_report.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace wsprobe::report {
namespace {

// ---- a strict reader for the XML subset a JUnit file uses -------------------------------------

struct element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<element> children;
  std::string text;  // character data, entities resolved
};

class xml_reader {
 public:
  explicit xml_reader(const std::string& s) : s_(s) {}

  element document() {
    const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    if (s_.compare(0, decl.size(), decl) != 0) fail("missing XML declaration");
    i_ = decl.size();
    skip_space();
    element root = read_element();
    skip_space();
    if (i_ != s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    throw std::runtime_error(why + " at byte " + std::to_string(i_));
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
      ++i_;
  }
  std::string read_name() {
    const std::size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                              s_[i_] == '_' || s_[i_] == '.' || s_[i_] == ':'))
      ++i_;
    if (i_ == start) fail("expected a name");
    return s_.substr(start, i_ - start);
  }
  // XML 1.0 §2.2: only these characters may appear at all.
  void check_char(unsigned char c) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') fail("forbidden control character");
  }
  std::string read_reference() {
    const std::size_t end = s_.find(';', i_);
    if (end == std::string::npos) fail("unterminated reference");
    const std::string ref = s_.substr(i_ + 1, end - i_ - 1);
    i_ = end + 1;
    static const std::map<std::string, std::string> named = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
    if (auto it = named.find(ref); it != named.end()) return it->second;
    if (ref.size() > 1 && ref[0] == '#') {
      const unsigned long cp = ref[1] == 'x' ? std::stoul(ref.substr(2), nullptr, 16)
                                             : std::stoul(ref.substr(1), nullptr, 10);
      if (cp == 0x9 || cp == 0xA || cp == 0xD) return std::string(1, static_cast<char>(cp));
      if (cp < 0x20) fail("character reference to a forbidden character");
      if (cp < 0x80) return std::string(1, static_cast<char>(cp));
    }
    fail("unknown reference &" + ref + ";");
  }
  std::string read_attribute_value() {
    if (s_[i_] != '"') fail("attribute value not quoted");
    ++i_;
    std::string v;
    while (i_ < s_.size() && s_[i_] != '"') {
      const unsigned char c = s_[i_];
      if (c == '<') fail("'<' in an attribute value");
      check_char(c);
      if (c == '&') {
        v += read_reference();
      } else {
        // §3.3.3: literal whitespace in attributes is normalised to spaces by parsers.
        v += (c == '\n' || c == '\t' || c == '\r') ? ' ' : static_cast<char>(c);
        ++i_;
      }
    }
    if (i_ == s_.size()) fail("unterminated attribute value");
    ++i_;
    return v;
  }
  element read_element() {
    if (s_[i_] != '<') fail("expected '<'");
    ++i_;
    element e;
    e.name = read_name();
    for (;;) {
      skip_space();
      if (s_.compare(i_, 2, "/>") == 0) {
        i_ += 2;
        return e;
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      const std::string name = read_name();
      if (s_[i_] != '=') fail("expected '='");
      ++i_;
      if (!e.attributes.emplace(name, read_attribute_value()).second)
        fail("duplicate attribute " + name);
    }
    for (;;) {
      if (i_ >= s_.size()) fail("unterminated element " + e.name);
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        if (read_name() != e.name) fail("mismatched end tag of " + e.name);
        if (s_[i_] != '>') fail("expected '>'");
        ++i_;
        return e;
      }
      if (s_[i_] == '<') {
        e.children.push_back(read_element());
      } else if (s_[i_] == '&') {
        e.text += read_reference();
      } else {
        if (s_[i_] == '>') fail("'>' in character data");  // legal, but we always escape it
        check_char(static_cast<unsigned char>(s_[i_]));
        e.text += s_[i_++];
      }
    }
  }

  const std::string& s_;
  std::size_t i_ = 0;
};

element parse(const std::string& xml) {
  return xml_reader(xml).document();
}

// ---- the schema's rules -----------------------------------------------------------------------

const std::regex surefire_time(R"((([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?)");

void check_attributes(const element& e, const std::set<std::string>& required,
                      const std::set<std::string>& allowed) {
  for (const std::string& r : required)
    EXPECT_TRUE(e.attributes.count(r)) << e.name << " lacks required attribute " << r;
  for (const auto& [k, v] : e.attributes)
    EXPECT_TRUE(allowed.count(k) || required.count(k)) << e.name << " has attribute " << k;
  if (auto t = e.attributes.find("time"); t != e.attributes.end()) {
    EXPECT_TRUE(std::regex_match(t->second, surefire_time)) << e.name << " time " << t->second;
  }
}

void check_children(const element& e, const std::set<std::string>& allowed) {
  for (const element& c : e.children)
    EXPECT_TRUE(allowed.count(c.name)) << c.name << " inside " << e.name;
}

std::size_t count_of(const element& e, const std::string& name) {
  std::size_t n = 0;
  for (const element& c : e.children) n += c.name == name;
  return n;
}

std::size_t number(const element& e, const std::string& attr) {
  return std::stoul(e.attributes.at(attr));
}

// Every rule of junit-10.xsd for <testsuites> and below, plus that the counts add up.
void check_schema(const element& root) {
  ASSERT_EQ(root.name, "testsuites");
  check_attributes(root, {}, {"name", "time", "tests", "failures", "errors"});
  check_children(root, {"testsuite"});
  std::size_t tests = 0, failures = 0, errors = 0;
  for (const element& suite : root.children) {
    check_attributes(suite, {"name", "tests", "failures", "errors"},
                     {"group", "time", "skipped", "timestamp", "hostname", "id", "package", "file",
                      "log", "url"});
    check_children(suite, {"testsuite", "properties", "testcase", "system-out", "system-err"});
    std::size_t s_tests = 0, s_failures = 0, s_errors = 0, s_skipped = 0;
    for (const element& c : suite.children) {
      if (c.name == "properties") {
        check_attributes(c, {}, {});
        check_children(c, {"property"});
        for (const element& p : c.children) {
          check_attributes(p, {"name", "value"}, {});
          EXPECT_TRUE(p.children.empty());
        }
        continue;
      }
      if (c.name != "testcase") continue;
      ++s_tests;
      check_attributes(c, {"name"}, {"time", "classname", "group"});
      check_children(c, {"skipped", "error", "failure", "rerunFailure", "rerunError",
                         "flakyFailure", "flakyError", "system-out", "system-err"});
      for (const element& k : c.children) {
        if (k.name == "failure" || k.name == "error" || k.name == "skipped") {
          check_attributes(k, {}, {"type", "message"});
          EXPECT_TRUE(k.children.empty()) << k.name << " holds elements";
        } else {
          check_attributes(k, {}, {});  // system-out: xs:string, no attributes, no elements
          EXPECT_TRUE(k.children.empty());
        }
      }
      s_failures += count_of(c, "failure");
      s_errors += count_of(c, "error");
      s_skipped += count_of(c, "skipped");
      EXPECT_LE(count_of(c, "failure") + count_of(c, "error") + count_of(c, "skipped"), 1u)
          << "one outcome per case";
    }
    EXPECT_EQ(number(suite, "tests"), s_tests) << suite.attributes.at("name");
    EXPECT_EQ(number(suite, "failures"), s_failures);
    EXPECT_EQ(number(suite, "errors"), s_errors);
    EXPECT_EQ(number(suite, "skipped"), s_skipped);
    tests += s_tests;
    failures += s_failures;
    errors += s_errors;
  }
  EXPECT_EQ(number(root, "tests"), tests);
  EXPECT_EQ(number(root, "failures"), failures);
  EXPECT_EQ(number(root, "errors"), errors);
}

// ---- a run with one case of every kind --------------------------------------------------------

case_result make_case(std::string id, verdict v, nlohmann::ordered_json observed,
                      std::string reason = "") {
  case_result r;
  r.id = std::move(id);
  r.area = r.id.substr(0, r.id.find('.'));
  r.title = "a case";
  r.result = v;
  r.close_result = verdict::ok;
  r.reason = std::move(reason);
  r.duration_ms = 1234;
  r.expected = {{"expect", {{"OK", {{"echo", true}}}}}};
  r.observed = std::move(observed);
  return r;
}

const nlohmann::ordered_json upgraded = {{"connected", true}, {"handshake", {{"status", 101}}}};

run_report sample_run() {
  run_report rep;
  rep.agent = "test<agent>&\"";
  rep.url = "ws://127.0.0.1:9/";
  rep.tool_version = "0.1.0";
  rep.duration_ms = 2500;
  rep.results.push_back(make_case("framing.ok", verdict::ok, upgraded));
  rep.results.push_back(make_case("framing.non-strict", verdict::non_strict, upgraded, "late"));
  rep.results.push_back(make_case("pingpong.no-pong", verdict::failed, upgraded,
                                  "pong 1: expected \"abc\" <got> none & \x01\x02 \xff end"));
  rep.results.push_back(make_case("close.refused", verdict::failed,
                                  {{"connected", false}, {"connect_error", "refused"}},
                                  "cannot connect: refused"));
  rep.results.push_back(make_case(
      "close.hang", verdict::failed,
      {{"connected", true}, {"handshake", {{"status", nullptr}}}, {"timeout", "no response"}},
      "timeout: no response"));
  rep.results.push_back(make_case(
      "close.after-upgrade-timeout", verdict::failed,
      {{"connected", true}, {"handshake", {{"status", 101}}}, {"timeout", "await 1 message"}},
      "timeout: await 1 message"));
  rep.results.push_back(
      make_case("deflate.none", verdict::unimplemented, upgraded, "no permessage-deflate"));
  wirelog_entry e;
  e.t_us = 17;
  e.dir = wirelog_entry::direction::in;
  e.what = wirelog_entry::kind::frame;
  e.frame = frame_fields{true, false, false, false, 0x1, false, 3};
  e.data = digest_bytes(std::vector<std::uint8_t>{0x81, 0x03, 0x00, 0x1b, 0x3c});
  rep.results[2].wirelog.push_back(e);
  return rep;
}

const std::vector<skipped_case> skipped_list = {{"h2.only", "h2", "h2-only case"},
                                                {"framing.excluded", "framing", "excluded"}};

TEST(JunitReport, FollowsTheJenkinsJunitSchema) {
  const std::string xml = junit_xml(sample_run(), skipped_list);
  element root;
  ASSERT_NO_THROW(root = parse(xml)) << xml;
  check_schema(root);
  EXPECT_EQ(number(root, "tests"), 9u);
  EXPECT_EQ(number(root, "failures"), 2u);
  EXPECT_EQ(number(root, "errors"), 2u);
  EXPECT_EQ(root.attributes.at("time"), "2.500");
}

TEST(JunitReport, SuitePerAreaCasePerIdWithClassname) {
  const element root = parse(junit_xml(sample_run(), skipped_list));
  std::map<std::string, std::set<std::string>> cases_by_suite;
  for (const element& suite : root.children) {
    for (const element& c : suite.children) {
      if (c.name != "testcase") continue;
      cases_by_suite[suite.attributes.at("name")].insert(c.attributes.at("name"));
      EXPECT_EQ(c.attributes.at("classname"), suite.attributes.at("name"));
    }
    EXPECT_FALSE(suite.attributes.at("timestamp").empty());
  }
  EXPECT_EQ(cases_by_suite["wsprobe.framing"],
            (std::set<std::string>{"framing.ok", "framing.non-strict", "framing.excluded"}));
  EXPECT_EQ(cases_by_suite["wsprobe.close"].size(), 3u);
  EXPECT_EQ(cases_by_suite["wsprobe.h2"], std::set<std::string>{"h2.only"});
}

const element& find_case(const element& root, const std::string& id) {
  for (const element& suite : root.children)
    for (const element& c : suite.children)
      if (c.name == "testcase" && c.attributes.at("name") == id) return c;
  throw std::runtime_error("no testcase " + id);
}

const element* child(const element& e, const std::string& name) {
  for (const element& c : e.children)
    if (c.name == name) return &c;
  return nullptr;
}

TEST(JunitReport, FailureCarriesReasonExpectedObservedAndWireLog) {
  const element root = parse(junit_xml(sample_run(), skipped_list));
  const element& c = find_case(root, "pingpong.no-pong");
  const element* f = child(c, "failure");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->attributes.at("type"), "FAILED");
  // Escaped and still readable: quotes, <, &, control bytes and a bad UTF-8 byte shown as \xNN.
  EXPECT_EQ(f->attributes.at("message"),
            "pong 1: expected \"abc\" <got> none & \\x01\\x02 \\xff end");
  EXPECT_NE(f->text.find("expected:"), std::string::npos);
  EXPECT_NE(f->text.find("\"echo\": true"), std::string::npos);
  EXPECT_NE(f->text.find("observed:"), std::string::npos);
  const element* out = child(c, "system-out");
  ASSERT_NE(out, nullptr);
  EXPECT_NE(out->text.find("+17us < TEXT fin=1 rsv=000 mask=0 len=3"), std::string::npos)
      << out->text;
  EXPECT_NE(out->text.find("hex 8103001b3c"), std::string::npos);
  EXPECT_EQ(child(c, "error"), nullptr);
}

TEST(JunitReport, ErrorsAreTheCasesThatCouldNotHappen) {
  const element root = parse(junit_xml(sample_run(), skipped_list));
  const element* refused = child(find_case(root, "close.refused"), "error");
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->attributes.at("type"), "connect");
  const element* hang = child(find_case(root, "close.hang"), "error");
  ASSERT_NE(hang, nullptr);
  EXPECT_EQ(hang->attributes.at("type"), "timeout");
  // A timeout after the upgrade is the peer's failure, not an error.
  const element& late = find_case(root, "close.after-upgrade-timeout");
  EXPECT_NE(child(late, "failure"), nullptr);
  EXPECT_EQ(child(late, "error"), nullptr);
}

TEST(JunitReport, UnimplementedAndLeftOutCasesAreSkipped) {
  const element root = parse(junit_xml(sample_run(), skipped_list));
  const element* u = child(find_case(root, "deflate.none"), "skipped");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->attributes.at("message"), "UNIMPLEMENTED: no permessage-deflate");
  const element* h2 = child(find_case(root, "h2.only"), "skipped");
  ASSERT_NE(h2, nullptr);
  EXPECT_EQ(h2->attributes.at("message"), "h2-only case");
  EXPECT_EQ(child(find_case(root, "framing.non-strict"), "failure"), nullptr);
  EXPECT_EQ(child(find_case(root, "framing.non-strict"), "skipped"), nullptr);
}

TEST(JunitReport, StatusRule) {
  EXPECT_EQ(junit_status_of(make_case("a.b", verdict::ok, upgraded)), junit_status::passed);
  EXPECT_EQ(junit_status_of(make_case("a.b", verdict::informational, upgraded)),
            junit_status::passed);
  EXPECT_EQ(junit_status_of(make_case("a.b", verdict::failed, upgraded)), junit_status::failure);
  EXPECT_EQ(junit_status_of(make_case("a.b", verdict::failed, {{"runner_error", "bug"}})),
            junit_status::error);
  EXPECT_EQ(junit_status_of(make_case("a.b", verdict::failed, nullptr)), junit_status::error);
  EXPECT_EQ(junit_status_of(make_case("a.b", verdict::unimplemented, upgraded)),
            junit_status::skipped);
}

TEST(JunitReport, EscapesEverythingXmlForbids) {
  EXPECT_EQ(xml_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d\"e'f");
  EXPECT_EQ(xml_escape("a&b<c>d\"e'f", true), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(xml_escape(std::string("\x00\x08\x0b\x0c\x1f\x7f", 6)),
            "\\x00\\x08\\x0b\\x0c\\x1f\x7f");  // DEL is an XML 1.0 Char
  EXPECT_EQ(xml_escape("l1\nl2\tx\ry"), "l1\nl2\tx&#13;y");
  EXPECT_EQ(xml_escape("l1\nl2\t", true), "l1&#10;l2&#9;");
  EXPECT_EQ(xml_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");             // valid UTF-8 passes through
  EXPECT_EQ(xml_escape("\xc3"), "\\xc3");                             // truncated
  EXPECT_EQ(xml_escape("\xc0\xaf"), "\\xc0\\xaf");                    // overlong
  EXPECT_EQ(xml_escape("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // UTF-16 surrogate
  EXPECT_EQ(xml_escape("\xef\xbf\xbe"), "\\xef\\xbf\\xbe");           // U+FFFE: not an XML Char
  EXPECT_EQ(xml_escape("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST(JunitReport, EveryByteValueInReasonsStillParses) {
  run_report rep = sample_run();
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  rep.results[0].reason = all;
  rep.results[0].result = verdict::failed;
  rep.results[0].title = all;
  element root;
  ASSERT_NO_THROW(root = parse(junit_xml(rep, {})));
  check_schema(root);
}

TEST(JunitReport, SkippedCasesFollowExcludeAndTransport) {
  std::vector<cases::test_case> all(4);
  all[0].id = "close.a";
  all[0].area = "close";
  all[1].id = "close.b";
  all[1].area = "close";
  all[2].id = "h2.c";
  all[2].area = "h2";
  all[2].transports = {cases::transport::h2};
  all[3].id = "client.d";
  all[3].area = "client";
  all[3].under_test = cases::party::client;
  const auto s = skipped_cases(all, {}, {"close.b"});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].id, "close.b");
  EXPECT_EQ(s[0].reason, "excluded by --exclude close.b");
  EXPECT_EQ(s[1].id, "h2.c");
  EXPECT_EQ(s[2].id, "client.d");
  // Cases outside --cases are not listed at all.
  const auto only_close = skipped_cases(all, {"close.*"}, {"close.b"});
  ASSERT_EQ(only_close.size(), 1u);
  EXPECT_EQ(only_close[0].id, "close.b");
}

TEST(JunitReport, UnreachableTargetIsOneConnectError) {
  const std::string xml =
      junit_target_error_xml("test-server", "ws://127.0.0.1:9/", "cannot reach <127.0.0.1:9> & co");
  element root;
  ASSERT_NO_THROW(root = parse(xml)) << xml;
  check_schema(root);
  EXPECT_EQ(number(root, "tests"), 1u);
  EXPECT_EQ(number(root, "errors"), 1u);
  ASSERT_EQ(root.children.size(), 1u);
  const element& testcase = root.children[0].children.at(0);
  ASSERT_EQ(testcase.name, "testcase");
  ASSERT_EQ(testcase.children.size(), 1u);
  const element& error = testcase.children[0];
  EXPECT_EQ(error.name, "error");
  EXPECT_EQ(error.attributes.at("type"), "connect");
  EXPECT_EQ(error.attributes.at("message"), "cannot reach <127.0.0.1:9> & co");
}
}  // namespace
}  // namespace wsprobe::report
