// `wsprobe test-server`: runs cases against a server, `jobs` at a time, each on its own
// connection, and turns each observation into a report::case_result with its verdicts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

#include "harness/cases/case.hpp"
#include "harness/report/result.hpp"
#include "harness/run/case_script.hpp"
#include "harness/run/observation.hpp"
#include "harness/run/verdict.hpp"

namespace wsprobe::run {

struct progress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t failed = 0;
  std::chrono::steady_clock::duration elapsed{};
  const report::case_result* last = nullptr;  // the case that just finished
};

struct server_run_options {
  script_options script;
  std::size_t jobs = 1;  // cases in flight at once (one thread and io_context each)
  // Called after each case, from the worker threads one at a time.
  std::function<void(const progress&)> on_progress;
  // Set (for instance by a SIGINT handler) to stop starting cases; running ones finish.
  const std::atomic<bool>* stop = nullptr;
};

struct server_run_result {
  std::vector<report::case_result> results;  // in case order; cases not run are left out
  bool interrupted = false;
  std::size_t not_run = 0;
  std::chrono::steady_clock::duration elapsed{};
};

// Runs every case over h1 (cases for clients only are skipped by the caller's selection).
server_run_result run_test_server(const std::vector<cases::test_case>& cases,
                                  const server_run_options& options);

// The report entry for one case: verdicts, expectation and observation as JSON, wire log.
report::case_result make_case_result(const cases::test_case& c, observation o);

// Tries one TCP (and TLS) connection; throws net::transport_error saying why it failed.
void probe_target(const script_options& options);

}  // namespace wsprobe::run
