#include "harness/net/http_exchange.hpp"

#include <span>

namespace wsprobe::net {
namespace {

// Reads a head with Conn's terminator search, then parses it with wire's strict parser.
template <typename Result, typename Parser, typename Member>
awaitable<Result> read_head(conn& c, conn::duration timeout, std::size_t max_head_size,
                            Member member) {
  Result result;
  http_head_result head = co_await c.read_http_head(timeout, max_head_size);
  result.status = head.status;
  result.error = head.error;
  result.raw = std::move(head.head);
  if (head.status != read_status::ok) co_return result;
  Parser parser(max_head_size);
  std::size_t consumed = 0;
  const auto status = parser.feed(result.raw, consumed);
  if (status != wire::parse_status::done) {
    result.status = read_status::error;
    result.error = status == wire::parse_status::error ? "malformed HTTP head: " + parser.error()
                                                       : "incomplete HTTP head";
    co_return result;
  }
  result.*member = std::move(parser.message());
  co_return result;
}

}  // namespace

awaitable<http_request_result> read_http_request(conn& c, conn::duration timeout,
                                                 std::size_t max_head_size) {
  return read_head<http_request_result, wire::request_parser>(c, timeout, max_head_size,
                                                              &http_request_result::request);
}

awaitable<http_response_result> read_http_response(conn& c, conn::duration timeout,
                                                   std::size_t max_head_size) {
  return read_head<http_response_result, wire::response_parser>(c, timeout, max_head_size,
                                                                &http_response_result::response);
}

awaitable<client_handshake> send_handshake(conn& c, wire::http_request request,
                                           conn::duration timeout, wire::response_checks checks) {
  client_handshake out;
  out.request = std::move(request);
  const std::string bytes = wire::serialize(out.request);
  co_await c.write(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  out.answer = co_await read_http_response(c, timeout);
  if (out.answer.status == read_status::ok) {
    out.validation = wire::validate_response(out.request, out.answer.response, checks);
  }
  co_return out;
}

awaitable<client_handshake> open_websocket(conn& c, ws_url url, wire::client_options options,
                                           conn::duration timeout) {
  auto request =
      wire::make_client_request(url.host_header(), url.target, wire::generate_key(), options);
  co_return co_await send_handshake(c, std::move(request), timeout, wire::response_checks{});
}

awaitable<client_handshake> open_websocket(conn& c, ws_url url, conn::duration timeout) {
  return open_websocket(c, std::move(url), wire::client_options(), timeout);  // not a coroutine
}

}  // namespace wsprobe::net
