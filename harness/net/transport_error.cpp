#include "harness/net/transport_error.hpp"

#include <openssl/err.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <cctype>

namespace wsprobe::net {

std::string describe_error(const boost::system::error_code& code) {
  std::string text;
  if (code.category() == boost::asio::error::get_ssl_category()) {
    // OpenSSL's reason string alone ("certificate verify failed"), without library/function.
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(code.value()));
    text = reason ? reason : code.message();
  } else if (code == boost::asio::ssl::error::stream_truncated) {
    text = "TLS stream truncated (peer closed without close_notify)";
  } else if (code == boost::asio::error::eof) {
    text = "connection closed by peer";
  } else {
    text = code.message();
  }
  // System messages start with a capital ("Connection refused"); ours read mid-sentence.
  if (text.size() > 1 && std::isupper(static_cast<unsigned char>(text[0])) &&
      std::islower(static_cast<unsigned char>(text[1]))) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

}  // namespace wsprobe::net
