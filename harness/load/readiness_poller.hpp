// Edge-triggered readiness of a worker's plain TCP sockets, on an epoll instance of the worker's
// own that its io_context watches as one descriptor. Each socket is registered once, for reading
// and writing, for its whole life. Asio's reactor, by contrast, re-arms a socket with epoll_ctl
// on every wait for readiness (a system call per message or per handshake) and keeps about 170
// bytes of state per socket.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>

namespace wsprobe::load {

class readiness_poller {
 public:
  // Gets the epoll events (EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLHUP, EPOLLERR) of one socket.
  using callback = void (*)(void* target, std::uint32_t events);

  // Throws std::system_error when no epoll instance can be made.
  readiness_poller(boost::asio::io_context& ctx, callback on_ready);
  ~readiness_poller();
  readiness_poller(const readiness_poller&) = delete;
  readiness_poller& operator=(const readiness_poller&) = delete;

  // Watches `fd` for `target` until the descriptor is closed; false (errno set) on failure.
  bool watch(int fd, void* target);
  // Delivers nothing more; the wait on the io_context ends.
  void stop();

 private:
  void arm();
  void deliver();

  boost::asio::posix::stream_descriptor descriptor_;  // owns the epoll instance
  callback on_ready_;
  std::array<epoll_event, 256> events_{};
  bool stopped_ = false;
};

}  // namespace wsprobe::load
