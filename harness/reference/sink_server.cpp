// `wsprobe serve --sink`: a WebSocket server that reads every frame and throws the data away, as a
// target for send-only load runs (`wsprobe load --send-only`) that must not be limited by echoing.
// The opening handshake, the frame rules and the control frames follow RFC 6455 through
// harness/wire (the same parser as everywhere else): pings get pongs, a close gets a close and
// ends the connection, a protocol error gets a close with the code it calls for. Text payloads are
// not checked for UTF-8 (nothing is delivered, so nothing would act on them).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <unordered_set>
#include <vector>

#include "harness/net/conn.hpp"
#include "harness/net/http_exchange.hpp"
#include "harness/net/tls_context.hpp"
#include "harness/net/tls_stream.hpp"
#include "harness/reference/server_config.hpp"
#include "harness/reference/server_threads.hpp"
#include "harness/wire/close.hpp"
#include "harness/wire/frame_decoder.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head.hpp"

namespace wsprobe::reference {
namespace {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A connection's read buffer starts small and doubles whenever a read fills it, up to the
// maximum: a busy connection then takes thousands of small frames per system call.
constexpr std::size_t initial_read_buffer = 4 * 1024;
constexpr std::size_t max_read_buffer = 256 * 1024;
constexpr auto handshake_timeout = 30s;

// What one thread received, summed and printed on stop.
struct sink_counts {
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> bytes{0};  // payload bytes of data frames
  std::atomic<std::uint64_t> connections{0};
};

// The frames of one connection, sans I/O: fed bytes, it says what to send back.
class sink_session {
 public:
  explicit sink_session(std::uint64_t max_message_size)
      : decoder_(wire::decoder_options{.local_role = wire::role::server,
                                       .max_frame_payload = max_message_size}),
        max_message_size_(max_message_size) {}

  // Decodes every frame in `bytes`; answers (pongs, a close) are appended to `out`. Returns
  // false once the connection is over (a close was answered or sent).
  bool feed(std::span<std::uint8_t> bytes, std::vector<std::uint8_t>& out, sink_counts& counts);

 private:
  void answer(std::uint8_t opcode, std::span<const std::uint8_t> payload,
              std::vector<std::uint8_t>& out);
  void fail(std::uint16_t code, std::vector<std::uint8_t>& out);

  wire::frame_decoder decoder_;
  std::uint64_t max_message_size_;
  std::uint64_t message_size_ = 0;
  bool in_message_ = false;  // a fragmented data message has begun
  std::uint8_t opcode_ = 0;
  std::array<std::uint8_t, 125> control_{};
  std::size_t control_size_ = 0;
};

void sink_session::answer(std::uint8_t opcode, std::span<const std::uint8_t> payload,
                          std::vector<std::uint8_t>& out) {
  wire::frame_spec spec;
  spec.opcode = opcode;  // server frames are not masked (RFC 6455 §5.1)
  wire::encode_frame(spec, payload, out);
}

void sink_session::fail(std::uint16_t code, std::vector<std::uint8_t>& out) {
  const std::uint8_t payload[2] = {static_cast<std::uint8_t>(code >> 8),
                                   static_cast<std::uint8_t>(code)};
  answer(wire::opcode::close, payload, out);
}

bool sink_session::feed(std::span<std::uint8_t> bytes, std::vector<std::uint8_t>& out,
                        sink_counts& counts) {
  using kind = wire::frame_decoder::event_kind;
  for (;;) {
    std::size_t used = 0;
    const auto event = decoder_.next(bytes, used);
    bytes = bytes.subspan(used);
    switch (event.kind) {
      case kind::need_more:
        return true;
      case kind::error:
        fail(decoder_.error().close_code, out);
        return false;
      case kind::header: {
        const auto& h = decoder_.header();
        opcode_ = h.opcode;
        if (wire::is_control(opcode_)) {
          control_size_ = 0;
          break;
        }
        // Fragmentation rules (RFC 6455 §5.4): a continuation needs a message to continue, and
        // a new message cannot start inside one.
        if ((opcode_ == wire::opcode::continuation) != in_message_) {
          fail(wire::close_code::protocol_error, out);
          return false;
        }
        if (opcode_ != wire::opcode::continuation) message_size_ = 0;
        message_size_ += h.payload_length;
        if (message_size_ > max_message_size_) {
          fail(wire::close_code::too_big, out);
          return false;
        }
        in_message_ = !h.fin;
        if (h.fin) {
          counts.messages.store(counts.messages.load(std::memory_order_relaxed) + 1,
                                std::memory_order_relaxed);
        }
        counts.bytes.store(counts.bytes.load(std::memory_order_relaxed) + h.payload_length,
                           std::memory_order_relaxed);
        break;
      }
      case kind::payload:
        if (wire::is_control(opcode_)) {
          const std::size_t n = std::min(event.payload.size(), control_.size() - control_size_);
          std::memcpy(control_.data() + control_size_, event.payload.data(), n);
          control_size_ += n;
        }
        break;  // data is discarded
      case kind::frame_end:
        if (opcode_ == wire::opcode::ping) {
          answer(wire::opcode::pong, std::span(control_.data(), control_size_), out);
        } else if (opcode_ == wire::opcode::close) {
          // Answer with the peer's status code (none if it sent none), then the connection is
          // over (RFC 6455 §5.5.1). A malformed close payload is a protocol error.
          if (control_size_ == 1) {
            fail(wire::close_code::protocol_error, out);
          } else {
            answer(wire::opcode::close,
                   std::span(control_.data(), std::min<std::size_t>(control_size_, 2)), out);
          }
          return false;
        }
        break;
    }
  }
}

class sink_thread final : public thread_server {
 public:
  sink_thread(asio::io_context& io, const server_config& config,
              std::shared_ptr<asio::ssl::context> tls, sink_counts& counts)
      : io_(io), config_(config), tls_(std::move(tls)), counts_(counts) {}

