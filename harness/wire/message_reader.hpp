// Message-level reading on top of frame_decoder: fragmentation (§5.4), control frames between
// fragments, close payloads (§5.5.1, §7.4), UTF-8 of text messages (§8.1, fail-fast: an invalid
// byte fails the connection when it arrives, not at the end of the message), message size limit.
// Used by the reference peers and the runners; sans-I/O: bytes in, events out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "harness/wire/close.hpp"
#include "harness/wire/frame_decoder.hpp"
#include "harness/wire/utf8.hpp"

namespace wsprobe::wire {

struct message_rules {
  std::uint64_t max_message_size = std::uint64_t{64} << 20;  // larger fails with 1009
  bool validate_utf8 = true;                                 // text messages and close reasons
  bool utf8_fail_fast = true;              // report invalid UTF-8 as soon as it arrives
  bool reject_orphan_continuation = true;  // continuation with no message open
  bool reject_interleaved_message = true;  // new text/binary while a message is open
  bool check_close_payload = true;         // close code and reason rules (§7.4)
};

struct message_event {
  enum class kind { message, ping, pong, close, error };
  kind type = kind::message;
  std::uint8_t opcode = opcode::text;  // message: text or binary (of its first frame)
  std::vector<std::uint8_t> payload;   // message, ping, pong, close (raw close payload)
  std::size_t frames = 0;              // message: how many frames it came in
  bool rsv1 = false;                   // message: RSV1 of its first frame (compressed)
  close_payload close;                 // close: parsed code and reason
  decode_error error;                  // error
};

class message_reader {
 public:
  message_reader(decoder_options frame_options = {}, message_rules rules = {});

  // Hands received bytes to the reader (they are copied as needed).
  void feed(std::span<const std::uint8_t> bytes);
  // Next complete event; false when more bytes are needed. After an error event, no more events.
  bool next(message_event& out);

  bool failed() const { return failed_; }
  bool message_open() const { return message_open_; }
  frame_decoder& decoder() { return decoder_; }
  const message_rules& rules() const { return rules_; }
  message_rules& rules() { return rules_; }

 private:
  void drain();  // decodes buffered bytes into ready_ events
  void fail(std::string reason, std::uint16_t code);

  frame_decoder decoder_;
  message_rules rules_;
  std::vector<std::uint8_t> input_;
  std::size_t input_pos_ = 0;
  std::deque<message_event> ready_;
  // Message being assembled.
  bool message_open_ = false;
  std::uint8_t message_opcode_ = 0;
  bool message_rsv1_ = false;
  std::size_t message_frames_ = 0;
  std::vector<std::uint8_t> message_;
  utf8_validator utf8_;
  // Control frame being assembled.
  std::vector<std::uint8_t> control_;
  bool failed_ = false;
};

}  // namespace wsprobe::wire
