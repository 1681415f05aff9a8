// What `wsprobe serve` hands to a reference echo server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wsprobe::reference {

struct server_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 picks a free port
  bool tls = false;
  std::string cert_file;  // PEM; with tls and both empty, a self-signed pair is generated
  std::string key_file;
  std::vector<std::string> faults;  // --fault NAME (our own server only)
  // Bounded memory per connection: larger messages are refused with 1009.
  std::uint64_t max_message_size = std::uint64_t{64} << 20;
  // Threads, each with its own io_context and acceptor on the same port (SO_REUSEPORT when more
  // than one); the Beast and sink servers only.
  std::size_t threads = 1;
};

// Each server prints "listening on ws://HOST:PORT/" (wss:// with TLS) as its first line on
// stdout, flushed, serves until SIGINT or SIGTERM, then returns 0. Errors that stop it from
// starting (bad address, port in use, unreadable certificate, unknown fault) throw
// std::runtime_error with a message that names the cause.
int run_beast_echo_server(const server_config& config);
int run_wsprobe_echo_server(const server_config& config);
// `serve --sink`: the opening handshake on harness/wire, then every data frame is read and
// discarded (no echo); pings are answered, a close is answered and ends the connection. On stop
// it prints what it received on stderr.
int run_sink_server(const server_config& config);

}  // namespace wsprobe::reference
