// The opening handshake response wsprobe sends as the server (cases against clients): a standard
// 101 (RFC 6455 §4.2.2) for the client's request, changed as the case's `handshake.response`
// says. Pure: no I/O.
#pragma once

#include <string>
#include <string_view>

#include "harness/cases/case.hpp"
#include "harness/wire/http_head.hpp"

namespace wsprobe::run {

// A 101 with Upgrade, Connection and the Sec-WebSocket-Accept for the request's key (when the
// request has none, the accept of an empty key). With a status other than 101 the response
// starts bare (Content-Length: 0) and the case adds what it wants. Header values may hold
// "{location}" (replaced by `location_url`: a URL on our listener where a request counts as
// following a redirect) and "{accept}" (the correct accept value).
wire::http_response make_server_response(const cases::response_changes& changes,
                                         const wire::http_request& request,
                                         std::string_view location_url);

}  // namespace wsprobe::run
