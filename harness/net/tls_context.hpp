// OpenSSL contexts for the client and the server side.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <vector>

namespace wsprobe::net {

struct tls_client_options {
  std::string ca_file;            // --ca FILE: trust these CAs instead of the system ones
  bool insecure = false;          // --insecure: do not verify the peer at all
  std::vector<std::string> alpn;  // offered ALPN protocols, e.g. {"h2"}; none when empty
};

// A client context: TLS 1.2+, peer verified against the system CAs (or ca_file) unless
// insecure. Throws transport_error for an unreadable CA file.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(
    const tls_client_options& options);

struct tls_server_options {
  std::string cert_file;          // PEM chain; with key_file. Both empty: a self-signed certificate
  std::string key_file;           // PEM private key
  std::vector<std::string> alpn;  // accepted ALPN protocols in order of preference
};

// A server context. Throws transport_error naming the problem: only one of cert/key given,
// unreadable or non-PEM file ("cannot read certificate 'x.pem': …"), or a key that does not
// match the certificate.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(
    const tls_server_options& options);

}  // namespace wsprobe::net
