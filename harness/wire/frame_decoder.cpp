#include "harness/wire/frame_decoder.hpp"

#include <algorithm>
#include <string>

#include "harness/wire/close.hpp"
#include "harness/wire/mask.hpp"

namespace wsprobe::wire {

frame_decoder::frame_decoder(decoder_options options) : options_(options) {}

namespace {
std::uint64_t read_be(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}
}  // namespace

frame_decoder::event frame_decoder::next(std::span<std::uint8_t> in, std::size_t& consumed) {
  consumed = 0;
  if (failed_) return {event_kind::error, {}};

  if (pending_end_) {
    pending_end_ = false;
    in_payload_ = false;
    return {event_kind::frame_end, {}};
  }

  if (in_payload_) {
    if (in.empty()) return {event_kind::need_more, {}};
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(in.size(), payload_left_));
    auto piece = in.first(n);
    if (header_.masked) mask_phase_ = apply_mask(piece, header_.key, mask_phase_);
    payload_left_ -= n;
    consumed = n;
    if (payload_left_ == 0) pending_end_ = true;
    return {event_kind::payload, piece};
  }

  // Header: gather bytes into partial_ and check each rule as soon as the bytes it needs are
  // here, so that a bad header fails before its payload (or even its length) arrives.
  auto fail = [&](std::string reason, std::uint16_t code) {
    failed_ = true;
    error_.reason = std::move(reason);
    error_.close_code = code;
    partial_size_ = 0;
    return event{event_kind::error, {}};
  };
  auto take = [&](std::size_t want) {  // tops partial_ up to `want` bytes; true when there
    const std::size_t n = std::min(want - std::min(want, partial_size_), in.size() - consumed);
    std::copy_n(in.data() + consumed, n, partial_ + partial_size_);
    partial_size_ += n;
    consumed += n;
    return partial_size_ >= want;
  };

  if (!take(2)) return {event_kind::need_more, {}};
  const std::uint8_t b0 = partial_[0];
  const std::uint8_t b1 = partial_[1];
  const bool fin = (b0 & 0x80) != 0;
  const std::uint8_t op = b0 & 0x0F;
  const bool masked = (b1 & 0x80) != 0;
  const std::uint8_t len7 = b1 & 0x7F;
  const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  const std::size_t size = 2 + ext + (masked ? 4 : 0);

  // Rules that need only the first two bytes (checked again, harmlessly, while the rest of the
  // header trickles in).
  if ((b0 & 0x40) && !options_.allow_rsv1) {
    return fail("RSV1 set without a negotiated extension", close_code::protocol_error);
  }
  if ((b0 & 0x20) && !options_.allow_rsv2) {
    return fail("RSV2 set without a negotiated extension", close_code::protocol_error);
  }
  if ((b0 & 0x10) && !options_.allow_rsv3) {
    return fail("RSV3 set without a negotiated extension", close_code::protocol_error);
  }
  if (options_.reject_reserved_opcodes && is_reserved_opcode(op)) {
    return fail("reserved opcode " + std::to_string(op), close_code::protocol_error);
  }
  if (options_.reject_fragmented_control && is_control(op) && !fin) {
    return fail(
        std::string("fragmented control frame (") + std::string(opcode_name(op)) + " without FIN)",
        close_code::protocol_error);
  }
  if (options_.require_mask_direction) {
    if (options_.local_role == role::server && !masked) {
      return fail("unmasked frame from a client", close_code::protocol_error);
    }
    if (options_.local_role == role::client && masked) {
      return fail("masked frame from a server", close_code::protocol_error);
    }
  }
  if (options_.reject_long_control && is_control(op) && len7 > max_control_payload) {
    return fail(std::string(opcode_name(op)) + " frame with a payload over 125 bytes",
                close_code::protocol_error);
  }

  // Rules on the extended length.
  if (!take(2 + ext)) return {event_kind::need_more, {}};
  std::uint64_t length = ext == 0 ? len7 : read_be(partial_ + 2, ext);
  if (ext == 2 && options_.reject_nonminimal_length && length < 126) {
    return fail("16-bit length " + std::to_string(length) + " fits in 7 bits (not minimal)",
                close_code::protocol_error);
  }
  if (ext == 8) {
    if (options_.reject_length_msb && (length >> 63) != 0) {
      return fail("64-bit length with the most significant bit set", close_code::protocol_error);
    }
    if (options_.reject_nonminimal_length && length <= 0xFFFF) {
      return fail("64-bit length " + std::to_string(length) + " fits in 16 bits (not minimal)",
                  close_code::protocol_error);
    }
  }
  if (length > options_.max_frame_payload) {
    return fail("frame payload of " + std::to_string(length) + " bytes exceeds the limit of " +
                    std::to_string(options_.max_frame_payload),
                close_code::too_big);
  }

  if (!take(size)) return {event_kind::need_more, {}};
  header_ = frame_header{};
  header_.fin = fin;
  header_.rsv1 = (b0 & 0x40) != 0;
  header_.rsv2 = (b0 & 0x20) != 0;
  header_.rsv3 = (b0 & 0x10) != 0;
  header_.opcode = op;
  header_.masked = masked;
  if (masked) std::copy_n(partial_ + 2 + ext, 4, header_.key.begin());
  header_.payload_length = length;
  header_.header_size = static_cast<std::uint8_t>(size);
  partial_size_ = 0;
  payload_left_ = length;
  mask_phase_ = 0;
  in_payload_ = true;
  pending_end_ = length == 0;
  return {event_kind::header, {}};
}

}  // namespace wsprobe::wire
