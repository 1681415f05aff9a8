#include "harness/net/tls_stream.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "harness/net/deadline.hpp"
#include "harness/net/tcp_stream.hpp"
#include "harness/net/transport_error.hpp"

namespace wsprobe::net {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {

// "TLS handshake failed: certificate verify failed (self-signed certificate)".
[[noreturn]] void throw_handshake_error(SSL* handle, const boost::system::error_code& ec) {
  std::string what = "TLS handshake failed: " + describe_error(ec);
  const long verify = SSL_get_verify_result(handle);
  if (verify != X509_V_OK) {
    what += " (";
    what += X509_verify_cert_error_string(verify);
    what += ")";
  }
  throw transport_error(what, ec);
}

}  // namespace

tls_stream::tls_stream(asio::ip::tcp::socket socket, std::shared_ptr<ssl::context> context)
    : context_(std::move(context)), stream_(std::move(socket), *context_) {
  boost::system::error_code ec;
  stream_.next_layer().set_option(asio::ip::tcp::no_delay(true), ec);
  description_ = "tls " + describe_endpoints(stream_.next_layer());
}

awaitable<void> tls_stream::handshake_client(std::string host) {
  SSL* handle = stream_.native_handle();
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  const bool is_ip = !ec;
  if (!is_ip) SSL_set_tlsext_host_name(handle, host.c_str());
  if (SSL_CTX_get_verify_mode(context_->native_handle()) & SSL_VERIFY_PEER) {
    // Check the certificate names the host we meant (RFC 6125), as an IP or a DNS name.
    X509_VERIFY_PARAM* param = SSL_get0_param(handle);
    if (is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(param, address.to_string().c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    }
  }
  ec = {};
  co_await stream_.async_handshake(ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw_handshake_error(handle, ec);
}

awaitable<void> tls_stream::handshake_server() {
  boost::system::error_code ec;
  co_await stream_.async_handshake(ssl::stream_base::server,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw_handshake_error(stream_.native_handle(), ec);
}

std::string tls_stream::alpn_protocol() const {
  const unsigned char* data = nullptr;
  unsigned int size = 0;
  SSL_get0_alpn_selected(const_cast<stream_type&>(stream_).native_handle(), &data, &size);
  return data ? std::string(reinterpret_cast<const char*>(data), size) : std::string();
}

awaitable<std::size_t> tls_stream::read_some(std::span<std::uint8_t> buffer) {
  co_return co_await stream_.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                             asio::use_awaitable);
}

awaitable<void> tls_stream::write(std::span<const std::uint8_t> bytes) {
  co_await asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                             asio::use_awaitable);
}

awaitable<void> tls_stream::shutdown_send() {
  stream_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_send);
  co_return;
}

void tls_stream::cancel() {
  boost::system::error_code ec;
  stream_.next_layer().cancel(ec);
}

void tls_stream::close() {
  boost::system::error_code ec;
  stream_.next_layer().close(ec);
}

std::string tls_stream::describe() const {
  return description_;
}

asio::any_io_executor tls_stream::get_executor() {
  return stream_.get_executor();
}

awaitable<std::unique_ptr<tls_stream>> accept_tls(asio::ip::tcp::socket socket,
                                                  std::shared_ptr<ssl::context> context,
                                                  std::chrono::steady_clock::duration timeout) {
  auto stream = std::make_unique<tls_stream>(std::move(socket), std::move(context));
  co_await with_deadline(*stream, timeout, "TLS handshake", stream->handshake_server());
  co_return stream;
}

}  // namespace wsprobe::net
