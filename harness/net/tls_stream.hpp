// byte_stream over TLS (OpenSSL through asio::ssl) on a TCP socket.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "harness/net/byte_stream.hpp"

namespace wsprobe::net {

class tls_stream final : public byte_stream {
 public:
  using stream_type = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  // Takes a connected socket; the context must outlive the stream, hence shared.
  tls_stream(boost::asio::ip::tcp::socket socket,
             std::shared_ptr<boost::asio::ssl::context> context);

  // Client handshake: SNI and certificate name check for `host` (a name or an IP literal; IP
  // literals get no SNI, RFC 6066 §3). Name checking happens only when the context verifies
  // peers. Throws transport_error("TLS handshake failed: …").
  awaitable<void> handshake_client(std::string host);
  // Server handshake. Throws transport_error("TLS handshake failed: …").
  awaitable<void> handshake_server();

  // The ALPN protocol agreed in the handshake ("h2", "http/1.1"), empty if none.
  std::string alpn_protocol() const;

  awaitable<std::size_t> read_some(std::span<std::uint8_t> buffer) override;
  awaitable<void> write(std::span<const std::uint8_t> bytes) override;
  awaitable<void> shutdown_send() override;
  void cancel() override;
  void close() override;
  std::string describe() const override;
  boost::asio::any_io_executor get_executor() override;

  stream_type& stream() { return stream_; }

 private:
  std::shared_ptr<boost::asio::ssl::context> context_;
  stream_type stream_;
  std::string description_;
};

// Runs the server handshake on an accepted socket within `timeout`; throws transport_error
// ("TLS handshake failed: …" or "TLS handshake timed out").
awaitable<std::unique_ptr<tls_stream>> accept_tls(
    boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> context,
    std::chrono::steady_clock::duration timeout = std::chrono::seconds(10));

}  // namespace wsprobe::net
