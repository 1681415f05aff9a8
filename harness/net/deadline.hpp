// Deadlines for operations on a byte_stream. Boost 1.74 has no awaitable operators (they came
// in 1.75), so a deadline is a timer that cancels the stream when it fires.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include "harness/net/byte_stream.hpp"

namespace wsprobe::net {

// One timer per connection. arm() before an operation, disarm() after it; if the timer fires in
// between, the stream is cancelled and fired() tells the operation's caller it was a timeout,
// not some other abort. Safe to destroy while a wait is pending.
class deadline {
 public:
  explicit deadline(const boost::asio::any_io_executor& executor);
  ~deadline();
  deadline(const deadline&) = delete;
  deadline& operator=(const deadline&) = delete;

  void arm(byte_stream& stream, std::chrono::steady_clock::duration timeout);
  // The same for anything that is not a byte_stream yet (a resolver, a connecting socket).
  void arm(std::chrono::steady_clock::duration timeout, std::function<void()> on_expire);
  // Stops the timer; returns fired().
  bool disarm();
  bool fired() const;

 private:
  struct state;
  boost::asio::steady_timer timer_;
  std::shared_ptr<state> state_;
};

// Throws transport_error(boost::asio::error::timed_out, "<what> timed out after N ms").
[[noreturn]] void throw_timed_out(const char* what, std::chrono::steady_clock::duration timeout);

// Runs `operation` on `stream` with a deadline; throws transport_error with
// boost::asio::error::timed_out ("<what> timed out after N ms") when it fires.
template <typename T>
awaitable<T> with_deadline(byte_stream& stream, std::chrono::steady_clock::duration timeout,
                           const char* what, awaitable<T> operation) {
  deadline timer(stream.get_executor());
  timer.arm(stream, timeout);
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(operation);
      timer.disarm();
    } else {
      T value = co_await std::move(operation);
      timer.disarm();
      co_return value;
    }
  } catch (...) {
    if (timer.disarm()) throw_timed_out(what, timeout);
    throw;
  }
}

}  // namespace wsprobe::net
