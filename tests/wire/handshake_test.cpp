// RFC 6455 §4 opening handshake rules (harness/wire/handshake.hpp): keys, the client request,
// server-side validation and responses, client-side validation of the 101.
#include <gtest/gtest.h>

#include <set>
#include <span>
#include <string>
#include <vector>

#include "harness/wire/base64.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head_parser.hpp"
#include "harness/wire/sha1.hpp"

namespace wsprobe::wire {
namespace {

constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3

http_request good_request(client_options options = {}) {
  return make_client_request("server.example.com:8080", "/chat", kKey, options);
}

// --- keys ---------------------------------------------------------------------------------------

TEST(HandshakeKeys, AcceptOfTheRfcExample) {
  // RFC 6455 §1.3 and §4.2.2 item 5.4.
  EXPECT_EQ(compute_accept(kKey), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(HandshakeKeys, GeneratedKeysAre16RandomBytes) {
  std::set<std::string> seen;
  for (int i = 0; i < 32; ++i) {
    const auto key = generate_key();
    EXPECT_EQ(key.size(), 24u);
    const auto nonce = base64_decode(key);
    ASSERT_TRUE(nonce.has_value()) << key;
    EXPECT_EQ(nonce->size(), 16u);
    seen.insert(key);
  }
  EXPECT_EQ(seen.size(), 32u);
}

TEST(HandshakeKeys, Base64IntoABufferMatchesTheString) {
  // Every length up to past the encoder's 48-byte chunks, so that chunk seams are crossed.
  std::vector<std::uint8_t> bytes;
  for (std::size_t n = 0; n <= 100; ++n) {
    const std::string expected = base64_encode(std::span<const std::uint8_t>(bytes));
    std::string got(expected.size() + 2, '#');
    base64_encode_to(bytes, got.data());
    EXPECT_EQ(got.substr(0, expected.size()), expected) << n;
    EXPECT_EQ(got.substr(expected.size()), "##") << "wrote past the text, n = " << n;
    bytes.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

TEST(HandshakeKeys, Base64IsStrict) {
  EXPECT_EQ(base64_encode(std::string_view("")), "");
  EXPECT_EQ(base64_encode(std::string_view("f")), "Zg==");
  EXPECT_EQ(base64_encode(std::string_view("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(base64_decode("Zg==")->size(), 1u);
  EXPECT_EQ(base64_decode("Zm8=")->size(), 2u);
  EXPECT_EQ(base64_decode("Zm9v")->size(), 3u);
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm=v", "Zm9v\n", " Zm9v", "Zm9-", "===="}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
}

TEST(HandshakeKeys, Sha1KnownAnswer) {
  // FIPS 180-2 appendix A.1.
  const auto digest = sha1("abc");
  EXPECT_EQ(base64_encode(digest), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
}

// --- the client request ---------------------------------------------------------------------

TEST(ClientRequest, StandardFieldsInOrder) {
  client_options options;
  options.subprotocols = {"chat", "superchat"};
  options.extensions = "permessage-deflate; client_max_window_bits";
  options.origin = "http://example.com";
  options.extra_headers = {{"X-Test", "1"}};
  const auto request = good_request(options);
  EXPECT_EQ(serialize(request),
            "GET /chat HTTP/1.1\r\n"
            "Host: server.example.com:8080\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: chat, superchat\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            "Origin: http://example.com\r\n"
            "X-Test: 1\r\n"
            "\r\n");
  EXPECT_EQ(serialize(good_request()).find("Sec-WebSocket-Protocol"), std::string::npos);
}

// --- server side ----------------------------------------------------------------------------

void expect_rejected(const http_request& request, unsigned status, std::string_view why_part,
                     const server_options& options = {}) {
  const auto result = validate_request(request, options);
  EXPECT_FALSE(result.ok) << serialize(request);
  EXPECT_EQ(result.status, status) << result.why;
  EXPECT_NE(result.why.find(why_part), std::string::npos) << result.why;
}

TEST(ServerValidation, AcceptsTheStandardRequest) {
  const auto result = validate_request(good_request());
  ASSERT_TRUE(result.ok) << result.why;
  EXPECT_EQ(result.status, 101u);
  EXPECT_FALSE(result.accepted.subprotocol.has_value());
}

TEST(ServerValidation, AcceptsTokensInAnyCaseAndConnectionLists) {
  auto request = good_request();
  request.headers.set("Upgrade", "WebSocket");
  request.headers.set("Connection", "keep-alive, Upgrade");
  request.headers.set("sec-websocket-version", "13");
  EXPECT_TRUE(validate_request(request).ok) << validate_request(request).why;
  request.headers.set("Connection", "UPGRADE");
  request.headers.set("Upgrade", "foo/2, websocket");
  EXPECT_TRUE(validate_request(request).ok) << validate_request(request).why;
  request.version = "HTTP/1.2";  // "HTTP/1.1 or higher" (§4.2.1 item 1)
  EXPECT_TRUE(validate_request(request).ok) << validate_request(request).why;
}

TEST(ServerValidation, RejectsWrongMethodWith400) {
  auto request = good_request();
  request.method = "POST";
  expect_rejected(request, 400, "POST");
}

TEST(ServerValidation, RejectsHttp10With400) {
  auto request = good_request();
  request.version = "HTTP/1.0";
  expect_rejected(request, 400, "HTTP/1.0");
}

TEST(ServerValidation, RejectsMissingOrRepeatedHost) {
  auto request = good_request();
  request.headers.remove("Host");
  expect_rejected(request, 400, "no Host");
  request = good_request();
  request.headers.add("Host", "other.example.com");
  expect_rejected(request, 400, "more than one Host");
  request = good_request();
  request.headers.set("Host", "");
  expect_rejected(request, 400, "empty Host");
}

TEST(ServerValidation, RejectsMissingOrWrongUpgrade) {
  auto request = good_request();
  request.headers.remove("Upgrade");
  expect_rejected(request, 400, "no Upgrade");
  request.headers.add("Upgrade", "h2c");
  expect_rejected(request, 400, "Upgrade has no websocket");
}

TEST(ServerValidation, RejectsConnectionWithoutUpgrade) {
  auto request = good_request();
  request.headers.set("Connection", "keep-alive");
  expect_rejected(request, 400, "Connection has no upgrade");
  request.headers.remove("Connection");
  expect_rejected(request, 400, "no Connection");
}

TEST(ServerValidation, RejectsBadKeys) {
  auto request = good_request();
  request.headers.remove("Sec-WebSocket-Key");
  expect_rejected(request, 400, "no Sec-WebSocket-Key");

  request = good_request();
  request.headers.add("Sec-WebSocket-Key", kKey);
  expect_rejected(request, 400, "more than one Sec-WebSocket-Key");

  request = good_request();
  request.headers.set("Sec-WebSocket-Key", base64_encode(std::string(15, 'k')));
  expect_rejected(request, 400, "15 bytes");
  request.headers.set("Sec-WebSocket-Key", base64_encode(std::string(17, 'k')));
  expect_rejected(request, 400, "17 bytes");
  request.headers.set("Sec-WebSocket-Key", "not base64 at all!!!!!!!");
  expect_rejected(request, 400, "not base64");
  request.headers.set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ");  // padding dropped
  expect_rejected(request, 400, "not base64");
}

TEST(ServerValidation, OtherVersionsGet426WithVersion13) {
  for (const char* version : {"8", "14", "13, 8", "thirteen"}) {
    auto request = good_request();
    request.headers.set("Sec-WebSocket-Version", version);
    const auto result = validate_request(request);
    EXPECT_FALSE(result.ok) << version;
    EXPECT_EQ(result.status, 426u) << version;
    ASSERT_EQ(result.headers.size(), 1u);
    EXPECT_EQ(result.headers[0], (http_header{"Sec-WebSocket-Version", "13"}));

    const auto response = make_reject_response(result.status, {}, result.headers);
    EXPECT_EQ(serialize(response),
              "HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nContent-Length: 0\r\n"
              "Sec-WebSocket-Version: 13\r\n\r\n");
  }
  auto request = good_request();
  request.headers.add("Sec-WebSocket-Version", "13");  // a second field
  expect_rejected(request, 426, "13, 13");
  request.headers.remove("Sec-WebSocket-Version");
  expect_rejected(request, 400, "no Sec-WebSocket-Version");
}

TEST(ServerValidation, RelaxedChecksAcceptWhatTheyRelax) {
  server_options lax;
  lax.checks.check_version = false;
  auto request = good_request();
  request.headers.set("Sec-WebSocket-Version", "8");
  EXPECT_TRUE(validate_request(request, lax).ok);
  request.headers.remove("Sec-WebSocket-Version");
  EXPECT_TRUE(validate_request(request, lax).ok);
  // Relaxing one check leaves the others on.
  request.method = "PUT";
  expect_rejected(request, 400, "PUT", lax);
  lax.checks.require_get = false;
  EXPECT_TRUE(validate_request(request, lax).ok);
}

TEST(ServerValidation, SelectsSubprotocolByServerPreferenceAndParsesOffers) {
  client_options client;
  client.subprotocols = {"chat", "superchat"};
  client.extensions = "permessage-deflate; client_max_window_bits, x-foo";
  server_options server;
  server.subprotocols = {"superchat", "chat"};
  auto result = validate_request(good_request(client), server);
  ASSERT_TRUE(result.ok) << result.why;
  EXPECT_EQ(result.accepted.subprotocol, "superchat");
  EXPECT_EQ(result.accepted.offered_subprotocols, (std::vector<std::string>{"chat", "superchat"}));
  ASSERT_EQ(result.accepted.extension_offers.size(), 2u);
  EXPECT_EQ(result.accepted.extension_offers[0].name, "permessage-deflate");

  server.subprotocols = {"mqtt"};
  result = validate_request(good_request(client), server);
  ASSERT_TRUE(result.ok);
  EXPECT_FALSE(result.accepted.subprotocol.has_value());
  server.subprotocols = {"CHAT"};  // subprotocol names are compared exactly
  EXPECT_FALSE(validate_request(good_request(client), server).accepted.subprotocol.has_value());
}

TEST(ServerValidation, RejectsMalformedLists) {
  auto request = good_request();
  request.headers.add("Sec-WebSocket-Extensions", "permessage-deflate;");
  expect_rejected(request, 400, "Sec-WebSocket-Extensions");
  request = good_request();
  request.headers.add("Sec-WebSocket-Protocol", "chat, super chat");
  expect_rejected(request, 400, "Sec-WebSocket-Protocol");
  request = good_request();
  request.headers.add("Sec-WebSocket-Protocol", "");
  expect_rejected(request, 400, "Sec-WebSocket-Protocol is empty");
}

TEST(ServerResponse, AcceptResponseMatchesTheRfcExample) {
  client_options client;
  client.subprotocols = {"chat", "superchat"};
  server_options server;
  server.subprotocols = {"chat"};
  const auto request = good_request(client);
  const auto result = validate_request(request, server);
  ASSERT_TRUE(result.ok);
  accept_options options;
  options.extensions = "permessage-deflate";
  const auto response = make_accept_response(request, result.accepted, options);
  EXPECT_EQ(serialize(response),
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Sec-WebSocket-Protocol: chat\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate\r\n"
            "\r\n");
}

TEST(ServerResponse, CorruptAcceptIsWellFormedButWrong) {
  const auto request = good_request();
  accept_options options;
  options.corrupt_accept = true;
  const auto response = make_accept_response(request, {}, options);
  const auto* accept = response.headers.find("Sec-WebSocket-Accept");
  ASSERT_NE(accept, nullptr);
  EXPECT_NE(*accept, compute_accept(kKey));
  ASSERT_TRUE(base64_decode(*accept).has_value());
  EXPECT_EQ(base64_decode(*accept)->size(), 20u);
  const auto check = validate_response(request, response);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.why.find("Sec-WebSocket-Accept"), std::string::npos) << check.why;
}

TEST(ServerResponse, RejectResponseUsesGivenOrUsualReason) {
  EXPECT_EQ(serialize(make_reject_response(400)),
            "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(make_reject_response(400, "no Host header").reason, "no Host header");
}

// --- client side ----------------------------------------------------------------------------

http_response good_response(const http_request& request) {
  return make_accept_response(request, {});
}

void expect_failed(const http_request& request, const http_response& response,
                   std::string_view why_part, const response_checks& checks = {}) {
  const auto result = validate_response(request, response, checks);
  EXPECT_FALSE(result.ok) << serialize(response);
  EXPECT_NE(result.why.find(why_part), std::string::npos) << result.why;
}

TEST(ClientValidation, AcceptsTheStandardResponse) {
  const auto request = good_request();
  const auto result = validate_response(request, good_response(request));
  ASSERT_TRUE(result.ok) << result.why;
  EXPECT_FALSE(result.agreed.subprotocol.has_value());
  EXPECT_TRUE(result.agreed.extensions.empty());
}

TEST(ClientValidation, AcceptsTokensInDifferentCase) {
  const auto request = good_request();
  auto response = good_response(request);
  response.headers.set("upgrade", "WEBSOCKET");
  response.headers.set("CONNECTION", "keep-alive, uPgRaDe");
  const auto result = validate_response(request, response);
  EXPECT_TRUE(result.ok) << result.why;
}

TEST(ClientValidation, RejectsWrongOrMissingAccept) {
  const auto request = good_request();
  auto response = good_response(request);
  response.headers.set("Sec-WebSocket-Accept", compute_accept("AAAAAAAAAAAAAAAAAAAAAA=="));
  expect_failed(request, response, "expected \"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\"");
  response.headers.remove("Sec-WebSocket-Accept");
  expect_failed(request, response, "no Sec-WebSocket-Accept");
  response = good_response(request);
  response.headers.add("Sec-WebSocket-Accept", compute_accept(kKey));
  expect_failed(request, response, "more than one Sec-WebSocket-Accept");

  response.headers.set("Sec-WebSocket-Accept", "wrong");
  response_checks lax;  // fault no-accept-check
  lax.check_accept = false;
  EXPECT_TRUE(validate_response(request, response, lax).ok);
}

TEST(ClientValidation, RejectsNon101AndHttp10) {
  const auto request = good_request();
  auto response = good_response(request);
  response.status = 200;
  expect_failed(request, response, "status 200");
  response = good_response(request);
  response.version = "HTTP/1.0";
  expect_failed(request, response, "HTTP/1.0");
}

TEST(ClientValidation, RejectsBadUpgradeOrConnection) {
  const auto request = good_request();
  auto response = good_response(request);
  response.headers.set("Upgrade", "h2c");
  expect_failed(request, response, "not websocket");
  response.headers.remove("Upgrade");
  expect_failed(request, response, "no Upgrade");
  response = good_response(request);
  response.headers.set("Connection", "close");
  expect_failed(request, response, "Connection has no upgrade");
}

TEST(ClientValidation, Subprotocols) {
  client_options client;
  client.subprotocols = {"chat", "superchat"};
  const auto request = good_request(client);
  auto response = good_response(request);
  response.headers.add("Sec-WebSocket-Protocol", "superchat");
  auto result = validate_response(request, response);
  ASSERT_TRUE(result.ok) << result.why;
  EXPECT_EQ(result.agreed.subprotocol, "superchat");

  response.headers.set("Sec-WebSocket-Protocol", "mqtt");
  expect_failed(request, response, "subprotocol mqtt was not offered");
  response.headers.set("Sec-WebSocket-Protocol", "Chat");
  expect_failed(request, response, "was not offered");
  response.headers.set("Sec-WebSocket-Protocol", "chat, superchat");
  expect_failed(request, response, "not a single token");

  response.headers.set("Sec-WebSocket-Protocol", "mqtt");
  response_checks lax;  // fault accept-unoffered-subprotocol
  lax.require_offered_subprotocol = false;
  result = validate_response(request, response, lax);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.agreed.subprotocol, "mqtt");

  // No offer at all: any subprotocol in the answer fails.
  const auto plain = good_request();
  auto answer = good_response(plain);
  answer.headers.add("Sec-WebSocket-Protocol", "chat");
  expect_failed(plain, answer, "was not offered");
}

TEST(ClientValidation, Extensions) {
  client_options client;
  client.extensions = "permessage-deflate; client_max_window_bits";
  const auto request = good_request(client);
  auto response = good_response(request);
  response.headers.add("Sec-WebSocket-Extensions",
                       "Permessage-Deflate; server_max_window_bits=\"10\"");
  auto result = validate_response(request, response);
  ASSERT_TRUE(result.ok) << result.why;
  ASSERT_EQ(result.agreed.extensions.size(), 1u);
  EXPECT_EQ(result.agreed.extensions[0].find("server_max_window_bits")->value, "10");

  response.headers.set("Sec-WebSocket-Extensions", "x-webkit-deflate-frame");
  expect_failed(request, response, "extension x-webkit-deflate-frame was not offered");
  response.headers.set("Sec-WebSocket-Extensions", "permessage-deflate;");
  expect_failed(request, response, "Sec-WebSocket-Extensions");

  const auto plain = good_request();
  auto answer = good_response(plain);
  answer.headers.add("Sec-WebSocket-Extensions", "permessage-deflate");
  expect_failed(plain, answer, "was not offered");
  response_checks lax;
  lax.require_offered_extensions = false;
  EXPECT_TRUE(validate_response(plain, answer, lax).ok);
}

TEST(ClientValidation, ParsedResponseFromTheWire) {
  const auto request = good_request();
  response_parser parser;
  std::size_t used = 0;
  ASSERT_EQ(parser.feed("HTTP/1.1 101 Switching Protocols\r\n"
                        "upgrade: websocket\r\n"
                        "connection: Upgrade\r\n"
                        "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
                        used),
            parse_status::done);
  const auto result = validate_response(request, parser.message());
  EXPECT_TRUE(result.ok) << result.why;
}

}  // namespace
}  // namespace wsprobe::wire
