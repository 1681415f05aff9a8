#include "harness/reference/server_threads.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "harness/net/listener.hpp"

namespace wsprobe::reference {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

struct server_thread {
  asio::io_context io{1};
  std::optional<tcp::acceptor> acceptor;
  std::unique_ptr<thread_server> server;
};

}  // namespace

int run_server_threads(const server_config& config, const thread_server_factory& make) {
  const std::size_t count = std::max<std::size_t>(config.threads, 1);
  net::listen_options listen;
  listen.reuse_port = count > 1;
  std::vector<std::unique_ptr<server_thread>> threads;
  std::uint16_t port = config.port;
  for (std::size_t i = 0; i < count; ++i) {
    auto t = std::make_unique<server_thread>();
    t->acceptor.emplace(net::open_listener(t->io.get_executor(), config.host, port, listen));
    port = net::bound_port(*t->acceptor);  // the others join the port the first one got
    t->server = make(t->io);
    t->server->start(*t->acceptor);
    threads.push_back(std::move(t));
  }

  // Stop: each thread closes its acceptor and its connections, so that every run() returns.
  auto& first = *threads.front();
  asio::signal_set signals(first.io, SIGINT, SIGTERM);
  signals.async_wait([&threads](const boost::system::error_code& ec, int) {
    if (ec) return;
    for (auto& t : threads) {
      asio::post(t->io, [server = t->server.get()] { server->stop(); });
    }
  });

  std::cout << "listening on " << net::listen_url(*first.acceptor, config.tls) << std::endl;
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads.size(); ++i) {
    pool.emplace_back([t = threads[i].get()] { t->io.run(); });
  }
  first.io.run();
  for (auto& th : pool) th.join();
  return 0;
}

}  // namespace wsprobe::reference
