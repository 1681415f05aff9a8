#include "harness/reference/server_session.hpp"

#include <algorithm>
#include <utility>

#include "harness/wire/close.hpp"
#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/handshake.hpp"
#include "harness/wire/http_head.hpp"
#include "harness/wire/utf8.hpp"

namespace wsprobe::reference {

namespace {

wire::decoder_options frame_options(const session_options& o) {
  wire::decoder_options d;
  d.local_role = wire::role::server;
  // One frame can never be larger than the largest message: refuse it from its header.
  d.max_frame_payload = o.max_message_size;
  const auto& f = o.faults;
  d.require_mask_direction = !f.has(fault::accept_unmasked);
  d.allow_rsv1 = d.allow_rsv2 = d.allow_rsv3 = f.has(fault::ignore_rsv);
  d.reject_reserved_opcodes = !f.has(fault::ignore_reserved_opcode);
  d.reject_nonminimal_length = !f.has(fault::nonminimal_length_ok);
  d.reject_long_control = !f.has(fault::long_control_ok);
  d.reject_fragmented_control = !f.has(fault::fragmented_control_ok);
  return d;
}

wire::message_rules reader_rules(const session_options& o) {
  wire::message_rules r;
  r.max_message_size = o.max_message_size;
  const auto& f = o.faults;
  r.validate_utf8 = !f.has(fault::no_utf8_check);
  r.utf8_fail_fast = !f.has(fault::utf8_not_fail_fast);
  r.reject_orphan_continuation = !f.has(fault::orphan_continuation_ok);
  r.reject_interleaved_message = !f.has(fault::interleaved_message_ok);
  // With a close fault the session checks close payloads itself, relaxing one rule.
  r.check_close_payload = !f.has(fault::accept_invalid_close_code) && !f.has(fault::close_len1_ok);
  return r;
}

// Key the mask-server-frames fault masks with: fixed so that tests are reproducible.
constexpr wire::masking_key fault_mask_key = {0x5A, 0xC3, 0x17, 0x9E};

}  // namespace

server_session::server_session(session_options options)
    : options_(std::move(options)),
      head_parser_(options_.max_request_head),
      reader_(frame_options(options_), reader_rules(options_)) {}

void server_session::receive(std::span<const std::uint8_t> bytes) {
  if (state_ == state::handshake) {
    receive_handshake(bytes);
  } else if (state_ == state::open) {
    receive_frames(bytes);
  }
  // closing / closed: discarded.
}

void server_session::receive_eof() {
  // Whatever state we were in, the peer is gone (or half-closed): nothing more can arrive, so
  // the server closes its side too (§7.1.1 "the client closed first" is allowed).
  state_ = state::closed;
}

std::vector<std::uint8_t> server_session::take_output() {
  return std::exchange(output_, {});
}

namespace {
// A reason-phrase may hold only visible characters, spaces and tabs (RFC 7230 §3.1.2); the
// parser's reasons can quote request bytes, so anything else becomes '?'.
std::string reason_phrase(std::string_view prefix, std::string_view why) {
  std::string out(prefix);
  out += why;
  if (out.size() > 200) out.resize(200);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = '?';
  }
  return out;
}
}  // namespace

void server_session::receive_handshake(std::span<const std::uint8_t> bytes) {
  std::size_t consumed = 0;
  const auto status = head_parser_.feed(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), consumed);
  if (status == wire::parse_status::need_more) return;
  if (status == wire::parse_status::error) {
    failure_ = "bad request head: " + head_parser_.error();
    send_http(wire::serialize(
        wire::make_reject_response(400, reason_phrase("Bad Request: ", head_parser_.error()))));
    state_ = state::closed;
    return;
  }

  const wire::http_request& request = head_parser_.message();
  wire::server_options checks;
  checks.checks.check_version = !options_.faults.has(fault::no_version_check);
  const auto validation = wire::validate_request(request, checks);
  if (!validation.ok) {
    failure_ = "handshake refused: " + validation.why;
    const std::string_view prefix =
        validation.status == 426 ? "Upgrade Required: " : "Bad Request: ";
    send_http(wire::serialize(wire::make_reject_response(
        validation.status, reason_phrase(prefix, validation.why), validation.headers)));
    state_ = state::closed;
    return;
  }
  wire::accept_options accept;
  accept.corrupt_accept = options_.faults.has(fault::bad_accept_key);
  send_http(wire::serialize(wire::make_accept_response(request, validation.accepted, accept)));
  state_ = state::open;
  // A client may send its first frames right behind the request.
  if (consumed < bytes.size()) receive_frames(bytes.subspan(consumed));
}

