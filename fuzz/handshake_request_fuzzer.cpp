// Server side of the opening handshake: the request head parser and validate_request, as a
// server meets them. The first input byte sets the size of the pieces the rest is fed in (TCP
// segmentation); every piece size must give the same result as feeding the whole. Whatever is
// parsed must survive serialize → parse unchanged, and whatever is accepted must produce a 101
// that a strict client accepts.
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

template <class Parser>
parse_status feed_in_pieces(Parser& parser, std::string_view bytes, std::size_t piece,
                            std::size_t& consumed) {
  consumed = 0;
  auto status = parse_status::need_more;
  while (status == parse_status::need_more && consumed < bytes.size()) {
    std::size_t used = 0;
    status = parser.feed(bytes.substr(consumed, piece), used);
    require(used <= piece);
    consumed += used;
  }
  return status;
}

template <class Parser, class Message>
void require_round_trip(const Message& message) {
  Parser again(1 << 20);
  const auto bytes = serialize(message);
  std::size_t used = 0;
  require(again.feed(bytes, used) == parse_status::done);
  require(used == bytes.size());
  require(again.message() == message);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = data[0] == 0 ? size : data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  request_parser whole(4096);
  std::size_t whole_used = 0;
  const auto whole_status = whole.feed(input, whole_used);
  request_parser pieces(4096);
  std::size_t pieces_used = 0;
  const auto pieces_status = feed_in_pieces(pieces, input, piece, pieces_used);
  require(whole_status == pieces_status);
  require(whole.error() == pieces.error());
  require(whole_used <= input.size());
  if (whole_status != parse_status::done) return 0;
  require(whole_used == pieces_used);
  require(whole.message() == pieces.message());

  const auto& request = whole.message();
  require_round_trip<request_parser>(request);

  server_options options;
  options.subprotocols = {"chat", "superchat"};
  const auto verdict = validate_request(request, options);
  if (verdict.ok) {
    const auto response = make_accept_response(request, verdict.accepted);
    require_round_trip<response_parser>(response);
    // What a strict server accepts, a strict client must accept the answer to.
    const auto check = validate_response(request, response);
    require(check.ok);
    require(check.agreed.subprotocol == verdict.accepted.subprotocol);
  } else {
    require(verdict.status == 400 || verdict.status == 426);
    require(!verdict.why.empty());
    require_round_trip<response_parser>(
        make_reject_response(verdict.status, verdict.why, verdict.headers));
  }
  return 0;
}
