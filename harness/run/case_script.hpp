// One case against a server, as a coroutine: connect, opening handshake (with the case's
// changes), steps, wait for the expected events, quiet time, finish, closing handshake. Never
// throws for anything the peer does; everything it sees goes into the observation.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "harness/cases/case.hpp"
#include "harness/net/byte_stream.hpp"
#include "harness/net/conn.hpp"
#include "harness/net/tls_context.hpp"
#include "harness/net/url.hpp"
#include "harness/run/observation.hpp"
#include "harness/wire/http_head.hpp"

namespace wsprobe::run {

struct script_options {
  net::ws_url url;
  net::tls_client_options tls;
  std::chrono::milliseconds timeout{5000};  // per case, when the case names none
  std::chrono::milliseconds window{200};    // caps expect_fail_fast windows and quiet_ms
  // After the steps: how long the peer has to answer our close and to close TCP.
  std::chrono::milliseconds close_timeout{1000};
  std::uint64_t max_message_size = std::uint64_t{64} << 20;
};

net::awaitable<observation> run_case_script(const cases::test_case& c,
                                            const script_options& options);

// A client that has connected to us and sent its opening handshake request.
struct server_side {
  std::unique_ptr<net::conn> conn;
  wire::http_request request;
  std::string raw_request;   // the head as received, for the wire log
  std::string location_url;  // for "{location}" in responses: a request to it = followed
};

// One case with wsprobe as the server (cases against clients): the request is checked (RFC 6455
// §4.1), answered (a standard 101 or the case's `handshake.response`), then the same steps run
// with unmasked frames from us and masked ones required from the client (§5.1).
net::awaitable<observation> run_case_as_server(const cases::test_case& c,
                                               const script_options& options, server_side side);

}  // namespace wsprobe::run
