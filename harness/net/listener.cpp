#include "harness/net/listener.hpp"

#include <sys/socket.h>
#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/ip/address.hpp>

#include "harness/net/transport_error.hpp"
#include "harness/net/url.hpp"

namespace wsprobe::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

asio::ip::tcp::acceptor open_listener(const asio::any_io_executor& executor,
                                      const std::string& host, std::uint16_t port,
                                      const listen_options& options) {
  const std::string address_text = host == "localhost" ? "127.0.0.1" : host;
  const std::string where = format_authority(address_text, port);
  const auto fail = [&](const std::string& why, boost::system::error_code ec) {
    throw transport_error("cannot listen on " + where + ": " + why, ec);
  };
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(address_text, ec);
  if (ec) fail("'" + host + "' is not an IP address", ec);
  const tcp::endpoint endpoint(address, port);

  tcp::acceptor acceptor(executor);
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail(describe_error(ec), ec);
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) fail(describe_error(ec), ec);
  if (options.reuse_port) {
    using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
    acceptor.set_option(reuse_port(true), ec);
    if (ec) fail("SO_REUSEPORT: " + describe_error(ec), ec);
  }
  acceptor.bind(endpoint, ec);
  if (ec) fail(describe_error(ec), ec);
  acceptor.listen(options.backlog, ec);
  if (ec) fail(describe_error(ec), ec);
  return acceptor;
}

std::uint16_t bound_port(const tcp::acceptor& acceptor) {
  boost::system::error_code ec;
  return acceptor.local_endpoint(ec).port();
}

std::string listen_url(const tcp::acceptor& acceptor, bool tls) {
  boost::system::error_code ec;
  const auto endpoint = acceptor.local_endpoint(ec);
  return std::string(tls ? "wss://" : "ws://") +
         format_authority(endpoint.address().to_string(), endpoint.port()) + "/";
}

}  // namespace wsprobe::net
