#include "harness/report/junit_report.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "harness/cases/selection.hpp"
#include "harness/report/json_report.hpp"

namespace wsprobe::report {
namespace {

using ojson = nlohmann::ordered_json;

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
bool is_xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

// Length of the well-formed UTF-8 sequence at text[i] (RFC 3629 table), 0 when there is none;
// `cp` gets the code point.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const unsigned char b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  return n;
}

std::string byte_escape(unsigned char b) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\x%02x", b);
  return buf;
}

std::string seconds_text(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(std::max<std::int64_t>(ms, 0)) / 1000);
  return buf;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_escape(value, true) + "\"";
}

std::string attr(std::string_view name, std::size_t value) {
  return attr(name, std::to_string(value));
}

const char* opcode_label(std::uint8_t op) {
  switch (op) {
    case 0x0:
      return "CONT";
    case 0x1:
      return "TEXT";
    case 0x2:
      return "BINARY";
    case 0x8:
      return "CLOSE";
    case 0x9:
      return "PING";
    case 0xA:
      return "PONG";
    default:
      return "RESERVED";
  }
}

bool printable(const std::vector<std::uint8_t>& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) {
    return (b >= 0x20 && b < 0x7F) || b == '\r' || b == '\n' || b == '\t';
  });
}

// The failure body: why, then the expectation and the observation as indented JSON.
std::string failure_text(const case_result& r) {
  std::string s = r.reason.empty() ? std::string("FAILED") : r.reason;
  if (!r.close_reason.empty()) s += "\nclose: " + r.close_reason;
  if (!r.requirement.empty()) s += "\nrequirement: " + r.requirement;
  s += "\n\nexpected:\n" + r.expected.dump(2, ' ', false, ojson::error_handler_t::replace);
  s += "\n\nobserved:\n" + r.observed.dump(2, ' ', false, ojson::error_handler_t::replace);
  return s;
}

struct suite {
  std::vector<const case_result*> cases;
  std::vector<const skipped_case*> skipped;
};

struct counts {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  std::int64_t ms = 0;
};

}  // namespace

std::vector<skipped_case> skipped_cases(std::span<const cases::test_case> all,
                                        const std::vector<std::string>& include,
                                        const std::vector<std::string>& exclude) {
  std::vector<skipped_case> out;
  for (const cases::test_case& c : all) {
    if (!include.empty() && std::none_of(include.begin(), include.end(),
                                         [&](const auto& p) { return cases::case_matches(c, p); }))
      continue;
    std::string reason;
    for (const std::string& p : exclude) {
      if (cases::case_matches(c, p)) {
        reason = "excluded by --exclude " + p;
        break;
      }
    }
    if (reason.empty() && c.under_test == cases::party::client) reason = "client-only case";
    if (reason.empty() && std::find(c.transports.begin(), c.transports.end(),
                                    cases::transport::h1) == c.transports.end())
      reason = "h2-only case (h2 not run by test-server yet)";
    if (!reason.empty()) out.push_back({c.id, c.area, std::move(reason)});
  }
  return out;
}

