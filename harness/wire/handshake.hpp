// The WebSocket opening handshake rules (RFC 6455 §4), sans I/O: building a client request,
// validating it as a server, building the 101 (or a rejection), and validating the 101 as a
// client. Each check can be switched off on its own so that fault-injected peers and the
// conformance runners can send or accept what a correct peer would not.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/wire/extensions.hpp"
#include "harness/wire/http_head.hpp"

namespace wsprobe::wire {

// RFC 6455 §1.3 / §4.2.2.
inline constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
// RFC 6455 §4.1 item 9 (and §4.4 for what a server answers to any other version).
inline constexpr std::string_view websocket_version = "13";

// A fresh Sec-WebSocket-Key: 16 bytes from OpenSSL's RAND_bytes, base64-encoded (24 characters).
// Throws std::runtime_error if the random generator fails.
std::string generate_key();
// Sec-WebSocket-Accept for a key: base64(SHA-1(key + websocket_guid)), the key taken as written.
std::string compute_accept(std::string_view key);

// --- Client side -------------------------------------------------------------------------------

struct client_options {
  // Sec-WebSocket-Protocol, joined with ", "; omitted when empty.
  std::vector<std::string> subprotocols;
  std::string extensions;  // Sec-WebSocket-Extensions offer as written; omitted when empty
  std::string origin;      // Origin; omitted when empty
  std::vector<http_header> extra_headers;  // appended after the standard fields
};

// GET `target` HTTP/1.1 with, in this order: Host, Upgrade: websocket, Connection: Upgrade,
// Sec-WebSocket-Key, Sec-WebSocket-Version: 13, then Sec-WebSocket-Protocol, -Extensions and
// Origin when given, then the extra headers. Edit the result freely to send a broken request.
http_request make_client_request(std::string_view host_port, std::string_view target,
                                 std::string_view key, const client_options& options = {});

// What a client checks in the server's answer (RFC 6455 §4.1, "the client MUST _Fail_ …").
// All on by default; each switched off alone models one faulty client.
struct response_checks {
  bool require_101 = true;         // status 101
  bool require_http_1_1 = true;    // HTTP/1.1 or higher
  bool require_upgrade = true;     // Upgrade: websocket (case-insensitive)
  bool require_connection = true;  // Connection holds the token "upgrade"
  // Exactly one Sec-WebSocket-Accept, and the right one (off: fault no-accept-check).
  bool check_accept = true;
  bool require_offered_subprotocol = true;  // fault: accept-unoffered-subprotocol
  bool require_offered_extensions = true;   // only extension names the request offered
};

// What the handshake agreed on.
struct negotiated {
  std::optional<std::string> subprotocol;   // the server's Sec-WebSocket-Protocol, if any
  std::vector<extension_offer> extensions;  // the server's Sec-WebSocket-Extensions, parsed
};

struct response_validation {
  bool ok = false;
  std::string why;  // the first failed check, a sentence naming the field; empty when ok
  negotiated agreed;
};

// Validates `response` as the answer to `request` (the key, subprotocols and extensions offered
// are read from the request). Subprotocols are compared exactly (case-sensitive), extension names
// ASCII case-insensitively.
response_validation validate_response(const http_request& request, const http_response& response,
                                      const response_checks& checks = {});

// --- Server side -------------------------------------------------------------------------------

// What a server checks in the client's request (RFC 6455 §4.2.1). All on by default.
struct request_checks {
  bool require_get = true;          // method GET
  bool require_http_1_1 = true;     // HTTP/1.1 or higher
  bool require_host = true;         // exactly one non-empty Host
  bool require_upgrade = true;      // Upgrade holds the token "websocket"
  bool require_connection = true;   // Connection holds the token "upgrade"
  bool require_key = true;          // exactly one Sec-WebSocket-Key, base64 of 16 bytes
  bool check_version = true;        // Sec-WebSocket-Version: 13 (fault: no-version-check)
  bool require_valid_lists = true;  // well-formed Sec-WebSocket-Protocol / -Extensions
};

struct server_options {
  // Subprotocols the server speaks, most preferred first. The first of them that the client
  // offered is selected (server preference); none when no overlap.
  std::vector<std::string> subprotocols;
  request_checks checks;
};

struct accepted_request {
  std::optional<std::string> subprotocol;         // selected from server_options::subprotocols
  std::vector<std::string> offered_subprotocols;  // as the client listed them
  std::vector<extension_offer> extension_offers;  // the client's offers, parsed, in order
};

struct request_validation {
  bool ok = false;
  // On rejection: 400 Bad Request for any malformed or missing piece (RFC 6455 §4.2.1 names 400;
  // a wrong method also gets 400, not 405, since §4.2.1 treats it like any other handshake that
  // does not match; HTTP/1.0 gets 400 too, §4.2.1 item 1), and 426 Upgrade Required for a
  // Sec-WebSocket-Version other than 13 (§4.4), with `headers` holding Sec-WebSocket-Version: 13.
  unsigned status = 0;
  std::string why;                   // empty when ok
  std::vector<http_header> headers;  // extra response fields the rejection calls for
  accepted_request accepted;         // meaningful when ok
};

request_validation validate_request(const http_request& request,
                                    const server_options& options = {});

struct accept_options {
  // Sec-WebSocket-Extensions of the response (the extension negotiation's answer); omitted when
  // empty.
  std::string extensions;
  std::vector<http_header> extra_headers;  // appended after the standard fields
  // Fault bad-accept-key: send a well-formed but wrong Sec-WebSocket-Accept.
  bool corrupt_accept = false;
};

// HTTP/1.1 101 Switching Protocols with Upgrade: websocket, Connection: Upgrade,
// Sec-WebSocket-Accept computed from the request's (first) Sec-WebSocket-Key, then
// Sec-WebSocket-Protocol when a subprotocol was selected, Sec-WebSocket-Extensions when given,
// then the extra headers.
http_response make_accept_response(const http_request& request, const accepted_request& accepted,
                                   const accept_options& options = {});

// HTTP/1.1 `status` with `reason` as the reason-phrase (the usual phrase for the status when
// empty), then Connection: close, Content-Length: 0 and the extra headers (e.g. the
// Sec-WebSocket-Version: 13 of a 426).
http_response make_reject_response(unsigned status, std::string_view reason = {},
                                   const std::vector<http_header>& extra_headers = {});

}  // namespace wsprobe::wire
