// Client side of the opening handshake: the response head parser and validate_response against a
// fixed request, as our client runner meets a server's answer. The first input byte sets the
// size of the pieces the rest is fed in. Pieces must not change the result, parsed heads must
// survive serialize → parse, relaxing a check must never turn an accepted response into a
// rejected one, and negotiated extensions must survive serialize → parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head_parser.hpp"

namespace {
using namespace wsprobe::wire;

void require(bool condition) {
  if (!condition) std::abort();
}

const http_request& fixed_request() {
  static const http_request request = [] {
    client_options options;
    options.subprotocols = {"chat", "superchat"};
    options.extensions = "permessage-deflate; client_max_window_bits, x-foo";
    return make_client_request("127.0.0.1:9001", "/", "dGhlIHNhbXBsZSBub25jZQ==", options);
  }();
  return request;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = data[0] == 0 ? size : data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  response_parser whole(4096);
  std::size_t whole_used = 0;
  const auto whole_status = whole.feed(input, whole_used);
  response_parser pieces(4096);
  std::size_t pieces_used = 0;
  auto pieces_status = parse_status::need_more;
  while (pieces_status == parse_status::need_more && pieces_used < input.size()) {
    std::size_t used = 0;
    pieces_status = pieces.feed(input.substr(pieces_used, piece), used);
    require(used <= piece);
    pieces_used += used;
  }
  require(whole_status == pieces_status);
  require(whole.error() == pieces.error());
  if (whole_status != parse_status::done) return 0;
  require(whole_used == pieces_used);
  require(whole.message() == pieces.message());

  const auto& response = whole.message();
  {
    response_parser again(1 << 20);
    const auto bytes = serialize(response);
    std::size_t used = 0;
    require(again.feed(bytes, used) == parse_status::done);
    require(again.message() == response);
  }

  const auto strict = validate_response(fixed_request(), response);
  require(strict.ok == strict.why.empty());
  // Each relaxation alone: never stricter than all checks on.
  for (int which = 0; which < 7; ++which) {
    response_checks checks;
    bool* flags[] = {&checks.require_101,
                     &checks.require_http_1_1,
                     &checks.require_upgrade,
                     &checks.require_connection,
                     &checks.check_accept,
                     &checks.require_offered_subprotocol,
                     &checks.require_offered_extensions};
    *flags[which] = false;
    const auto relaxed = validate_response(fixed_request(), response, checks);
    if (strict.ok) require(relaxed.ok);
  }
  if (strict.ok) {
    const auto& agreed = strict.agreed.extensions;
    const auto again = parse_extensions(serialize_extensions(agreed));
    require(agreed.empty() ? !again.ok() : again.ok() && again.offers == agreed);
  }
  return 0;
}
