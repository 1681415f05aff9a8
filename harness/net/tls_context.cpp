#include "harness/net/tls_context.hpp"

#include <openssl/ssl.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/net/self_signed_certificate.hpp"
#include "harness/net/transport_error.hpp"

namespace wsprobe::net {
namespace ssl = boost::asio::ssl;

namespace {

// ALPN protocol lists travel as length-prefixed strings (RFC 7301 §3.1).
std::string alpn_wire_format(const std::vector<std::string>& protocols) {
  std::string out;
  for (const auto& p : protocols) {
    if (p.empty() || p.size() > 255) {
      throw transport_error("bad ALPN protocol name '" + p + "'",
                            boost::asio::error::invalid_argument);
    }
    out.push_back(static_cast<char>(p.size()));
    out += p;
  }
  return out;
}

// A context together with the data its OpenSSL callbacks point into.
struct context_holder {
  explicit context_holder(ssl::context::method method) : context(method) {}
  ssl::context context;
  std::string alpn;
};

std::shared_ptr<ssl::context> share(std::shared_ptr<context_holder> holder) {
  return std::shared_ptr<ssl::context>(holder, &holder->context);
}

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw transport_error(
        std::string("cannot read ") + what + " '" + path + "': " + std::strerror(errno),
        boost::system::error_code(errno, boost::system::generic_category()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int select_alpn(SSL*, const unsigned char** out, unsigned char* out_size, const unsigned char* in,
                unsigned int in_size, void* arg) {
  const auto* ours = static_cast<const std::string*>(arg);
  unsigned char* selected = nullptr;
  // Server preference order: the first of our protocols that the client offers.
  if (SSL_select_next_proto(
          &selected, out_size, reinterpret_cast<const unsigned char*>(ours->data()),
          static_cast<unsigned int>(ours->size()), in, in_size) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

std::shared_ptr<ssl::context> make_client_tls_context(const tls_client_options& options) {
  auto holder = std::make_shared<context_holder>(ssl::context::tls_client);
  auto& context = holder->context;
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  if (options.insecure) {
    context.set_verify_mode(ssl::verify_none);
  } else {
    context.set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (!options.ca_file.empty()) {
      read_file(options.ca_file, "CA file");  // a clear error for a missing file
      context.load_verify_file(options.ca_file, ec);
      if (ec) {
        throw transport_error(
            "cannot load CA file '" + options.ca_file + "': " + describe_error(ec), ec);
      }
    } else {
      context.set_default_verify_paths(ec);
      if (ec) throw transport_error("cannot load system CAs: " + describe_error(ec), ec);
    }
  }
  if (!options.alpn.empty()) {
    holder->alpn = alpn_wire_format(options.alpn);
    // Note: unlike most OpenSSL calls, 0 means success here.
    if (SSL_CTX_set_alpn_protos(context.native_handle(),
                                reinterpret_cast<const unsigned char*>(holder->alpn.data()),
                                static_cast<unsigned int>(holder->alpn.size())) != 0) {
      throw transport_error("cannot set ALPN protocols", boost::asio::error::invalid_argument);
    }
  }
  return share(holder);
}

std::shared_ptr<ssl::context> make_server_tls_context(const tls_server_options& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    throw transport_error(options.cert_file.empty()
                              ? "a TLS key file needs a certificate file too (--cert)"
                              : "a TLS certificate file needs a key file too (--key)",
                          boost::asio::error::invalid_argument);
  }
  auto holder = std::make_shared<context_holder>(ssl::context::tls_server);
  auto& context = holder->context;
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);

  std::string cert_pem, key_pem, cert_name = "generated certificate", key_name = "generated key";
  if (options.cert_file.empty()) {
    auto generated = generate_self_signed_certificate();
    cert_pem = std::move(generated.certificate_pem);
    key_pem = std::move(generated.private_key_pem);
  } else {
    cert_pem = read_file(options.cert_file, "certificate");
    key_pem = read_file(options.key_file, "private key");
    cert_name = "certificate '" + options.cert_file + "'";
    key_name = "private key '" + options.key_file + "'";
  }
  boost::system::error_code ec;
  context.use_certificate_chain(boost::asio::buffer(cert_pem), ec);
  if (ec) {
    throw transport_error(
        "cannot use " + cert_name + ": no PEM certificate in it (" + describe_error(ec) + ")", ec);
  }
  context.use_private_key(boost::asio::buffer(key_pem), ssl::context::pem, ec);
  if (ec) {
    // OpenSSL checks the key against the certificate here and says "key values mismatch".
    throw transport_error(
        "cannot use " + key_name + " with " + cert_name + ": " + describe_error(ec), ec);
  }
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    throw transport_error(key_name + " does not match " + cert_name,
                          boost::asio::error::invalid_argument);
  }
  if (!options.alpn.empty()) {
    holder->alpn = alpn_wire_format(options.alpn);
    SSL_CTX_set_alpn_select_cb(context.native_handle(), select_alpn, &holder->alpn);
  }
  return share(holder);
}

}  // namespace wsprobe::net
