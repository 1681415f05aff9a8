// An in-memory self-signed certificate so that `serve --tls` works with no files.
#pragma once

#include <string>

namespace wsprobe::net {

struct pem_key_pair {
  std::string certificate_pem;
  std::string private_key_pem;
};

// An EC P-256 key and an X.509 v3 certificate for CN=`common_name` with subjectAltName
// DNS:localhost, IP:127.0.0.1, IP:::1, valid from now for one day. Throws std::runtime_error if
// OpenSSL fails.
pem_key_pair generate_self_signed_certificate(const std::string& common_name = "localhost");

}  // namespace wsprobe::net
