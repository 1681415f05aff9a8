// A reliable, ordered byte pipe: a TCP connection, a TLS connection, or (later) one RFC 8441
// HTTP/2 stream. Runners, reference peers and the load generator speak WebSocket over this and
// never see which one it is.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace wsprobe::net {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

// Operations report failures by throwing boost::system::system_error (or transport_error):
// the end of the peer's data is boost::asio::error::eof, a cancelled operation
// boost::asio::error::operation_aborted. One read and one write may be outstanding at a time.
class byte_stream {
 public:
  virtual ~byte_stream() = default;

  // Reads at least one byte into `buffer` (which must not be empty); returns how many.
  virtual awaitable<std::size_t> read_some(std::span<std::uint8_t> buffer) = 0;
  // Writes all of `bytes`.
  virtual awaitable<void> write(std::span<const std::uint8_t> bytes) = 0;
  // Tells the peer we will send no more (TCP FIN; on TLS also a FIN, without close_notify, so
  // that a half-close never waits on the peer); reading goes on.
  virtual awaitable<void> shutdown_send() = 0;
  // Makes every outstanding operation complete with operation_aborted; the stream stays usable.
  // This is how deadlines are enforced (see deadline.hpp).
  virtual void cancel() = 0;
  // Closes the connection at once (no close_notify, no linger). Idempotent.
  virtual void close() = 0;
  // For logs and messages: "tcp 127.0.0.1:50000->127.0.0.1:9001", "tls …".
  virtual std::string describe() const = 0;
  virtual boost::asio::any_io_executor get_executor() = 0;
};

}  // namespace wsprobe::net
