// The Boost.Beast reference echo client: an implementation independent of harness/wire, so that
// `wsprobe test-client` is checked against a client we did not write the protocol code for.
// Beast answers pings, the close handshake and its TCP teardown itself.
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/detail/prng.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/system/system_error.hpp>

#include <memory>
#include <stdexcept>

#include "harness/net/tls_context.hpp"
#include "harness/reference/client_config.hpp"
#include "harness/reference/client_testee.hpp"

namespace wsprobe::reference {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

// Beast's handshake timeout bounds the opening handshake, and later the closing handshake with
// the wait for the server's TCP close; an idle connection may stay open (a case may pause on
// purpose).
template <typename NextLayer>
void set_handshake_timeout(websocket::stream<NextLayer>& ws,
                           std::chrono::steady_clock::duration timeout) {
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = timeout;
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
}

template <typename NextLayer>
void configure(websocket::stream<NextLayer>& ws, const client_config& config) {
  ws.read_message_max(config.max_message_size);
  ws.auto_fragment(false);  // echo each message as one frame, whatever its size
  websocket::permessage_deflate no_deflate;
  no_deflate.server_enable = false;
  no_deflate.client_enable = false;
  ws.set_option(no_deflate);
  // Masking keys from Beast's PCG generator (seeded from std::random_device), not its "secure" one
  // that repeats (see skip_repeating_key_blocks).
  ws.secure_prng(false);
  set_handshake_timeout(ws, config.handshake_timeout);
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
    request.set(beast::http::field::user_agent, "wsprobe-beast-echo-client");
  }));
}

// Beast 1.74's secure generator (detail/chacha.hpp) uses ctr_/16 as the ChaCha block counter, so
// each 16-word block comes out 16 times in a row: Sec-WebSocket-Key values (4 words each) recur
// across connections, against RFC 6455 §4.1 ("selected randomly for each connection"), and
// `wsprobe test-client` fails the client for it. Drawing 16 blocks before each handshake moves the
// generator to a block counter no earlier key was drawn with.
void skip_repeating_key_blocks() {
  auto generate = websocket::detail::make_prng(true);
  for (int i = 0; i < 16 * 16; ++i) generate();
}

// Opening handshake, then echo (or record the first message and close) until the server closes.
template <typename NextLayer>
asio::awaitable<void> talk(websocket::stream<NextLayer>& ws, const net::ws_url& url, bool echo,
                           const client_config& config, connection_report& report) {
  skip_repeating_key_blocks();
  websocket::response_type response;
  co_await ws.async_handshake(response, url.host_header(), url.target, asio::use_awaitable);
  // Beast 1.74 lets a 101 through that selects a subprotocol or an extension the request did not
  // offer (we offer none); RFC 6455 §4.1 says the client MUST fail the connection: close TCP.
  for (const auto field :
       {beast::http::field::sec_websocket_protocol, beast::http::field::sec_websocket_extensions}) {
    if (response.count(field) != 0) {
      report.detail = "the server selected " + std::string(response[field]) + ", never offered";
      beast::get_lowest_layer(ws).close();
      co_return;
    }
  }
  report.opened = true;
  set_handshake_timeout(ws, config.close_timeout);
  beast::flat_buffer buffer;
  for (;;) {
    co_await ws.async_read(buffer, asio::use_awaitable);
    if (!echo) {
      if (ws.got_text()) report.texts.push_back(beast::buffers_to_string(buffer.data()));
      co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
      report.clean_close = true;
      if (ws.reason().code != websocket::close_code::none) {
        report.server_close_code = static_cast<std::uint16_t>(ws.reason().code);
      }
      co_return;
    }
    ws.text(ws.got_text());
    co_await ws.async_write(buffer.data(), asio::use_awaitable);
    buffer.consume(buffer.size());
  }
}

template <typename NextLayer>
asio::awaitable<void> talk_and_report(websocket::stream<NextLayer>& ws, const net::ws_url& url,
                                      bool echo, const client_config& config,
                                      connection_report& report) {
  // The websocket timeouts take over from the TCP layer's (Beast wants one or the other).
  beast::get_lowest_layer(ws).expires_never();
  try {
    co_await talk(ws, url, echo, config, report);
  } catch (const boost::system::system_error& e) {
    if (e.code() == websocket::error::closed) {
      // The server closed with a close frame, which Beast answered and tore down.
      report.clean_close = true;
      if (ws.reason().code != websocket::close_code::none) {
        report.server_close_code = static_cast<std::uint16_t>(ws.reason().code);
      }
    } else {
      // A protocol violation (Beast sent the close it calls for), a refused handshake, a reset.
      report.detail = e.code().message();
    }
  }
}

asio::awaitable<connection_report> run_connection(net::ws_url url, bool echo,
                                                  const client_config& config,
                                                  std::shared_ptr<asio::ssl::context> tls) {
  const auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream tcp_layer(executor);
  try {
    const auto endpoints =
        co_await resolver.async_resolve(url.host, std::to_string(url.port), asio::use_awaitable);
    tcp_layer.expires_after(config.handshake_timeout);
    co_await tcp_layer.async_connect(endpoints, asio::use_awaitable);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot connect to " + url.authority() + ": " + e.code().message());
  }
  tcp_layer.socket().set_option(tcp::no_delay(true));

  connection_report report;
  if (!url.secure) {
    websocket::stream<beast::tcp_stream> ws(std::move(tcp_layer));
    configure(ws, config);
    co_await talk_and_report(ws, url, echo, config, report);
    co_return report;
  }

  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(std::move(tcp_layer), *tls);
  SSL* handle = ws.next_layer().native_handle();
  boost::system::error_code not_ip;
  const auto address = asio::ip::make_address(url.host, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(handle, url.host.c_str());
  // Check that the certificate names the host we meant, as an IP or a DNS name (RFC 6125).
  X509_VERIFY_PARAM* param = SSL_get0_param(handle);
  if (!not_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(param, address.to_string().c_str());
  } else {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size());
  }
  try {
    beast::get_lowest_layer(ws).expires_after(config.handshake_timeout);
    co_await ws.next_layer().async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("TLS handshake with " + url.authority() +
                             " failed: " + e.code().message());
  }
  configure(ws, config);
  co_await talk_and_report(ws, url, echo, config, report);
  co_return report;
}

}  // namespace

int run_beast_echo_client(const client_config& config) {
  if (!config.faults.empty()) {
    throw std::runtime_error("--fault is for our own client only (--impl wsprobe)");
  }
  std::shared_ptr<asio::ssl::context> tls;
  if (config.url.rfind("wss://", 0) == 0) tls = net::make_client_tls_context(config.tls);
  return run_testee(config, [&config, tls](net::ws_url url, bool echo) {
    return run_connection(std::move(url), echo, config, tls);
  });
}

}  // namespace wsprobe::reference
