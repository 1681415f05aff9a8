// Real loopback TLS tests with the generated self-signed certificate (127.0.0.1 only).
#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <filesystem>
#include <fstream>

#include "harness/net/conn.hpp"
#include "harness/net/connect.hpp"
#include "harness/net/listener.hpp"
#include "harness/net/self_signed_certificate.hpp"
#include "harness/net/tls_context.hpp"
#include "harness/net/tls_stream.hpp"
#include "harness/net/transport_error.hpp"
#include "tests/net/run_coroutine.hpp"

namespace wsprobe::net {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::run_coroutine;
using bytes = std::vector<std::uint8_t>;

// Accepts TLS connections and echoes each until it ends; handshake failures are expected in
// the tests where the client refuses our certificate.
awaitable<void> tls_echo(asio::ip::tcp::acceptor& acceptor,
                         std::shared_ptr<asio::ssl::context> context) {
  for (;;) {
    auto socket = co_await acceptor.async_accept(asio::use_awaitable);
    try {
      auto stream = co_await accept_tls(std::move(socket), context);
      std::array<std::uint8_t, 4096> buffer{};
      for (;;) {
        const std::size_t n = co_await stream->read_some(buffer);
        co_await stream->write(std::span(buffer.data(), n));
      }
    } catch (const std::exception&) {
    }
  }
}

struct temp_dir {
  temp_dir() {
    path =
        std::filesystem::temp_directory_path() / ("wsprobe-net-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path / name;
    std::ofstream(file) << text;
    return file.string();
  }
  std::filesystem::path path;
};

// Connects to a TLS echo server using `server_context` with client options `tls` and returns
// what came back for "ping", or throws what connect threw.
bytes tls_round_trip(std::shared_ptr<asio::ssl::context> server_context,
                     const tls_client_options& tls, const std::string& host = "127.0.0.1") {
  return run_coroutine<bytes>([&](asio::io_context& io) -> awaitable<bytes> {
    auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
    asio::co_spawn(io, tls_echo(acceptor, server_context), asio::detached);
    connect_options options;
    options.tls = tls;
    auto url = parse_ws_url("wss://" + host + ":" + std::to_string(bound_port(acceptor)) + "/");
    conn c(co_await connect(url, options));
    EXPECT_EQ(c.describe().rfind("tls 127.0.0.1:", 0), 0u) << c.describe();
    const bytes ping{'p', 'i', 'n', 'g'};  // named: g++ 12 and braced temporaries in co_await
    co_await c.write(ping);
    bytes got;
    while (got.size() < 4) {
      auto r = co_await c.read(5s);
      if (r.status != read_status::ok) break;
      got.insert(got.end(), r.bytes.begin(), r.bytes.end());
    }
    co_return got;
  });
}

// Option builders (designated initializers would trip -Wmissing-field-initializers).
tls_client_options insecure() {
  tls_client_options o;
  o.insecure = true;
  return o;
}
tls_client_options trusting(const std::string& ca_file) {
  tls_client_options o;
  o.ca_file = ca_file;
  return o;
}
tls_server_options files(const std::string& cert, const std::string& key) {
  tls_server_options o;
  o.cert_file = cert;
  o.key_file = key;
  return o;
}

TEST(SelfSignedCertificate, IsPemAndFresh) {
  const auto pair = generate_self_signed_certificate();
  EXPECT_EQ(pair.certificate_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(pair.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_NE(generate_self_signed_certificate().certificate_pem, pair.certificate_pem);
}

TEST(Tls, InsecureClientAcceptsTheGeneratedCertificate) {
  const auto got = tls_round_trip(make_server_tls_context({}), insecure());
  EXPECT_EQ(got, (bytes{'p', 'i', 'n', 'g'}));
}

TEST(Tls, VerifyingClientRejectsTheGeneratedCertificate) {
  try {
    tls_round_trip(make_server_tls_context({}), {});
    ADD_FAILURE() << "a self-signed certificate passed verification against system CAs";
  } catch (const transport_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("TLS handshake failed: certificate verify failed", 0), 0u)
        << e.what();
  }
}

TEST(Tls, CertificateFilesAndCaFileVerifyByIpAndName) {
  temp_dir dir;
  const auto pair = generate_self_signed_certificate();
  const auto cert = dir.write("cert.pem", pair.certificate_pem);
  const auto key = dir.write("key.pem", pair.private_key_pem);
  auto server = make_server_tls_context(files(cert, key));
  EXPECT_EQ(tls_round_trip(server, trusting(cert)), (bytes{'p', 'i', 'n', 'g'}));
  EXPECT_EQ(tls_round_trip(server, trusting(cert), "localhost"), (bytes{'p', 'i', 'n', 'g'}));
}

TEST(Tls, CaFileStillChecksTheHostName) {
  temp_dir dir;
  const auto pair = generate_self_signed_certificate();
  const auto cert = dir.write("cert.pem", pair.certificate_pem);
  const auto key = dir.write("key.pem", pair.private_key_pem);
  auto server = make_server_tls_context(files(cert, key));
  // 127.0.0.2 is loopback too but not in the certificate's subjectAltName.
  try {
    run_coroutine<bool>([&](asio::io_context& io) -> awaitable<bool> {
      auto acceptor = open_listener(io.get_executor(), "127.0.0.2", 0);
      asio::co_spawn(io, tls_echo(acceptor, server), asio::detached);
      connect_options options;
      options.tls.ca_file = cert;
      co_await connect(
          parse_ws_url("wss://127.0.0.2:" + std::to_string(bound_port(acceptor)) + "/"), options);
      co_return true;
    });
    ADD_FAILURE() << "a certificate for 127.0.0.1 was accepted for 127.0.0.2";
  } catch (const transport_error& e) {
    EXPECT_NE(std::string(e.what()).find("IP address mismatch"), std::string::npos) << e.what();
  }
}

TEST(Tls, AlpnIsNegotiated) {
  tls_server_options server_options;
  server_options.alpn = {"h2", "http/1.1"};
  auto server = make_server_tls_context(server_options);
  const auto protocol =
      run_coroutine<std::string>([&](asio::io_context& io) -> awaitable<std::string> {
        auto acceptor = open_listener(io.get_executor(), "127.0.0.1", 0);
        asio::co_spawn(io, tls_echo(acceptor, server), asio::detached);
        connect_options options;
        options.tls = insecure();
        options.tls.alpn = {"h2"};
        auto stream = co_await connect(
            parse_ws_url("wss://127.0.0.1:" + std::to_string(bound_port(acceptor)) + "/"), options);
        co_return dynamic_cast<tls_stream&>(*stream).alpn_protocol();
      });
  EXPECT_EQ(protocol, "h2");
}

void expect_server_context_error(const tls_server_options& options, const std::string& needle) {
  try {
    make_server_tls_context(options);
    ADD_FAILURE() << "accepted";
  } catch (const transport_error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(TlsServerContext, ExplainsBadFiles) {
  temp_dir dir;
  const auto a = generate_self_signed_certificate();
  const auto b = generate_self_signed_certificate();
  const auto cert = dir.write("a.pem", a.certificate_pem);
  const auto other_key = dir.write("b.key", b.private_key_pem);
  const auto junk = dir.write("junk.pem", "not a certificate\n");
  const auto missing = (dir.path / "missing.pem").string();
  expect_server_context_error(files(missing, other_key), "cannot read certificate '" + missing +
                                                             "': No such file or directory");
  expect_server_context_error(files(cert, ""), "needs a key file too (--key)");
  expect_server_context_error(files("", other_key), "needs a certificate file too (--cert)");
  expect_server_context_error(files(junk, other_key), "cannot use certificate '" + junk + "'");
  expect_server_context_error(files(cert, other_key), "mismatch");
}

TEST(TlsClientContext, MissingCaFileSaysSo) {
  EXPECT_THROW(make_client_tls_context(trusting("/nonexistent/ca.pem")), transport_error);
}

}  // namespace
}  // namespace wsprobe::net