void server_session::receive_frames(std::span<const std::uint8_t> bytes) {
  reader_.feed(bytes);
  wire::message_event event;
  while (state_ == state::open && reader_.next(event)) handle(event);
}

void server_session::handle(wire::message_event& event) {
  using kind = wire::message_event::kind;
  const auto& f = options_.faults;
  switch (event.type) {
    case kind::error:
      fail(event.error.reason, event.error.close_code);
      return;
    case kind::message:
      if (wire::is_reserved_opcode(event.opcode)) return;  // only with ignore-reserved-opcode
      if (event.opcode == wire::opcode::binary && f.has(fault::binary_as_text)) {
        event.opcode = wire::opcode::text;
      }
      send_frame(event.opcode, event.payload);
      return;
    case kind::ping:
      if (f.has(fault::no_pong)) return;
      if (f.has(fault::wrong_pong_payload)) {
        // Different from the ping's payload whatever its size: a byte more, or one flipped.
        if (event.payload.size() < wire::max_control_payload) {
          event.payload.push_back('!');
        } else {
          event.payload[0] ^= 0x01;
        }
      }
      send_frame(wire::opcode::pong, event.payload);
      return;
    case kind::pong:
      return;  // unsolicited pongs are ignored (§5.5.3)
    case kind::close:
      handle_close(event);
      return;
  }
}

void server_session::handle_close(const wire::message_event& event) {
  const auto& f = options_.faults;
  const auto& payload = event.payload;
  if (!reader_.rules().check_close_payload) {
    // A close fault is on: the reader let every payload through, check all but the one rule.
    if (payload.size() == 1 && !f.has(fault::close_len1_ok)) {
      return fail("close payload of 1 byte", wire::close_code::protocol_error);
    }
    if (payload.size() >= 2) {
      const auto code = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
      if (!wire::is_valid_close_code(code) && !f.has(fault::accept_invalid_close_code)) {
        return fail("close code " + std::to_string(code) + " is not allowed on the wire",
                    wire::close_code::protocol_error);
      }
      if (reader_.rules().validate_utf8 &&
          !wire::is_valid_utf8(std::span<const std::uint8_t>(payload).subspan(2))) {
        return fail("invalid UTF-8 in close reason", wire::close_code::invalid_payload);
      }
    }
  }
  if (f.has(fault::no_close_reply)) {
    // Neither reply nor close TCP: wait for the peer to give up.
    state_ = state::closing;
    return;
  }
  // Echo the code (and only the code: the reason is ours to choose, §5.5.1), 1000 for an empty
  // payload. The faulty paths echo exactly what they accepted.
  if (payload.size() == 1) {
    send_frame(wire::opcode::close, payload);
  } else if (payload.size() >= 2) {
    send_frame(wire::opcode::close, std::span<const std::uint8_t>(payload).first(2));
  } else {
    send_frame(wire::opcode::close, wire::build_close_payload(wire::close_code::normal));
  }
  state_ = state::closed;
}

void server_session::fail(std::string reason, std::uint16_t code) {
  failure_ = std::move(reason);
  send_frame(wire::opcode::close, wire::build_close_payload(code));
  state_ = state::closed;
}

void server_session::send_frame(std::uint8_t opcode, std::span<const std::uint8_t> payload) {
  wire::frame_spec spec;
  spec.opcode = opcode;
  if (options_.faults.has(fault::mask_server_frames)) spec.mask = fault_mask_key;
  wire::encode_frame(spec, payload, output_);
}

void server_session::send_http(const std::string& response) {
  output_.insert(output_.end(), response.begin(), response.end());
}

}  // namespace wsprobe::reference
