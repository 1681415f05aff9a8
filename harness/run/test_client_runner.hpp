// `wsprobe test-client`: wsprobe listens and plays the server; clients connect and are tested.
// Two ways to drive it: the Autobahn testee protocol (/getCaseCount, /runCase?case=N&agent=A,
// /getCaseInfo, /getCaseStatus, /updateReports?agent=A), or `spawn`: one client process per
// case, started with the case's URL, judged within a deadline and killed by PID after it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "harness/cases/case.hpp"
#include "harness/net/tls_context.hpp"
#include "harness/report/result.hpp"
#include "harness/run/case_script.hpp"

namespace wsprobe::run {

struct client_run_options {
  script_options script;  // timeout, window, close_timeout, max_message_size
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: a free one
  bool tls = false;
  net::tls_server_options tls_options;
  std::filesystem::path report_dir = "reports/latest";
  std::string agent = "client";  // for requests without agent=, and for spawn
  // Autobahn mode: stop after this many /updateReports requests (0: run until stopped).
  std::size_t exit_after_reports = 0;
  // Spawn mode when not empty: "CMD {url}", run with /bin/sh -c once per case.
  std::string spawn;
  // After a case that changes the handshake response: how long to watch for the client
  // connecting again (retried) or to the Location target (followed).
  std::chrono::milliseconds watch{500};
  std::string tool_version;  // for the report
  // Called once with "ws://HOST:PORT/" when the listener is open.
  std::function<void(const std::string&)> on_listening;
  // Called after each case (from the runner's thread).
  std::function<void(const std::string& agent, std::size_t index, std::size_t total,
                     const report::case_result&)>
      on_case;
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler: stop at once
};

struct client_run_result {
  std::vector<report::run_report> reports;  // one per agent that asked (or the spawn run)
  std::vector<std::filesystem::path> written;
  bool interrupted = false;
};

// Runs until the exit condition (exit_after_reports, every spawned case judged, or `stop`).
// Throws net::transport_error when it cannot listen, std::runtime_error when a report cannot
// be written.
client_run_result run_test_client(const std::vector<cases::test_case>& cases,
                                  const client_run_options& options);

// Query of a request target ("/runCase?case=3&agent=x" → path "/runCase", {case: 3, agent: x});
// values are percent-decoded.
struct request_target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  const std::string* find(std::string_view name) const;
};
request_target parse_request_target(std::string_view target);

// Which case a runCase/getCaseInfo/getCaseStatus request names: `case=N` (1-based) or
// `casetuple=x.y.z` (Autobahn id); nullopt when it names none.
std::optional<std::size_t> case_index_for(const request_target& t,
                                          const std::vector<cases::test_case>& cases);

}  // namespace wsprobe::run
