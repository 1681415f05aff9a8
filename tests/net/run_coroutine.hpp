// Test helper: run one coroutine on a fresh io_context to completion, rethrowing its exception.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <utility>

#include "harness/net/byte_stream.hpp"

namespace wsprobe::net::testing {

// `make` receives the io_context and returns the awaitable<T> to run; extra coroutines it
// spawns on the same context (peers) run alongside until everything is done.
template <typename T, typename Make>
T run_coroutine(Make make) {
  boost::asio::io_context io;
  std::exception_ptr error;
  std::optional<T> value;
  // The lambda is handed over uncalled: co_spawn keeps it (and so its captures) alive.
  boost::asio::co_spawn(
      io, [&]() -> awaitable<void> { value.emplace(co_await make(io)); },
      [&](std::exception_ptr e) {
        error = e;
        io.stop();  // peers may still be waiting; the test is over
      });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

}  // namespace wsprobe::net::testing
