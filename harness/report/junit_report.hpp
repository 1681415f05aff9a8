// DIR/junit.xml: the JUnit XML that Jenkins, GitLab and the GitHub Actions test reporters read
// (DESIGN.md §4). The shape follows the Jenkins xunit plugin's JUnit schema (junit-10.xsd):
// <testsuites name tests failures errors time> holding one <testsuite> per area (name, tests,
// failures, errors, skipped, time, timestamp, hostname, id, package) holding one <testcase> per
// case (name = case id, classname = "wsprobe.<area>", time). See docs/ci.md for the rules.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/cases/case.hpp"
#include "harness/report/result.hpp"

namespace wsprobe::report {

// A case that was loaded but not run, and why ("excluded by --exclude close.*", "client-only
// case", "h2-only case"). JUnit lists it as <skipped>.
struct skipped_case {
  std::string id;
  std::string area;
  std::string reason;
};

// The cases of `all` that a test-server run leaves out on purpose: those matching an `exclude`
// pattern, and those it cannot run (client-only, no h1 transport). Cases outside a non-empty
// `include` are not listed (the user did not ask for them).
std::vector<skipped_case> skipped_cases(std::span<const cases::test_case> all,
                                        const std::vector<std::string>& include,
                                        const std::vector<std::string>& exclude);

// How a case shows in JUnit.
enum class junit_status {
  passed,   // OK, NON-STRICT, INFORMATIONAL
  failure,  // FAILED: the peer did something the case does not accept
  error,    // FAILED because the test could not happen: no TCP/TLS connection, a runner error,
            // or the deadline passed before any handshake response arrived
  skipped,  // UNIMPLEMENTED
};

// The rule above, decided from the verdict and the observed fields ("connected",
// "runner_error", "timeout", "handshake.status").
junit_status junit_status_of(const case_result& result);

// Text made safe for XML 1.0 character data and attribute values: & < > " ' escaped; tab, LF
// and CR kept (as &#9; &#10; &#13; in attributes); other C0 controls, DEL-free C1 aside, lone
// surrogates, U+FFFE/U+FFFF and invalid UTF-8 — which XML 1.0 forbids or cannot carry — shown
// as "\xNN" (one per byte), so the file always parses.
std::string xml_escape(std::string_view text, bool attribute = false);

// The wire log as readable text, one line per entry:
// "+1234us > TEXT fin=1 mask=1 len=5 "Hello"" (printable text) or "… hex 0a0b…".
std::string wirelog_text(const case_result& result);

// The whole document.
std::string junit_xml(const run_report& report, std::span<const skipped_case> skipped = {});

// Writes junit_xml() to `path` atomically, creating its folder when needed. Throws
// std::runtime_error naming the path on failure.
void write_junit_report(const run_report& report, std::span<const skipped_case> skipped,
                        const std::filesystem::path& path);

// The document for a run that could not start because its target was unreachable: one
// testsuite "wsprobe.target" with one testcase "target" whose <error type="connect"> carries
// `message`, so that a CI test reporter shows why there are no results instead of none at all.
std::string junit_target_error_xml(std::string_view mode, std::string_view url,
                                   std::string_view message);

// Writes junit_target_error_xml() to `path` like write_junit_report.
void write_junit_target_error(std::string_view mode, std::string_view url, std::string_view message,
                              const std::filesystem::path& path);

}  // namespace wsprobe::report
