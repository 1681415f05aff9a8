// The Autobahn testee protocol, shared by both reference echo clients: /getCaseCount, then
// /runCase?case=N&agent=A for each case, then /updateReports?agent=A (or one URL with --once).
// The clients differ only in how one WebSocket connection runs, which they pass in.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/net/byte_stream.hpp"
#include "harness/net/url.hpp"
#include "harness/reference/client_config.hpp"

namespace wsprobe::reference {

// How one connection ended, for the progress line and the case count.
struct connection_report {
  bool opened = false;                             // the opening handshake succeeded
  bool clean_close = false;                        // close frames went both ways
  std::optional<std::uint16_t> server_close_code;  // the code in the server's close, if any
  std::string detail;              // why it ended otherwise (failure, handshake refusal, reset)
  std::vector<std::string> texts;  // text messages received in record mode (echo off)
};

// Runs one connection to `url`: echoes (echo) or records the messages and closes after the first
// one (record mode, for /getCaseCount). Throws for what stops a connection from being made at
// all (resolve, connect, TLS); everything after that comes back in the report.
using connection_runner =
    std::function<net::awaitable<connection_report>(net::ws_url url, bool echo)>;

// Runs config's protocol on a fresh io_context, calling `run` for each connection; returns the
// exit code described in client_config.hpp.
int run_testee(const client_config& config, connection_runner run);

// "/base" + "/runCase?case=3&agent=A": the base URL's path with a testee endpoint appended.
// The agent is percent-encoded (RFC 3986 unreserved characters are kept).
std::string testee_target(const net::ws_url& base, const std::string& endpoint,
                          const std::string& query);
std::string percent_encode(const std::string& text);

// One line about a finished connection: "closed cleanly (1000)", "failed: …".
std::string describe(const connection_report& report);

}  // namespace wsprobe::reference
