#include "harness/wire/handshake.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "harness/wire/base64.hpp"
#include "harness/wire/sha1.hpp"

namespace wsprobe::wire {

namespace {
std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

request_validation reject(unsigned status, std::string why) {
  request_validation out;
  out.status = status;
  out.why = std::move(why);
  return out;
}

response_validation fail(response_validation& out, std::string why) {
  out.ok = false;
  out.why = std::move(why);
  return out;
}

std::vector<std::string> offered_subprotocols(const http_request& request) {
  return parse_token_list(request.headers.combined("Sec-WebSocket-Protocol")).tokens;
}
}  // namespace

std::string generate_key() {
  std::array<std::uint8_t, 16> nonce{};
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed to produce a Sec-WebSocket-Key");
  }
  return base64_encode(nonce);
}

std::string compute_accept(std::string_view key) {
  std::string input;
  input.reserve(key.size() + websocket_guid.size());
  input.append(key);
  input.append(websocket_guid);
  const auto digest = sha1(input);
  return base64_encode(digest);
}

http_request make_client_request(std::string_view host_port, std::string_view target,
                                 std::string_view key, const client_options& options) {
  http_request request;
  request.method = "GET";
  request.target = std::string(target);
  request.version = "HTTP/1.1";
  auto& h = request.headers;
  h.add("Host", host_port);
  h.add("Upgrade", "websocket");
  h.add("Connection", "Upgrade");
  h.add("Sec-WebSocket-Key", key);
  h.add("Sec-WebSocket-Version", websocket_version);
  if (!options.subprotocols.empty()) {
    std::string list;
    for (const auto& p : options.subprotocols) {
      if (!list.empty()) list += ", ";
      list += p;
    }
    h.add("Sec-WebSocket-Protocol", list);
  }
  if (!options.extensions.empty()) h.add("Sec-WebSocket-Extensions", options.extensions);
  if (!options.origin.empty()) h.add("Origin", options.origin);
  for (const auto& field : options.extra_headers) h.fields.push_back(field);
  return request;
}

response_validation validate_response(const http_request& request, const http_response& response,
                                      const response_checks& checks) {
  response_validation out;
  const auto& h = response.headers;
  if (checks.require_101 && response.status != 101) {
    return fail(out, "status " + std::to_string(response.status) + ", not 101");
  }
  if (checks.require_http_1_1 && !is_http_version_at_least_1_1(response.version)) {
    return fail(out, "response version " + response.version + " is not HTTP/1.1 or higher");
  }
  if (checks.require_upgrade) {
    if (!h.contains("Upgrade")) return fail(out, "no Upgrade header");
    // §4.1: the value itself, not one token of a list, must match "websocket".
    const auto upgrade = h.combined("Upgrade");
    if (!iequals(trim_ows(upgrade), "websocket")) {
      return fail(out, "Upgrade is \"" + upgrade + "\", not websocket");
    }
  }
  if (checks.require_connection && !has_token(h, "Connection", "upgrade")) {
    return fail(
        out, h.contains("Connection") ? "Connection has no upgrade token" : "no Connection header");
  }
  if (checks.check_accept) {
    const auto accepts = h.count("Sec-WebSocket-Accept");
    if (accepts == 0) return fail(out, "no Sec-WebSocket-Accept header");
    if (accepts > 1) return fail(out, "more than one Sec-WebSocket-Accept header");
    const auto* key = request.headers.find("Sec-WebSocket-Key");
    if (key == nullptr) return fail(out, "the request had no Sec-WebSocket-Key to check against");
    const auto expected = compute_accept(*key);
    if (*h.find("Sec-WebSocket-Accept") != expected) {
      return fail(out, "Sec-WebSocket-Accept is \"" + *h.find("Sec-WebSocket-Accept") +
                           "\", expected \"" + expected + "\"");
    }
  }

  auto extensions = parse_extensions(h);
  if (checks.require_offered_extensions) {
    if (!extensions.ok()) return fail(out, extensions.error);
    const auto offered = parse_extensions(request.headers).offers;
    for (const auto& ext : extensions.offers) {
      const bool was_offered = std::any_of(
          offered.begin(), offered.end(), [&](const auto& o) { return iequals(o.name, ext.name); });
      if (!was_offered) return fail(out, "extension " + ext.name + " was not offered");
    }
  }
  out.agreed.extensions = std::move(extensions.offers);

  const auto protocols = h.count("Sec-WebSocket-Protocol");
  if (protocols > 0) {
    const std::string selected(trim_ows(*h.find("Sec-WebSocket-Protocol")));
    if (checks.require_offered_subprotocol) {
      if (protocols > 1) return fail(out, "more than one Sec-WebSocket-Protocol header");
      if (!is_token(selected)) {
        return fail(out, "Sec-WebSocket-Protocol \"" + selected + "\" is not a single token");
      }
      const auto offered = offered_subprotocols(request);
      if (std::find(offered.begin(), offered.end(), selected) == offered.end()) {
        return fail(out, "subprotocol " + selected + " was not offered");
      }
    }
    out.agreed.subprotocol = selected;
  }
  out.ok = true;
  return out;
}

