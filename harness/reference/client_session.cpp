#include "harness/reference/client_session.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <string_view>
#include <utility>

#include "harness/wire/frame_encoder.hpp"
#include "harness/wire/http_head.hpp"

namespace wsprobe::reference {

namespace {

// Keys drawn per RAND_bytes call: 256 frames' worth.
constexpr std::size_t mask_pool_size = 4 * 256;

// The key the fixed-mask fault uses on every frame: non-zero, so only its repetition is wrong.
constexpr wire::masking_key fixed_fault_key = {0x37, 0xFA, 0x21, 0x3D};

wire::decoder_options frame_options(const client_session_options& o) {
  wire::decoder_options d;
  d.local_role = wire::role::client;
  // One frame can never be larger than the largest message: refuse it from its header.
  d.max_frame_payload = o.max_message_size;
  d.require_mask_direction = !o.faults.has(client_fault::accept_masked_frames);
  return d;
}

wire::message_rules reader_rules(const client_session_options& o) {
  wire::message_rules r;
  r.max_message_size = o.max_message_size;
  r.validate_utf8 = !o.faults.has(client_fault::no_utf8_check);
  return r;
}

wire::response_checks handshake_checks(const client_fault_set& faults) {
  wire::response_checks c;
  c.check_accept = !faults.has(client_fault::no_accept_check);
  c.require_offered_subprotocol = !faults.has(client_fault::accept_unoffered_subprotocol);
  return c;
}

}  // namespace

wire::masking_key random_mask_source::operator()() {
  if (used_ + 4 > pool_.size()) {
    pool_.resize(mask_pool_size);
    if (RAND_bytes(pool_.data(), static_cast<int>(pool_.size())) != 1) {
      throw std::runtime_error("RAND_bytes failed to produce masking keys");
    }
    used_ = 0;
  }
  wire::masking_key key{};
  for (auto& b : key) b = pool_[used_++];
  return key;
}

client_session::client_session(std::string host, std::string target, client_session_options options)
    : options_(std::move(options)),
      head_parser_(options_.max_response_head),
      reader_(frame_options(options_), reader_rules(options_)) {
  const std::string key = options_.key.empty() ? wire::generate_key() : options_.key;
  request_ = wire::make_client_request(host, target, key, options_.request);
  const auto text = wire::serialize(request_);
  output_.assign(text.begin(), text.end());
}

void client_session::receive(std::span<const std::uint8_t> bytes) {
  if (state_ == state::handshake) {
    receive_handshake(bytes);
  } else if (state_ == state::open || state_ == state::closing) {
    receive_frames(bytes);
  }
  // closed / done: discarded.
}

void client_session::receive_eof() {
  if (state_ == state::handshake) {
    failure_ = "the server closed the connection before answering the handshake";
  } else if (state_ == state::open || state_ == state::closing) {
    if (failure_.empty()) failure_ = "the server closed TCP without a closing handshake";
  }
  state_ = state::done;
}

void client_session::client_close(std::uint16_t code) {
  if (state_ != state::open) return;
  send_frame(wire::opcode::close, wire::build_close_payload(code));
  close_sent_ = true;
  state_ = state::closing;
}

std::vector<std::uint8_t> client_session::take_output() {
  return std::exchange(output_, {});
}

void client_session::receive_handshake(std::span<const std::uint8_t> bytes) {
  std::size_t consumed = 0;
  const auto status = head_parser_.feed(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), consumed);
  if (status == wire::parse_status::need_more) return;
  if (status == wire::parse_status::error) {
    failure_ = "bad response head: " + head_parser_.error();
    state_ = state::done;
    return;
  }
  const auto validation =
      wire::validate_response(request_, head_parser_.message(), handshake_checks(options_.faults));
  if (!validation.ok) {
    // §4.1: _Fail the WebSocket Connection_; no frame may be sent before it is open.
    failure_ = "handshake refused: " + validation.why;
    state_ = state::done;
    return;
  }
  opened_ = true;
  state_ = state::open;
  // The server may send its first frames right behind the 101.
  if (consumed < bytes.size()) receive_frames(bytes.subspan(consumed));
}

void client_session::receive_frames(std::span<const std::uint8_t> bytes) {
  reader_.feed(bytes);
  wire::message_event event;
  while ((state_ == state::open || state_ == state::closing) && reader_.next(event)) {
    handle(event);
  }
}

void client_session::handle(wire::message_event& event) {
  using kind = wire::message_event::kind;
  switch (event.type) {
    case kind::error:
      fail(event.error.reason, event.error.close_code);
      return;
    case kind::message:
      // After our close, data is no longer answered (§5.5.1).
      if (state_ != state::open) return;
      if (options_.echo) {
        send_frame(event.opcode, event.payload);
      } else {
        received_.emplace_back(event.opcode, std::move(event.payload));
      }
      return;
    case kind::ping:
      if (state_ != state::open || options_.faults.has(client_fault::no_pong)) return;
      send_frame(wire::opcode::pong, event.payload);
      return;
    case kind::pong:
      return;  // unsolicited pongs are ignored (§5.5.3)
    case kind::close:
      handle_close(event);
      return;
  }
}

void client_session::handle_close(const wire::message_event& event) {
  close_received_ = true;
  server_close_ = event.close;
  if (!close_sent_) {
    // Echo the code only (the reason is ours to choose, §5.5.1); an empty close for an empty one.
    const auto& payload = event.payload;
    send_frame(wire::opcode::close,
               std::span<const std::uint8_t>(payload).first(payload.size() >= 2 ? 2 : 0));
    close_sent_ = true;
  }
  state_ = options_.faults.has(client_fault::closes_tcp_first) ? state::done : state::closed;
}

void client_session::fail(std::string reason, std::uint16_t code) {
  failure_ = std::move(reason);
  if (!close_sent_) {
    send_frame(wire::opcode::close, wire::build_close_payload(code));
    close_sent_ = true;
  }
  // §7.1.1: even after a failure the server closes TCP first; the driver times that out.
  state_ = state::closed;
}

void client_session::send_frame(std::uint8_t opcode, std::span<const std::uint8_t> payload) {
  wire::frame_spec spec;
  spec.opcode = opcode;
  if (!options_.faults.has(client_fault::no_mask)) spec.mask = next_key();
  wire::encode_frame(spec, payload, output_);
}

wire::masking_key client_session::next_key() {
  const auto& f = options_.faults;
  if (f.has(client_fault::zero_mask)) return {0, 0, 0, 0};
  if (f.has(client_fault::fixed_mask)) return fixed_fault_key;
  return options_.mask_source ? options_.mask_source() : random_keys_();
}

}  // namespace wsprobe::reference
