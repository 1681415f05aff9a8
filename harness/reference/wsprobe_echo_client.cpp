// The I/O driver of our own reference echo client: opens a TCP (or TLS) connection and moves bytes
// between it and a client_session. Protocol decisions are the session's; this file only adds what
// needs a clock or a socket: the handshake deadline and the wait for the server to close TCP.
#include <boost/system/system_error.hpp>

#include <array>
#include <memory>

#include "harness/net/connect.hpp"
#include "harness/net/deadline.hpp"
#include "harness/reference/client_config.hpp"
#include "harness/reference/client_faults.hpp"
#include "harness/reference/client_session.hpp"
#include "harness/reference/client_testee.hpp"

namespace wsprobe::reference {

namespace {

namespace asio = boost::asio;
constexpr std::size_t read_buffer_size = 16 * 1024;

// Reads once; false on EOF. Other failures throw.
net::awaitable<bool> read_into(net::byte_stream& stream, std::span<std::uint8_t> buffer,
                               std::size_t& n) {
  try {
    n = co_await stream.read_some(buffer);
    co_return true;
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::eof) throw;
  }
  co_return false;
}

net::awaitable<connection_report> run_connection(net::ws_url url, bool echo,
                                                 const client_config& config,
                                                 client_fault_set faults) {
  net::connect_options connect;
  connect.timeout = config.handshake_timeout;
  connect.tls = config.tls;
  auto stream = co_await net::connect(url, connect);  // throws: no connection at all

  client_session_options options;
  options.faults = faults;
  options.echo = echo;
  options.max_message_size = config.max_message_size;
  client_session session(url.host_header(), url.target, options);

  connection_report report;
  std::array<std::uint8_t, read_buffer_size> buffer;
  try {
    co_await stream->write(session.take_output());
    net::deadline handshake(stream->get_executor());
    handshake.arm(*stream, config.handshake_timeout);
    while (session.wants_input()) {
      std::size_t n = 0;
      if (co_await read_into(*stream, buffer, n)) {
        session.receive(std::span(buffer).first(n));
      } else {
        session.receive_eof();
      }
      if (session.current_state() != client_session::state::handshake) handshake.disarm();
      // Record mode: one message is all /getCaseCount has to say.
      if (!echo && session.current_state() == client_session::state::open &&
          !session.received_messages().empty()) {
        session.client_close();
      }
      if (session.has_output()) co_await stream->write(session.take_output());
    }
    if (session.awaiting_server_close()) {
      // §7.1.1: the server closes TCP first; we close it ourselves only after the timeout.
      net::deadline wait(stream->get_executor());
      wait.arm(*stream, config.close_timeout);
      std::size_t n = 0;
      try {
        while (co_await read_into(*stream, buffer, n)) {
        }
      } catch (const std::exception&) {
        if (!wait.fired()) throw;
        report.detail = "the server did not close TCP within the close timeout";
      }
      wait.disarm();
    }
  } catch (const std::exception& e) {
    report.detail = e.what();  // reset, timeout, TLS error after the connection was made
  }
  stream->close();

  report.opened = session.opened();
  report.clean_close = session.close_exchanged() && session.failure().empty();
  if (session.server_close()) report.server_close_code = session.server_close()->code;
  if (!session.failure().empty()) report.detail = session.failure();
  for (const auto& [opcode, payload] : session.received_messages()) {
    if (opcode == wire::opcode::text) report.texts.emplace_back(payload.begin(), payload.end());
  }
  co_return report;
}

}  // namespace

int run_wsprobe_echo_client(const client_config& config) {
  const auto faults = parse_client_faults(config.faults);  // unknown fault: throws first
  return run_testee(config, [&config, faults](net::ws_url url, bool echo) {
    return run_connection(std::move(url), echo, config, faults);
  });
}

}  // namespace wsprobe::reference