request_validation validate_request(const http_request& request, const server_options& options) {
  const auto& checks = options.checks;
  const auto& h = request.headers;
  if (checks.require_get && request.method != "GET") {
    return reject(400, "method " + request.method + " is not GET");
  }
  if (checks.require_http_1_1 && !is_http_version_at_least_1_1(request.version)) {
    return reject(400, "version " + request.version + " is not HTTP/1.1 or higher");
  }
  if (checks.require_host) {
    const auto hosts = h.count("Host");
    if (hosts == 0) return reject(400, "no Host header");
    if (hosts > 1) return reject(400, "more than one Host header");
    if (h.find("Host")->empty()) return reject(400, "empty Host header");
  }
  if (checks.require_upgrade && !has_token(h, "Upgrade", "websocket")) {
    return reject(400,
                  h.contains("Upgrade") ? "Upgrade has no websocket token" : "no Upgrade header");
  }
  if (checks.require_connection && !has_token(h, "Connection", "upgrade")) {
    return reject(
        400, h.contains("Connection") ? "Connection has no upgrade token" : "no Connection header");
  }
  if (checks.require_key) {
    const auto keys = h.count("Sec-WebSocket-Key");
    if (keys == 0) return reject(400, "no Sec-WebSocket-Key header");
    if (keys > 1) return reject(400, "more than one Sec-WebSocket-Key header");
    const auto nonce = base64_decode(*h.find("Sec-WebSocket-Key"));
    if (!nonce) return reject(400, "Sec-WebSocket-Key is not base64");
    if (nonce->size() != 16) {
      return reject(
          400, "Sec-WebSocket-Key decodes to " + std::to_string(nonce->size()) + " bytes, not 16");
    }
  }
  if (checks.check_version) {
    const auto versions = h.values("Sec-WebSocket-Version");
    if (versions.empty()) return reject(400, "no Sec-WebSocket-Version header");
    if (versions.size() > 1 || versions.front() != websocket_version) {
      auto out = reject(
          426, "Sec-WebSocket-Version " + h.combined("Sec-WebSocket-Version") + " is not 13");
      out.headers.push_back({"Sec-WebSocket-Version", std::string(websocket_version)});
      return out;
    }
  }

  request_validation out;
  const auto protocol_fields = h.count("Sec-WebSocket-Protocol");
  auto protocols = parse_token_list(h.combined("Sec-WebSocket-Protocol"));
  if (checks.require_valid_lists) {
    if (!protocols.ok()) return reject(400, "Sec-WebSocket-Protocol: " + protocols.error);
    if (protocol_fields > 0 && protocols.tokens.empty()) {
      return reject(400, "Sec-WebSocket-Protocol is empty");
    }
  }
  auto extensions = parse_extensions(h);
  if (checks.require_valid_lists && !extensions.ok()) return reject(400, extensions.error);

  out.accepted.offered_subprotocols = std::move(protocols.tokens);
  out.accepted.extension_offers = std::move(extensions.offers);
  const auto& offered = out.accepted.offered_subprotocols;
  for (const auto& mine : options.subprotocols) {
    if (std::find(offered.begin(), offered.end(), mine) != offered.end()) {
      out.accepted.subprotocol = mine;
      break;
    }
  }
  out.ok = true;
  out.status = 101;
  return out;
}

http_response make_accept_response(const http_request& request, const accepted_request& accepted,
                                   const accept_options& options) {
  http_response response;
  response.version = "HTTP/1.1";
  response.status = 101;
  response.reason = std::string(status_reason(101));
  const auto* key = request.headers.find("Sec-WebSocket-Key");
  const std::string key_text = key != nullptr ? *key : std::string();
  // A wrong answer that still looks right: the accept value of a different key.
  const auto accept =
      options.corrupt_accept ? compute_accept(key_text + "x") : compute_accept(key_text);
  auto& h = response.headers;
  h.add("Upgrade", "websocket");
  h.add("Connection", "Upgrade");
  h.add("Sec-WebSocket-Accept", accept);
  if (accepted.subprotocol) h.add("Sec-WebSocket-Protocol", *accepted.subprotocol);
  if (!options.extensions.empty()) h.add("Sec-WebSocket-Extensions", options.extensions);
  for (const auto& field : options.extra_headers) h.fields.push_back(field);
  return response;
}

http_response make_reject_response(unsigned status, std::string_view reason,
                                   const std::vector<http_header>& extra_headers) {
  http_response response;
  response.version = "HTTP/1.1";
  response.status = status;
  response.reason = std::string(reason.empty() ? status_reason(status) : reason);
  response.headers.add("Connection", "close");
  response.headers.add("Content-Length", "0");
  for (const auto& field : extra_headers) response.headers.fields.push_back(field);
  return response;
}

}  // namespace wsprobe::wire
