#include "harness/wire/sha1.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace wsprobe::wire {

sha1_digest sha1(std::string_view bytes) {
  sha1_digest digest{};
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1 ||
      size != digest.size()) {
    throw std::runtime_error("SHA-1 failed in OpenSSL");
  }
  return digest;
}

}  // namespace wsprobe::wire
