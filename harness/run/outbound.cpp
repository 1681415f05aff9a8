#include "harness/run/outbound.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "harness/run/wirelog.hpp"
#include "harness/wire/close.hpp"
#include "harness/wire/frame_encoder.hpp"

namespace wsprobe::run {

namespace {

wire::masking_key random_key() {
  wire::masking_key key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("random generator failed");
  }
  return key;
}

}  // namespace

std::vector<outgoing::piece> outgoing::log_pieces() const {
  if (!pieces.empty()) return pieces;
  return {piece{bytes.size(), raw}};
}

outgoing join(outgoing held, outgoing next) {
  outgoing out;
  out.pieces = held.log_pieces();
  for (const outgoing::piece& p : next.log_pieces()) out.pieces.push_back(p);
  out.bytes = std::move(held.bytes);
  out.bytes.insert(out.bytes.end(), next.bytes.begin(), next.bytes.end());
  out.chunk = next.chunk;
  return out;
}

outbound::outbound(observation& o) : o_(o), decoder_(lenient_decoder_options()) {}

std::optional<wire::masking_key> outbound::key_for(const cases::mask_spec& m) {
  switch (m.mode) {
    case cases::mask_mode::auto_:
      if (server_) return std::nullopt;
      return random_key();
    case cases::mask_mode::random:
      return random_key();
    case cases::mask_mode::none:
      return std::nullopt;
    case cases::mask_mode::fixed:
      return m.key;
  }
  return std::nullopt;
}

outgoing outbound::frame(const cases::send_frame_step& s) {
  wire::frame_spec spec;
  spec.fin = s.fin;
  spec.rsv1 = s.rsv1;
  spec.rsv2 = s.rsv2;
  spec.rsv3 = s.rsv3;
  spec.opcode = s.opcode;
  spec.mask = key_for(s.mask);
  spec.form = s.length_form;
  spec.declared_length = s.declared_length;
  spec.length_msb = s.length_msb;
  outgoing out;
  out.chunk = s.chunk;
  wire::encode_frame(spec, s.payload.bytes(), out.bytes);
  track(out.bytes, false);
  return out;
}

outgoing outbound::message(const cases::send_message_step& s) {
  const std::vector<std::uint8_t> payload = s.payload.bytes();
  const std::vector<std::uint64_t> sizes = s.frame_sizes();
  outgoing out;
  out.chunk = s.chunk;
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    wire::frame_spec spec;
    spec.opcode = i == 0 ? s.opcode : wire::opcode::continuation;
    spec.fin = i + 1 == sizes.size();
    spec.mask = key_for(s.mask);
    const std::uint64_t n = std::min<std::uint64_t>(sizes[i], payload.size() - offset);
    wire::encode_frame(spec, std::span(payload).subspan(offset, n), out.bytes);
    offset += n;
  }
  track(out.bytes, false);
  return out;
}

outgoing outbound::close(const cases::send_close_step& s) {
  wire::frame_spec spec;
  spec.opcode = wire::opcode::close;
  spec.mask = key_for(s.mask);
  outgoing out;
  out.chunk = s.chunk;
  wire::encode_frame(spec, s.close_payload(), out.bytes);
  track(out.bytes, true);
  return out;
}

outgoing outbound::raw(const cases::send_raw_step& s) {
  outgoing out;
  out.chunk = s.chunk;
  out.raw = true;
  out.bytes = s.payload.bytes();
  track(out.bytes, false);
  return out;
}

outgoing outbound::pong(std::span<const std::uint8_t> payload) {
  wire::frame_spec spec;
  spec.opcode = wire::opcode::pong;
  if (!server_) spec.mask = random_key();
  outgoing out;
  wire::encode_frame(spec, payload, out.bytes);
  track(out.bytes, false);
  return out;
}

outgoing outbound::close_frame(std::optional<std::uint16_t> code, std::string_view reason) {
  wire::frame_spec spec;
  spec.opcode = wire::opcode::close;
  if (!server_) spec.mask = random_key();
  outgoing out;
  wire::encode_frame(spec, wire::build_close_payload(code, reason), out.bytes);
  track(out.bytes, true);
  return out;
}

void outbound::track(std::span<const std::uint8_t> bytes, bool close_counts) {
  scratch_.assign(bytes.begin(), bytes.end());
  std::size_t pos = 0;
  using kind = wire::frame_decoder::event_kind;
  // Until need_more: a frame_end can follow the last byte with nothing left to consume.
  while (!decoder_.failed()) {
    std::size_t consumed = 0;
    const auto ev = decoder_.next(std::span<std::uint8_t>(scratch_).subspan(pos), consumed);
    pos += consumed;
    const wire::frame_header& h = decoder_.header();
    if (ev.kind == kind::need_more || ev.kind == kind::error) break;
    if (ev.kind == kind::header) {
      if (h.opcode == wire::opcode::text || h.opcode == wire::opcode::binary) {
        message_open_ = true;
        message_opcode_ = h.opcode;
        message_.clear();
      }
      control_.clear();
    } else if (ev.kind == kind::payload) {
      if (wire::is_control(h.opcode)) {
        control_.insert(control_.end(), ev.payload.begin(), ev.payload.end());
      } else if (message_open_ &&
                 (h.opcode == wire::opcode::text || h.opcode == wire::opcode::binary ||
                  h.opcode == wire::opcode::continuation)) {
        message_.insert(message_.end(), ev.payload.begin(), ev.payload.end());
      }
    } else if (ev.kind == kind::frame_end) {
      if (h.opcode == wire::opcode::ping) {
        ++o_.pings_sent;
      } else if (h.opcode == wire::opcode::close) {
        // Any close frame we send starts (or answers) the closing handshake, whatever its
        // payload: too long, 1 byte, an invalid code or reason (Autobahn counts closedByMe so,
        // 7.3.6, 7.5.1, 7.9.x). Only a frame the peer cannot take for a close frame at all
        // (unmasked, RSV bits, not FIN, non-minimal length) is a probe it must fail on,
        // unless it came from send_close.
        const std::size_t length_bytes = h.payload_length <= 125      ? 0
                                         : h.payload_length <= 0xFFFF ? 2
                                                                      : 8;
        const bool well_formed = h.masked != server_ && !h.rsv1 && !h.rsv2 && !h.rsv3 && h.fin &&
                                 h.header_size == 2 + length_bytes + (server_ ? 0 : 4);
        if ((close_counts || well_formed) && !o_.close_sent) {
          o_.close_sent = true;
          if (o_.initiator == close_initiator::none) o_.initiator = close_initiator::us;
          if (control_.size() >= 2) {
            o_.sent_close_code = static_cast<std::uint16_t>(control_[0] << 8 | control_[1]);
          }
        }
      } else if (!wire::is_control(h.opcode) && h.fin && message_open_ &&
                 (h.opcode == wire::opcode::text || h.opcode == wire::opcode::binary ||
                  h.opcode == wire::opcode::continuation)) {
        o_.sent.push_back({message_opcode_, std::move(message_)});
        message_.clear();
        message_open_ = false;
      }
    }
  }
}

}  // namespace wsprobe::run
