// HTTP/1.1 heads and the WebSocket opening handshake over a Conn, using harness/wire's parser
// and handshake rules (the one place they live). Bytes after a head stay buffered in the conn.
#pragma once

#include <string>

#include "harness/net/conn.hpp"
#include "harness/net/url.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head.hpp"
#include "harness/wire/http_head_parser.hpp"

namespace wsprobe::net {

struct http_request_result {
  read_status status = read_status::ok;  // error also for a malformed head
  wire::http_request request;            // parsed (status ok only)
  std::string raw;                       // the head as received
  std::string error;                     // why, for status error
};

struct http_response_result {
  read_status status = read_status::ok;
  wire::http_response response;
  std::string raw;
  std::string error;
};

// Reads and parses one request head within `timeout`; never throws for the peer's failures.
awaitable<http_request_result> read_http_request(
    conn& c, conn::duration timeout, std::size_t max_head_size = wire::default_max_head_size);
// Reads and parses one response head within `timeout`; never throws for the peer's failures.
awaitable<http_response_result> read_http_response(
    conn& c, conn::duration timeout, std::size_t max_head_size = wire::default_max_head_size);

struct client_handshake {
  wire::http_request request;  // what was sent (with its Sec-WebSocket-Key)
  http_response_result answer;
  wire::response_validation validation;  // meaningful when answer.status is ok

  // The answer arrived and passed every check.
  bool ok() const { return answer.status == read_status::ok && validation.ok; }
};

// Sends `request` as is, reads the answer within `timeout` and validates it against the
// request. Throws only if writing fails.
awaitable<client_handshake> send_handshake(conn& c, wire::http_request request,
                                           conn::duration timeout, wire::response_checks checks);

// A regular opening handshake for `url` (RFC 6455 §4.1): a fresh key, Host from the URL.
// Parameters by value: a coroutine must not hold references to the caller's temporaries.
awaitable<client_handshake> open_websocket(conn& c, ws_url url, wire::client_options options,
                                           conn::duration timeout);
// The same with no subprotocols, extensions or extra headers. (Pass a named client_options, never
// `{}`: g++ 12 frees a brace-initialised coroutine argument twice.)
awaitable<client_handshake> open_websocket(conn& c, ws_url url, conn::duration timeout);

}  // namespace wsprobe::net