  void start(tcp::acceptor& acceptor) override {
    acceptor_ = &acceptor;
    asio::co_spawn(io_, accept_loop(), asio::detached);
  }
  void stop() override {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    for (net::byte_stream* s : open_) s->close();
    for (tcp::socket* s : plain_open_) s->close(ignored);
  }

 private:
  asio::awaitable<void> accept_loop();
  // TLS connections, through the TLS stream.
  asio::awaitable<void> serve_tls(tcp::socket socket);
  // Plain TCP, fast: reads go into the thread's one buffer once the socket is readable and are
  // used up before the next wait, so an open connection holds no buffer (a benchmark opens
  // tens of thousands). `early` gets the bytes that came after the request head.
  asio::awaitable<void> serve_plain(tcp::socket socket);
  asio::awaitable<bool> open_plain(tcp::socket& socket, std::vector<std::uint8_t>& early);
  // Reads what is there into read_buffer_, waiting for readability only when there is nothing;
  // the caller uses the bytes before it waits again.
  asio::awaitable<std::size_t> read_plain(tcp::socket& socket, boost::system::error_code& ec);
  asio::awaitable<void> write_plain(tcp::socket& socket, std::span<const std::uint8_t> bytes,
                                    boost::system::error_code& ec);

  asio::io_context& io_;
  const server_config& config_;
  std::shared_ptr<asio::ssl::context> tls_;
  sink_counts& counts_;
  tcp::acceptor* acceptor_ = nullptr;
  std::unordered_set<net::byte_stream*> open_;
  std::unordered_set<tcp::socket*> plain_open_;
  std::vector<std::uint8_t> read_buffer_ = std::vector<std::uint8_t>(max_read_buffer);
};

asio::awaitable<void> sink_thread::accept_loop() {
  while (acceptor_->is_open()) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (!acceptor_->is_open()) break;
    if (ec) {
      asio::steady_timer pause(io_, 50ms);  // out of descriptors and the like: no spinning
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (tls_) {
      asio::co_spawn(io_, serve_tls(std::move(socket)), asio::detached);
    } else {
      asio::co_spawn(io_, serve_plain(std::move(socket)), asio::detached);
    }
  }
}

bool would_block(const boost::system::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

asio::awaitable<std::size_t> sink_thread::read_plain(tcp::socket& socket,
                                                     boost::system::error_code& ec) {
  for (;;) {
    const std::size_t n = socket.read_some(asio::buffer(read_buffer_), ec);
    if (!would_block(ec)) co_return n;
    co_await socket.async_wait(tcp::socket::wait_read,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return 0;
  }
}

asio::awaitable<void> sink_thread::write_plain(tcp::socket& socket,
                                               std::span<const std::uint8_t> bytes,
                                               boost::system::error_code& ec) {
  for (;;) {
    const std::size_t n = socket.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
    bytes = bytes.subspan(n);
    if (bytes.empty() || (ec && !would_block(ec))) co_return;
    co_await socket.async_wait(tcp::socket::wait_write,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

asio::awaitable<bool> sink_thread::open_plain(tcp::socket& socket,
                                              std::vector<std::uint8_t>& early) {
  // The opening handshake (RFC 6455 §4.2), by wire's rules; a request head that does not parse
  // gets 400 like one that fails the rules.
  boost::system::error_code ec;
  wire::request_parser parser;
  std::size_t used = 0, n = 0;
  auto status = wire::parse_status::need_more;
  while (status == wire::parse_status::need_more) {
    n = co_await read_plain(socket, ec);
    if (ec) co_return false;
    used = 0;
    status =
        parser.feed(std::string_view(reinterpret_cast<const char*>(read_buffer_.data()), n), used);
  }
  // Kept apart: the 101's write may wait, and the thread's buffer is then someone else's.
  if (status == wire::parse_status::done)
    early.assign(read_buffer_.begin() + used, read_buffer_.begin() + n);
  wire::request_validation checked;
  if (status == wire::parse_status::done) {
    checked = wire::validate_request(parser.message());
  } else {
    checked.status = 400;
    checked.why = "Bad Request";
  }
  const auto response =
      checked.ok ? wire::make_accept_response(parser.message(), checked.accepted)
                 : wire::make_reject_response(checked.status, checked.why, checked.headers);
  const std::string head = wire::serialize(response);
  co_await write_plain(
      socket, std::span(reinterpret_cast<const std::uint8_t*>(head.data()), head.size()), ec);
  co_return checked.ok && !ec;
}

asio::awaitable<void> sink_thread::serve_plain(tcp::socket socket) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  socket.non_blocking(true, ec);
  plain_open_.insert(&socket);
  struct unregister {
    std::unordered_set<tcp::socket*>& set;
    tcp::socket* s;
    ~unregister() { set.erase(s); }
  } registration{plain_open_, &socket};

  std::vector<std::uint8_t> early;
  if (co_await open_plain(socket, early)) {
    counts_.connections.store(counts_.connections.load(std::memory_order_relaxed) + 1,
                              std::memory_order_relaxed);
    sink_session session(config_.max_message_size);
    std::vector<std::uint8_t> answers;
    bool open = session.feed(early, answers, counts_);
    early = {};
    while (open || !answers.empty()) {
      if (!answers.empty()) {
        co_await write_plain(socket, answers, ec);
        answers.clear();
        if (ec || !open) break;
      }
      const std::size_t n = co_await read_plain(socket, ec);
      if (ec) break;
      open = session.feed(std::span(read_buffer_.data(), n), answers, counts_);
    }
    // After the close handshake the server closes the TCP connection first (RFC 6455 §7.1.1).
  }
  socket.close(ec);
}

asio::awaitable<void> sink_thread::serve_tls(tcp::socket socket) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto tls = std::make_unique<net::tls_stream>(std::move(socket), tls_);
  net::tls_stream* raw = tls.get();
  std::unique_ptr<net::byte_stream> stream = std::move(tls);
  open_.insert(raw);
  struct unregister {
    std::unordered_set<net::byte_stream*>& set;
    net::byte_stream* s;
    ~unregister() { set.erase(s); }
  } registration{open_, raw};

  net::conn c(std::move(stream));
  try {
    co_await net::with_deadline(*raw, handshake_timeout, "TLS handshake", raw->handshake_server());
    // The opening handshake (RFC 6455 §4.2), by wire's rules.
    auto request = co_await net::read_http_request(c, handshake_timeout);
    if (request.status != net::read_status::ok) {
      // A head that came whole but does not parse gets 400, as over plain TCP.
      if (request.status == net::read_status::error && !request.raw.empty()) {
        const std::string head = wire::serialize(wire::make_reject_response(400, "Bad Request"));
        co_await c.write(
            std::span(reinterpret_cast<const std::uint8_t*>(head.data()), head.size()));
      }
      co_return;
    }
    const auto checked = wire::validate_request(request.request);
    const auto response =
        checked.ok ? wire::make_accept_response(request.request, checked.accepted)
                   : wire::make_reject_response(checked.status, checked.why, checked.headers);
    const std::string head = wire::serialize(response);
    co_await c.write(std::span(reinterpret_cast<const std::uint8_t*>(head.data()), head.size()));
    if (!checked.ok) co_return;
    counts_.connections.store(counts_.connections.load(std::memory_order_relaxed) + 1,
                              std::memory_order_relaxed);

    sink_session session(config_.max_message_size);
    std::vector<std::uint8_t> answers;
    std::vector<std::uint8_t> buffer(initial_read_buffer);
    auto early = c.take_buffered();
    bool open = session.feed(early, answers, counts_);
    while (open || !answers.empty()) {
      if (!answers.empty()) {
        co_await raw->write(answers);
        answers.clear();
        if (!open) break;
      }
      const std::size_t n = co_await raw->read_some(buffer);
      open = session.feed(std::span(buffer.data(), n), answers, counts_);
      if (n == buffer.size() && buffer.size() < max_read_buffer) buffer.resize(buffer.size() * 2);
    }
    // After the close handshake the server closes the TCP connection first (RFC 6455 §7.1.1).
  } catch (const std::exception&) {
    // The peer vanished or the transport failed: the connection is over either way.
  }
  raw->close();
}

}  // namespace

int run_sink_server(const server_config& config) {
  if (!config.faults.empty()) throw std::runtime_error("--fault does not apply to --sink");
  std::shared_ptr<asio::ssl::context> tls;
  if (config.tls) {
    net::tls_server_options options;
    options.cert_file = config.cert_file;
    options.key_file = config.key_file;
    tls = net::make_server_tls_context(options);
  }
  std::vector<std::unique_ptr<sink_counts>> counts;
  const int rc = run_server_threads(config, [&](asio::io_context& io) {
    counts.push_back(std::make_unique<sink_counts>());
    return std::make_unique<sink_thread>(io, config, tls, *counts.back());
  });
  std::uint64_t messages = 0, bytes = 0, connections = 0;
  for (const auto& c : counts) {
    messages += c->messages.load();
    bytes += c->bytes.load();
    connections += c->connections.load();
  }
  std::fprintf(stderr, "sink: %llu connections, %llu messages, %llu payload bytes received\n",
               static_cast<unsigned long long>(connections),
               static_cast<unsigned long long>(messages), static_cast<unsigned long long>(bytes));
  return rc;
}

}  // namespace wsprobe::reference
