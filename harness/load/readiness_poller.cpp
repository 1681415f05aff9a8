#include "harness/load/readiness_poller.hpp"

#include <boost/asio/post.hpp>
#include <cerrno>
#include <system_error>

namespace wsprobe::load {
namespace asio = boost::asio;

namespace {

int make_epoll() {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  return fd;
}

}  // namespace

readiness_poller::readiness_poller(asio::io_context& ctx, callback on_ready)
    : descriptor_(ctx, make_epoll()), on_ready_(on_ready) {
  arm();
}

readiness_poller::~readiness_poller() = default;  // the descriptor closes the epoll instance

bool readiness_poller::watch(int fd, void* target) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = target;
  return ::epoll_ctl(descriptor_.native_handle(), EPOLL_CTL_ADD, fd, &ev) == 0;
}

void readiness_poller::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  descriptor_.cancel(ignored);
}

void readiness_poller::arm() {
  descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                         [this](const boost::system::error_code& ec) {
                           if (ec || stopped_) return;
                           deliver();
                         });
}

void readiness_poller::deliver() {
  const int n = ::epoll_wait(descriptor_.native_handle(), events_.data(),
                             static_cast<int>(events_.size()), 0);
  for (int i = 0; i < n && !stopped_; ++i) on_ready_(events_[i].data.ptr, events_[i].events);
  if (stopped_) return;
  if (n == static_cast<int>(events_.size())) {
    // More may be ready: take them after whatever else is queued, so that timers and other
    // work are not starved.
    asio::post(descriptor_.get_executor(), [this] {
      if (!stopped_) deliver();
    });
    return;
  }
  arm();
}

}  // namespace wsprobe::load
