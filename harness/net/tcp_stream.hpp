// byte_stream over a plain TCP socket.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "harness/net/byte_stream.hpp"

namespace wsprobe::net {

// Owns a connected socket; turns TCP_NODELAY on so that each write leaves at once (chunked
// writes in conformance cases must reach the peer as separate segments).
class tcp_stream final : public byte_stream {
 public:
  explicit tcp_stream(boost::asio::ip::tcp::socket socket);

  awaitable<std::size_t> read_some(std::span<std::uint8_t> buffer) override;
  awaitable<void> write(std::span<const std::uint8_t> bytes) override;
  awaitable<void> shutdown_send() override;
  void cancel() override;
  void close() override;
  std::string describe() const override;
  boost::asio::any_io_executor get_executor() override;

  boost::asio::ip::tcp::socket& socket() { return socket_; }

 private:
  boost::asio::ip::tcp::socket socket_;
  std::string description_;
};

// "127.0.0.1:50000->127.0.0.1:9001" for a connected socket (empty parts if unknown).
std::string describe_endpoints(const boost::asio::ip::tcp::socket& socket);

}  // namespace wsprobe::net
