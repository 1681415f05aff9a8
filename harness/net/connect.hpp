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
awaitable<std::unique_ptr<byte_stream>> connect(const ws_url& url,
                                                const connect_options& options = {});

}  // namespace wsprobe::net
