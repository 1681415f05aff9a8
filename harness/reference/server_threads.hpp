// Runs a reference server on N threads: one io_context and one acceptor per thread, all bound to
// the same address with SO_REUSEPORT (when N > 1) so that the kernel spreads new connections over
// them and a connection lives on one thread only (no locks on the data path).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>

#include "harness/reference/server_config.hpp"

namespace wsprobe::reference {

// One thread's server. Both calls happen on that thread.
class thread_server {
 public:
  virtual ~thread_server() = default;
  // Starts accepting on `acceptor` (owned by the caller, open until after stop()).
  virtual void start(boost::asio::ip::tcp::acceptor& acceptor) = 0;
  // Stops accepting (closes the acceptor) and ends every open connection.
  virtual void stop() = 0;
};

using thread_server_factory =
    std::function<std::unique_ptr<thread_server>(boost::asio::io_context& io)>;

// Opens config.threads acceptors (port 0: the first one picks the port), prints
// "listening on URL" on stdout, runs until SIGINT or SIGTERM and returns 0. Throws
// std::runtime_error (via transport_error) when it cannot listen.
int run_server_threads(const server_config& config, const thread_server_factory& make);

}  // namespace wsprobe::reference
