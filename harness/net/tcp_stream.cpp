#include "harness/net/tcp_stream.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace wsprobe::net {
namespace asio = boost::asio;

std::string describe_endpoints(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec_local, ec_remote;
  const auto local = socket.local_endpoint(ec_local);
  const auto remote = socket.remote_endpoint(ec_remote);
  const auto format = [](const asio::ip::tcp::endpoint& ep) {
    const std::string address = ep.address().to_string();
    const std::string host = ep.address().is_v6() ? "[" + address + "]" : address;
    return host + ":" + std::to_string(ep.port());
  };
  return (ec_local ? std::string("?") : format(local)) + "->" +
         (ec_remote ? std::string("?") : format(remote));
}

tcp_stream::tcp_stream(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  boost::system::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // best effort; not fatal
  description_ = "tcp " + describe_endpoints(socket_);
}

awaitable<std::size_t> tcp_stream::read_some(std::span<std::uint8_t> buffer) {
  co_return co_await socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                             asio::use_awaitable);
}

awaitable<void> tcp_stream::write(std::span<const std::uint8_t> bytes) {
  co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                             asio::use_awaitable);
}

awaitable<void> tcp_stream::shutdown_send() {
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send);
  co_return;
}

void tcp_stream::cancel() {
  boost::system::error_code ec;
  socket_.cancel(ec);
}

void tcp_stream::close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

std::string tcp_stream::describe() const {
  return description_;
}

asio::any_io_executor tcp_stream::get_executor() {
  return socket_.get_executor();
}

}  // namespace wsprobe::net
