// harness/load/readiness_poller: real sockets (socketpairs) on a real io_context.
#include "harness/load/readiness_poller.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

namespace wsprobe::load {
namespace {

struct recorder {
  std::map<int, std::uint32_t> events;  // target id -> events seen (or-ed)
  int deliveries = 0;
};

struct target {
  recorder* r;
  int id;
};

void record(void* t, std::uint32_t events) {
  auto* x = static_cast<target*>(t);
  x->r->events[x->id] |= events;
  ++x->r->deliveries;
}

struct socket_pair {
  socket_pair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds.data()), 0); }
  ~socket_pair() {
    for (int fd : fds) ::close(fd);
  }
  std::array<int, 2> fds{-1, -1};
};

TEST(ReadinessPoller, ReportsWritableAtOnceAndReadableWhenDataComes) {
  boost::asio::io_context ctx;
  recorder r;
  readiness_poller poller(ctx, record);
  socket_pair p;
  target t{&r, 1};
  ASSERT_TRUE(poller.watch(p.fds[0], &t));
  ctx.run_for(std::chrono::milliseconds(50));
  ctx.restart();
  EXPECT_TRUE(r.events[1] & EPOLLOUT);  // an empty send buffer is writable
  EXPECT_FALSE(r.events[1] & EPOLLIN);

  r.events.clear();
  ASSERT_EQ(::write(p.fds[1], "x", 1), 1);
  ctx.run_for(std::chrono::milliseconds(50));
  ctx.restart();
  EXPECT_TRUE(r.events[1] & EPOLLIN);

  // Edge-triggered: nothing new happened, nothing more is delivered.
  const int before = r.deliveries;
  ctx.run_for(std::chrono::milliseconds(50));
  ctx.restart();
  EXPECT_EQ(r.deliveries, before);

  // The peer's close is reported as the read side ending.
  ::close(p.fds[1]);
  p.fds[1] = -1;
  ctx.run_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(r.events[1] & EPOLLRDHUP);
}

TEST(ReadinessPoller, DeliversMoreReadySocketsThanOneBatchHolds) {
  boost::asio::io_context ctx;
  recorder r;
  readiness_poller poller(ctx, record);
  std::vector<socket_pair> pairs(300);  // more than the 256 events taken per epoll_wait
  std::vector<target> targets;
  targets.reserve(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    targets.push_back(target{&r, static_cast<int>(i)});
    ASSERT_TRUE(poller.watch(pairs[i].fds[0], &targets.back()));
    ASSERT_EQ(::write(pairs[i].fds[1], "x", 1), 1);
  }
  ctx.run_for(std::chrono::milliseconds(200));
  ASSERT_EQ(r.events.size(), pairs.size());
  for (const auto& [id, events] : r.events) EXPECT_TRUE(events & EPOLLIN) << id;
}

TEST(ReadinessPoller, StopLetsTheIoContextFinish) {
  boost::asio::io_context ctx;
  recorder r;
  readiness_poller poller(ctx, record);
  socket_pair p;
  target t{&r, 1};
  ASSERT_TRUE(poller.watch(p.fds[0], &t));
  poller.stop();
  // With the poller's wait gone, run() returns by itself (no timeout needed).
  ctx.run();
  EXPECT_TRUE(ctx.stopped());
  EXPECT_EQ(r.deliveries, 0);  // nothing is delivered after stop()
}

TEST(ReadinessPoller, RefusesADescriptorThatIsNotOpen) {
  boost::asio::io_context ctx;
  recorder r;
  readiness_poller poller(ctx, record);
  target t{&r, 1};
  EXPECT_FALSE(poller.watch(-1, &t));
}

}  // namespace
}  // namespace wsprobe::load
