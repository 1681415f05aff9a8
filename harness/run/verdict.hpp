// The verdict rules of the test-server runner (cases/README.md "Expectations", "The close
// verdict"; harness/run/README.md): pure functions of a case's expectation and an observation.
#pragma once

#include <optional>
#include <string>

#include "harness/cases/case.hpp"
#include "harness/run/observation.hpp"

namespace wsprobe::run {

struct judgement {
  cases::verdict result = cases::verdict::failed;
  cases::verdict close_result = cases::verdict::failed;
  std::string reason;        // empty for a plain OK
  std::string close_reason;  // empty for a plain OK
};

// Why `o` does not match `expected`, or nullopt when it does. Messages are compared whole and
// byte for byte; pings from the peer are not events.
std::optional<std::string> mismatch(const cases::outcome& expected, const observation& o);

// The close verdict alone.
judgement judge_close(const cases::close_expectation& expected, const cases::test_case& c,
                      const observation& o);

// The case verdict and the close verdict:
// - no connection, an invalid handshake response, a protocol violation by the peer or a timeout
//   in a step: FAILED;
// - otherwise the first outcome (OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED) that matches,
//   or FAILED when none does; a missed expect_fail_fast caps OK at NON-STRICT;
// - a FAILED close verdict makes the case FAILED too.
judgement judge(const cases::test_case& c, const observation& o);

// Cases against clients (RFC 6455 §5.3): why the client's masking keys are predictable (all
// zero, or the same in every frame of two or more), or nullopt. Caps an OK at NON-STRICT.
std::optional<std::string> weak_masking(const observation& o);

// Whether an outcome takes a 101 that fails validation (wrong Sec-WebSocket-Accept, Upgrade,
// Connection, unoffered subprotocol …): only a non-OK one that names 101 in its `status`.
bool tolerates_invalid_101(const cases::outcome& out);
// Whether any outcome of the case does (then the runner goes on after an invalid 101).
bool accepts_invalid_101(const cases::test_case& c);

// Whether the peer has sent as many events as the longest acceptable outcome names (for `echo`
// outcomes: as many messages as we sent). The runner waits for this after the steps.
bool expected_events_arrived(const cases::test_case& c, const observation& o);

}  // namespace wsprobe::run