junit_status junit_status_of(const case_result& r) {
  switch (r.result) {
    case verdict::ok:
    case verdict::non_strict:
    case verdict::informational:
      return junit_status::passed;
    case verdict::unimplemented:
      return junit_status::skipped;
    case verdict::failed:
      break;
  }
  const ojson& o = r.observed;
  if (!o.is_object()) return junit_status::error;  // the runner produced no observation
  if (o.contains("connected") && o["connected"] == false) return junit_status::error;
  if (o.contains("runner_error")) return junit_status::error;
  if (o.contains("timeout")) {
    const bool response = o.contains("handshake") && o["handshake"].is_object() &&
                          o["handshake"].contains("status") && !o["handshake"]["status"].is_null();
    if (!response) return junit_status::error;
  }
  return junit_status::failure;
}

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, cp);
    if (n == 0 || !is_xml_char(cp)) {
      // Not representable in XML 1.0: show the bytes of this sequence (or the one bad byte).
      const std::size_t len = n == 0 ? 1 : n;
      for (std::size_t k = 0; k < len; ++k)
        out += byte_escape(static_cast<unsigned char>(text[i + k]));
      i += len;
      continue;
    }
    switch (cp) {
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
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";  // a literal CR would be normalised away by parsers
        break;
      default:
        out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string wirelog_text(const case_result& r) {
  std::string s;
  char buf[160];
  for (const wirelog_entry& e : r.wirelog) {
    const char* dir = e.dir == wirelog_entry::direction::out ? ">" : "<";
    std::snprintf(buf, sizeof buf, "+%lldus %s ", static_cast<long long>(e.t_us), dir);
    s += buf;
    if (e.what == wirelog_entry::kind::frame && e.frame) {
      const frame_fields& f = *e.frame;
      std::snprintf(buf, sizeof buf, "%s fin=%d rsv=%d%d%d mask=%d len=%llu",
                    opcode_label(f.opcode), f.fin, f.rsv1, f.rsv2, f.rsv3, f.masked,
                    static_cast<unsigned long long>(f.length));
      s += buf;
    } else {
      s += e.what == wirelog_entry::kind::http ? "HTTP" : "RAW";
    }
    std::snprintf(buf, sizeof buf, " (%llu bytes)", static_cast<unsigned long long>(e.data.length));
    s += buf;
    if (e.data.elided()) {
      s += " sha256 " + e.data.sha256;
    } else if (e.what == wirelog_entry::kind::http && printable(e.data.bytes)) {
      std::string head(e.data.bytes.begin(), e.data.bytes.end());
      while (!head.empty() && (head.back() == '\n' || head.back() == '\r')) head.pop_back();
      std::string indented;
      for (char c : head) {
        if (c == '\r') continue;
        indented += c;
        if (c == '\n') indented += "    ";
      }
      s += "\n    " + indented;
    } else if (!e.data.bytes.empty()) {
      s += " hex " + to_hex(e.data.bytes);
    }
    s += "\n";
  }
  if (r.wirelog_dropped > 0) s += std::to_string(r.wirelog_dropped) + " entries left out\n";
  return s;
}

std::string junit_xml(const run_report& report, std::span<const skipped_case> skipped) {
  std::map<std::string, suite> suites;
  for (const case_result& r : report.results) suites[r.area].cases.push_back(&r);
  for (const skipped_case& s : skipped) suites[s.area].skipped.push_back(&s);

  counts total;
  std::map<std::string, counts> per_suite;
  for (const auto& [name, s] : suites) {
    counts& c = per_suite[name];
    for (const case_result* r : s.cases) {
      ++c.tests;
      c.ms += r->duration_ms;
      switch (junit_status_of(*r)) {
        case junit_status::failure:
          ++c.failures;
          break;
        case junit_status::error:
          ++c.errors;
          break;
        case junit_status::skipped:
          ++c.skipped;
          break;
        case junit_status::passed:
          break;
      }
    }
    c.tests += s.skipped.size();
    c.skipped += s.skipped.size();
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.skipped += c.skipped;
  }

  const std::string timestamp = iso8601_utc(report.started_at);
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // testsuites carries only the attributes junit-10.xsd allows it (no skipped, no timestamp).
  x += "<testsuites" + attr("name", "wsprobe " + report.mode + " " + report.agent) +
       attr("tests", total.tests) + attr("failures", total.failures) +
       attr("errors", total.errors) + attr("time", seconds_text(report.duration_ms)) + ">\n";
  std::size_t id = 0;
  for (const auto& [name, s] : suites) {
    const counts& c = per_suite[name];
    x += "  <testsuite" + attr("name", "wsprobe." + name) + attr("tests", c.tests) +
         attr("failures", c.failures) + attr("errors", c.errors) + attr("skipped", c.skipped) +
         attr("time", seconds_text(c.ms)) + attr("timestamp", timestamp) + attr("id", id++) +
         attr("package", "wsprobe") + ">\n";
    x += "    <properties>\n";
    const std::pair<const char*, std::string> props[] = {
        {"mode", report.mode},
        {"url", report.url},
        {"agent", report.agent},
        {"tool.version", report.tool_version},
        {"interrupted", report.interrupted ? "true" : "false"}};
    for (const auto& [k, v] : props)
      x += "      <property" + attr("name", k) + attr("value", v) + "/>\n";
    x += "    </properties>\n";
    for (const case_result* r : s.cases) {
      const std::string case_name =
          r->transport == "h1" ? r->id : r->id + " [" + r->transport + "]";
      x += "    <testcase" + attr("name", case_name) + attr("classname", "wsprobe." + r->area) +
           attr("time", seconds_text(r->duration_ms)) + ">\n";
      const std::string verdicts = "verdict " + std::string(verdict_name(r->result)) + ", close " +
                                   std::string(verdict_name(r->close_result));
      switch (junit_status_of(*r)) {
        case junit_status::failure:
          x += "      <failure" + attr("message", r->reason) + attr("type", "FAILED") + ">" +
               xml_escape(failure_text(*r)) + "</failure>\n";
          break;
        case junit_status::error: {
          const ojson& o = r->observed;
          const char* type = !o.is_object()                        ? "runner"
                             : o.value("connected", true) == false ? "connect"
                             : o.contains("runner_error")          ? "runner"
                                                                   : "timeout";
          x += "      <error" + attr("message", r->reason) + attr("type", type) + ">" +
               xml_escape(failure_text(*r)) + "</error>\n";
          break;
        }
        case junit_status::skipped:
          x += "      <skipped" + attr("message", "UNIMPLEMENTED: " + r->reason) +
               attr("type", "UNIMPLEMENTED") + "/>\n";
          break;
        case junit_status::passed:
          break;
      }
      std::string out = r->title.empty() ? "" : r->title + "\n";
      out += verdicts;
      if (!r->reason.empty()) out += ": " + r->reason;
      if (!r->close_reason.empty()) out += "\nclose: " + r->close_reason;
      out += "\n\nwire log:\n" + wirelog_text(*r);
      x += "      <system-out>" + xml_escape(out) + "</system-out>\n";
      x += "    </testcase>\n";
    }
    for (const skipped_case* sc : s.skipped) {
      x += "    <testcase" + attr("name", sc->id) + attr("classname", "wsprobe." + sc->area) +
           attr("time", "0.000") + ">\n";
      x += "      <skipped" + attr("message", sc->reason) + attr("type", "not-run") + "/>\n";
      x += "    </testcase>\n";
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

namespace {

void write_xml_file(const std::filesystem::path& path, const std::string& xml) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) throw std::runtime_error(path.parent_path().string() + ": " + ec.message());
  }
  write_file_atomically(path, xml);
}

}  // namespace

void write_junit_report(const run_report& report, std::span<const skipped_case> skipped,
                        const std::filesystem::path& path) {
  write_xml_file(path, junit_xml(report, skipped));
}

std::string junit_target_error_xml(std::string_view mode, std::string_view url,
                                   std::string_view message) {
  const std::string timestamp = iso8601_utc(std::chrono::system_clock::now());
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites" + attr("name", "wsprobe " + std::string(mode) + " " + std::string(url)) +
       attr("tests", std::size_t{1}) + attr("failures", std::size_t{0}) +
       attr("errors", std::size_t{1}) + attr("time", "0.000") + ">\n";
  x += "  <testsuite" + attr("name", "wsprobe.target") + attr("tests", std::size_t{1}) +
       attr("failures", std::size_t{0}) + attr("errors", std::size_t{1}) +
       attr("skipped", std::size_t{0}) + attr("time", "0.000") + attr("timestamp", timestamp) +
       attr("id", std::size_t{0}) + attr("package", "wsprobe") + ">\n";
  x += "    <testcase" + attr("name", "target") + attr("classname", "wsprobe.target") +
       attr("time", "0.000") + ">\n";
  x += "      <error" + attr("message", message) + attr("type", "connect") + ">" +
       xml_escape(message) + "</error>\n";
  x += "    </testcase>\n  </testsuite>\n</testsuites>\n";
  return x;
}

void write_junit_target_error(std::string_view mode, std::string_view url, std::string_view message,
                              const std::filesystem::path& path) {
  write_xml_file(path, junit_target_error_xml(mode, url, message));
}

}  // namespace wsprobe::report
