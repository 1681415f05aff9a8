// Incremental, allocation-free frame decoder (RFC 6455 §5.2). It reports each frame as a header
// event, any number of payload events (unmasked in place, as bytes arrive, so that text can be
// validated before the frame is complete) and a frame-end event. Every rule it enforces can be
// relaxed one by one: extensions relax the RSV bits, fault-injected peers relax the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "harness/wire/frame.hpp"

namespace wsprobe::wire {

// A protocol violation: a sentence for people and the close code it calls for (1002, 1007,
// 1009 …, RFC 6455 §7.4.1).
struct decode_error {
  std::string reason;
  std::uint16_t close_code = 0;
};

struct decoder_options {
  // Our side of the connection: a server reads masked frames, a client unmasked ones.
  role local_role = role::server;
  // Frames whose declared payload is larger fail with 1009 as soon as the header is read.
  std::uint64_t max_frame_payload = std::uint64_t{64} << 20;
  // RSV bits an extension has negotiated (permessage-deflate allows rsv1).
  bool allow_rsv1 = false;
  bool allow_rsv2 = false;
  bool allow_rsv3 = false;
  // Strict rules; each is on by default and switched off only on purpose.
  bool require_mask_direction = true;  // client frames masked, server frames not (§5.1)
  bool reject_reserved_opcodes = true;
  bool reject_nonminimal_length = true;   // §5.2: "the minimal number of bytes MUST be used"
  bool reject_long_control = true;        // control payload > 125 (§5.5)
  bool reject_fragmented_control = true;  // control frame without FIN (§5.5)
  bool reject_length_msb = true;          // 64-bit length with the MSB set (§5.2)
};

class frame_decoder {
 public:
  enum class event_kind { need_more, header, payload, frame_end, error };

  struct event {
    event_kind kind = event_kind::need_more;
    // For payload: the unmasked bytes, a view into the caller's buffer.
    std::span<const std::uint8_t> payload;
  };

  explicit frame_decoder(decoder_options options = {});

  // Decodes from the front of `in`, unmasking payload bytes in place, and returns one event.
  // `consumed` is set to how many bytes of `in` that event used; call again with the rest.
  // need_more means every byte of `in` was consumed (a partial header is kept inside).
  // After an error every call returns the same error.
  event next(std::span<std::uint8_t> in, std::size_t& consumed);

  // The header of the frame being decoded (valid from its header event to its frame_end).
  const frame_header& header() const { return header_; }
  const decode_error& error() const { return error_; }
  bool failed() const { return failed_; }
  const decoder_options& options() const { return options_; }
  decoder_options& options() { return options_; }

 private:
  decoder_options options_;
  frame_header header_;
  std::uint8_t partial_[14] = {};
  std::size_t partial_size_ = 0;
  std::uint64_t payload_left_ = 0;
  std::size_t mask_phase_ = 0;
  bool in_payload_ = false;
  bool pending_end_ = false;
  bool failed_ = false;
  decode_error error_;
};

}  // namespace wsprobe::wire
