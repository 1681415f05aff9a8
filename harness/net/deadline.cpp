#include "harness/net/deadline.hpp"

#include <boost/asio/error.hpp>

#include <cstdint>
#include <string>

#include "harness/net/transport_error.hpp"

namespace wsprobe::net {

struct deadline::state {
  std::function<void()> on_expire;
  std::uint64_t generation = 0;  // a wait that completes for an older arm() is ignored
  bool fired = false;
};

deadline::deadline(const boost::asio::any_io_executor& executor)
    : timer_(executor), state_(std::make_shared<state>()) {}

deadline::~deadline() {
  timer_.cancel();
}

void deadline::arm(byte_stream& stream, std::chrono::steady_clock::duration timeout) {
  arm(timeout, [&stream] { stream.cancel(); });
}

void deadline::arm(std::chrono::steady_clock::duration timeout, std::function<void()> on_expire) {
  state_->on_expire = std::move(on_expire);
  state_->fired = false;
  const std::uint64_t generation = ++state_->generation;
  timer_.expires_after(timeout);
  // The handler holds only a weak reference: the deadline (and what on_expire refers to) may be
  // gone by the time a completed wait is delivered.
  timer_.async_wait(
      [weak = std::weak_ptr<state>(state_), generation](const boost::system::error_code& ec) {
        auto s = weak.lock();
        if (!s || ec || s->generation != generation) return;
        s->fired = true;
        if (s->on_expire) s->on_expire();
      });
}

bool deadline::disarm() {
  ++state_->generation;
  timer_.cancel();
  state_->on_expire = nullptr;
  return state_->fired;
}

bool deadline::fired() const {
  return state_->fired;
}

void throw_timed_out(const char* what, std::chrono::steady_clock::duration timeout) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  throw transport_error(std::string(what) + " timed out after " + std::to_string(ms) + " ms",
                        boost::asio::error::timed_out);
}

}  // namespace wsprobe::net
