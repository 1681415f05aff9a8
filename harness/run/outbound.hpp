// What the client side of a case sends: steps turned into bytes (frames masked as the case says),
// and a record of what those bytes mean for the peer (data messages, pings, our close) kept in
// the observation, so that `echo` outcomes and the close verdict know what was sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "harness/cases/case.hpp"
#include "harness/run/observation.hpp"
#include "harness/wire/frame_decoder.hpp"

namespace wsprobe::run {

// Bytes to write in one go (or in `chunk`-byte pieces).
struct outgoing {
  // The steps these bytes come from, in order, for the wire log: size and whether it is send_raw
  // (logged as raw bytes). Several when steps with "flush": false were held for this write.
  struct piece {
    std::size_t size = 0;
    bool raw = false;
  };
  std::vector<std::uint8_t> bytes;
  std::size_t chunk = 0;
  bool raw = false;           // send_raw: logged as raw bytes (when `pieces` is empty)
  std::vector<piece> pieces;  // empty: one piece, all of `bytes`, `raw` as above

  // `pieces`, or the one piece all of `bytes` make.
  std::vector<piece> log_pieces() const;
};

// `held` written in front of `next` in one write (`next`'s chunk applies): "flush": false.
outgoing join(outgoing held, outgoing next);

class outbound {
 public:
  explicit outbound(observation& o);

  // As the server (cases against clients): "auto" masks nothing and our own replies are
  // unmasked (RFC 6455 §5.1). Call before the first frame.
  void act_as_server() { server_ = true; }

  outgoing frame(const cases::send_frame_step& s);
  outgoing message(const cases::send_message_step& s);
  outgoing close(const cases::send_close_step& s);
  outgoing raw(const cases::send_raw_step& s);
  // Our own replies and finish: masked with a fresh key, as RFC 6455 §5.3 requires.
  outgoing pong(std::span<const std::uint8_t> payload);
  outgoing close_frame(std::optional<std::uint16_t> code, std::string_view reason = {});

 private:
  // Follows the bytes as the peer will decode them (leniently) and records what they are.
  // `close_counts`: a close frame among them is our side of the closing handshake.
  void track(std::span<const std::uint8_t> bytes, bool close_counts);
  std::optional<wire::masking_key> key_for(const cases::mask_spec& m);

  observation& o_;
  bool server_ = false;
  wire::frame_decoder decoder_;
  std::vector<std::uint8_t> scratch_;
  bool message_open_ = false;
  std::uint8_t message_opcode_ = 0;
  std::vector<std::uint8_t> message_;
  std::vector<std::uint8_t> control_;
};

}  // namespace wsprobe::run
