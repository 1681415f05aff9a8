// What `wsprobe echo-client` hands to a reference echo client.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/net/tls_context.hpp"

namespace wsprobe::reference {

struct client_config {
  // Without once: the base URL of an Autobahn-testee server (/getCaseCount, /runCase and
  // /updateReports are appended to its path). With once: the URL to open as given.
  std::string url;
  std::string agent = "wsprobe";  // the agent=… of /runCase and /updateReports
  // Run only cases 1..case_limit (at most the server's count); all when absent.
  std::optional<std::uint64_t> case_limit;
  bool once = false;
  net::tls_client_options tls;      // wss://: --ca FILE, --insecure
  std::vector<std::string> faults;  // --fault NAME (our own client only)
  // Larger messages fail the connection with 1009.
  std::uint64_t max_message_size = std::uint64_t{64} << 20;
  // TCP connect + TLS + opening handshake must finish within this.
  std::chrono::milliseconds handshake_timeout{10'000};
  // After the close frames, how long the client waits for the server to close TCP before it
  // closes it itself (RFC 6455 §7.1.1).
  std::chrono::milliseconds close_timeout{3'000};
};

// Each client runs the testee protocol (or one connection with once), printing one line per
// connection on stdout, and returns the exit code: 0 when the protocol completed (a case in which
// the client failed the connection, as the server meant it to, is no error of the testee), 2 when
// a connection could not be made (refused, TLS failure, bad URL) or /getCaseCount gave no count.
// An unknown fault throws std::runtime_error before connecting.
int run_beast_echo_client(const client_config& config);
int run_wsprobe_echo_client(const client_config& config);

}  // namespace wsprobe::reference
