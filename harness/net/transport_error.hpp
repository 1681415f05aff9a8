// The exception the transports throw when a connection cannot be made or used.
#pragma once

#include <boost/system/error_code.hpp>

#include <stdexcept>
#include <string>

namespace wsprobe::net {

// A transport failure whose what() says what failed and why, e.g.
// "connection refused by 127.0.0.1:9" or "TLS handshake failed: certificate verify failed";
// code() keeps the underlying error for callers that classify failures (timeout, refused, …).
class transport_error : public std::runtime_error {
 public:
  transport_error(const std::string& what, boost::system::error_code code)
      : std::runtime_error(what), code_(code) {}

  boost::system::error_code code() const { return code_; }

 private:
  boost::system::error_code code_;
};

// The reason text for an error code, with OpenSSL's reason string for TLS errors
// ("certificate verify failed") rather than the library's numeric form.
std::string describe_error(const boost::system::error_code& code);

}  // namespace wsprobe::net
