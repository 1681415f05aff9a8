// The loopback latency floor for scripts/bench-load.sh: a plain TCP ping-pong with no WebSocket
// framing. A client sends SIZE bytes on a fixed schedule (RATE per second, open loop), the server
// writes them back, and the client records each round trip from the message's intended send
// time (as `wsprobe load` does in open loop), then prints p50/p99/max in microseconds.
//
//   tcp_pingpong [--count N] [--rate R] [--size B] [--warmup N]
//                [--server-cpu C] [--client-cpu C] [--json]
//
// Server and client are two processes (fork), each optionally pinned to one CPU, so that the
// figure compares with a `wsprobe serve` and a `wsprobe load` pinned to the same CPUs.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Options {
  long count = 10000;
  double rate = 1000;
  std::size_t size = 64;
  long warmup = 200;
  int server_cpu = -1;
  int client_cpu = -1;
  bool json = false;
};

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "tcp_pingpong: %s: %s\n", what, std::strerror(errno));
  std::exit(2);
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "tcp_pingpong: %s\nusage: tcp_pingpong [--count N] [--rate R] [--size B] "
               "[--warmup N] [--server-cpu C] [--client-cpu C] [--json]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--json") {
      o.json = true;
      continue;
    }
    if (i + 1 >= argc) usage("missing value");
    const char* v = argv[++i];
    if (a == "--count")
      o.count = std::atol(v);
    else if (a == "--rate")
      o.rate = std::atof(v);
    else if (a == "--size")
      o.size = static_cast<std::size_t>(std::atol(v));
    else if (a == "--warmup")
      o.warmup = std::atol(v);
    else if (a == "--server-cpu")
      o.server_cpu = std::atoi(v);
    else if (a == "--client-cpu")
      o.client_cpu = std::atoi(v);
    else
      usage("unknown option");
  }
  if (o.count <= 0 || o.rate <= 0 || o.size == 0 || o.warmup < 0) usage("bad value");
  return o;
}

void pin(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

void no_delay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("TCP_NODELAY");
}

// Reads exactly n bytes; false on EOF.
bool read_full(int fd, char* p, std::size_t n) {
  while (n > 0) {
    ssize_t r = ::recv(fd, p, n, 0);
    if (r == 0) return false;
    if (r < 0) {
      if (errno == EINTR) continue;
      die("recv");
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

void write_full(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t r = ::send(fd, p, n, MSG_NOSIGNAL);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("send");
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
}

// Echoes SIZE-byte messages until the client closes.
[[noreturn]] void serve(int listener, const Options& o) {
  pin(o.server_cpu);
  int fd = ::accept(listener, nullptr, nullptr);
  if (fd < 0) die("accept");
  no_delay(fd);
  std::vector<char> buf(o.size);
  while (read_full(fd, buf.data(), buf.size())) write_full(fd, buf.data(), buf.size());
  std::_Exit(0);
}

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

double percentile_us(const std::vector<std::int64_t>& sorted, double q) {
  // Nearest rank, the same rule a histogram percentile follows.
  auto rank = static_cast<std::size_t>(q * static_cast<double>(sorted.size()));
  if (rank >= sorted.size()) rank = sorted.size() - 1;
  return static_cast<double>(sorted[rank]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);

  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // the kernel picks a free port
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("bind");
  if (::listen(listener, 1) != 0) die("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) die("getsockname");

  pid_t server = ::fork();
  if (server < 0) die("fork");
  if (server == 0) serve(listener, o);
  ::close(listener);

  pin(o.client_cpu);
  // ppoll's timeout is rounded up by the thread's timer slack (50 us by default), which would
  // make every send leave late and count against the floor; wsprobe's timers (Asio's timerfd)
  // have no such slack. 1 ns: the sends leave on time.
  if (::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) != 0) die("PR_SET_TIMERSLACK");
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("connect");
  no_delay(fd);

  // Open loop, as `wsprobe load` sends: every message leaves at its time (all that are due at
  // once after a stall) whether or not earlier echoes are back, and echoes are read as they
  // come. TCP keeps order, so the k-th SIZE bytes back are the echo of message k.
  if (::fcntl(fd, F_SETFL, O_NONBLOCK) != 0) die("O_NONBLOCK");
  std::vector<std::int64_t> rtt;
  rtt.reserve(static_cast<std::size_t>(o.count));
  const auto period = static_cast<std::int64_t>(1e9 / o.rate);
  const long total = o.warmup + o.count;
  const std::int64_t start = now_ns() + period;
  const std::int64_t give_up = start + total * period + 10'000'000'000;  // 10 s late: stop
  std::string out;  // bytes due but not yet accepted by the kernel
  std::vector<char> in(64 * 1024);
  std::size_t partial = 0;  // bytes of the next echo already read
  long sent = 0;
  long back = 0;
  while (back < total) {
    std::int64_t now = now_ns();
    if (now > give_up) {
      std::fprintf(stderr, "tcp_pingpong: %ld of %ld echoes back after 10 s past the end\n", back,
                   total);
      return 2;
    }
    for (; sent < total && start + sent * period <= now; ++sent) out.append(o.size, 'x');
    while (!out.empty()) {
      ssize_t w = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      if (w < 0) {
        if (errno == EAGAIN || errno == EINTR) break;
        die("send");
      }
      out.erase(0, static_cast<std::size_t>(w));
    }
    pollfd p{fd, static_cast<short>(POLLIN | (out.empty() ? 0 : POLLOUT)), 0};
    const std::int64_t wait =
        sent < total ? std::max<std::int64_t>(start + sent * period - now, 0) : 100'000'000;
    timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    if (::ppoll(&p, 1, &ts, nullptr) < 0 && errno != EINTR) die("ppoll");
    if (!(p.revents & (POLLIN | POLLERR | POLLHUP))) continue;
    ssize_t r = ::recv(fd, in.data(), in.size(), 0);
    if (r == 0) {
      std::fprintf(stderr, "tcp_pingpong: server closed early\n");
      return 2;
    }
    if (r < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      die("recv");
    }
    now = now_ns();
    partial += static_cast<std::size_t>(r);
    for (; partial >= o.size; partial -= o.size, ++back) {
      if (back >= o.warmup) rtt.push_back(now - (start + back * period));
    }
  }
  ::close(fd);
  int status = 0;
  ::waitpid(server, &status, 0);

  std::sort(rtt.begin(), rtt.end());
  const double p50 = percentile_us(rtt, 0.50);
  const double p99 = percentile_us(rtt, 0.99);
  const double max = static_cast<double>(rtt.back()) / 1000.0;
  if (o.json) {
    std::printf(
        "{\"count\": %zu, \"rate\": %.0f, \"size\": %zu, \"p50_us\": %.1f, "
        "\"p99_us\": %.1f, \"max_us\": %.1f}\n",
        rtt.size(), o.rate, o.size, p50, p99, max);
  } else {
    std::printf(
        "tcp ping-pong: %zu round trips of %zu B at %.0f/s: p50 %.1f us, p99 %.1f us, "
        "max %.1f us\n",
        rtt.size(), o.size, o.rate, p50, p99, max);
  }
  return 0;
}
