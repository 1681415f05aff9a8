// Server side: bind and listen on a host:port.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>

namespace wsprobe::net {

struct listen_options {
  bool reuse_port = false;  // SO_REUSEPORT, so several processes can share a port (load tests)
  int backlog = 1024;
};

// Opens an acceptor on host:port with SO_REUSEADDR. host is an IP literal (IPv6 without
// brackets) or "localhost". Throws transport_error, e.g.
// "cannot listen on 127.0.0.1:8080: address already in use".
boost::asio::ip::tcp::acceptor open_listener(const boost::asio::any_io_executor& executor,
                                             const std::string& host, std::uint16_t port,
                                             const listen_options& options = {});

// The port actually bound (useful after asking for port 0).
std::uint16_t bound_port(const boost::asio::ip::tcp::acceptor& acceptor);

// "ws://127.0.0.1:PORT/" or "wss://[::1]:PORT/" for a listening acceptor.
std::string listen_url(const boost::asio::ip::tcp::acceptor& acceptor, bool tls);

}  // namespace wsprobe::net
