// Client side: open a byte_stream to a ws:// or wss:// URL.
#pragma once

#include <chrono>
#include <memory>

#include "harness/net/byte_stream.hpp"
#include "harness/net/tls_context.hpp"
#include "harness/net/url.hpp"

namespace wsprobe::net {

struct connect_options {
  // Resolve + TCP connect + TLS handshake must all finish within this.
  std::chrono::steady_clock::duration timeout = std::chrono::seconds(10);
  tls_client_options tls;  // used for wss://
};

// Resolves url.host, connects (trying each address), and for wss:// runs the TLS handshake with
// SNI and verification as configured. Throws transport_error that says what failed:
// "cannot resolve 'x': …", "connection refused by 127.0.0.1:9", "connect to 10.0.0.1:80 timed
// out", "TLS handshake failed: certificate verify failed".
// Parameters are taken by value: a coroutine must not keep references to temporaries.
awaitable<std::unique_ptr<byte_stream>> connect(ws_url url, connect_options options);
// The same with default options. (Not a default argument: g++ 12 frees a defaulted coroutine
// argument twice.)
awaitable<std::unique_ptr<byte_stream>> connect(ws_url url);

}  // namespace wsprobe::net
