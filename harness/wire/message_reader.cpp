#include "harness/wire/message_reader.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace wsprobe::wire {

message_reader::message_reader(decoder_options frame_options, message_rules rules)
    : decoder_(frame_options), rules_(rules) {}

void message_reader::feed(std::span<const std::uint8_t> bytes) {
  if (failed_) return;
  // Drop what was decoded already, then keep the rest contiguous for the decoder.
  if (input_pos_ == input_.size()) {
    input_.clear();
    input_pos_ = 0;
  } else if (input_pos_ > 4096 && input_pos_ * 2 > input_.size()) {
    input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(input_pos_));
    input_pos_ = 0;
  }
  input_.insert(input_.end(), bytes.begin(), bytes.end());
}

bool message_reader::next(message_event& out) {
  if (ready_.empty()) drain();
  if (ready_.empty()) return false;
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

void message_reader::fail(std::string reason, std::uint16_t code) {
  message_event e;
  e.type = message_event::kind::error;
  e.error.reason = std::move(reason);
  e.error.close_code = code;
  ready_.push_back(std::move(e));
  failed_ = true;
}

namespace {
// Text is checked as UTF-8 unless it is compressed (RSV1, RFC 7692): the bytes on the wire are
// deflate data then, and the caller checks the inflated text.
bool checks_utf8(const message_rules& rules, std::uint8_t op, bool rsv1) {
  return rules.validate_utf8 && op == opcode::text && !rsv1;
}

std::string utf8_error(const utf8_validator& v) {
  return "invalid UTF-8 in text message at byte " + std::to_string(v.error_offset());
}
}  // namespace

void message_reader::drain() {
  while (!failed_) {
    std::size_t consumed = 0;
    auto in = std::span<std::uint8_t>(input_).subspan(input_pos_);
    const auto ev = decoder_.next(in, consumed);
    input_pos_ += consumed;
    const frame_header& h = decoder_.header();
    switch (ev.kind) {
      case frame_decoder::event_kind::need_more:
        return;

      case frame_decoder::event_kind::error:
        fail(decoder_.error().reason, decoder_.error().close_code);
        return;

      case frame_decoder::event_kind::header:
        if (is_control(h.opcode)) {
          control_.clear();
          break;
        }
        if (h.opcode == opcode::continuation) {
          if (!message_open_) {
            if (rules_.reject_orphan_continuation) {
              fail("continuation frame with no message open", close_code::protocol_error);
              return;
            }
            // Tolerated on purpose (fault injection): the orphan starts a binary message.
            message_open_ = true;
            message_opcode_ = opcode::binary;
            message_rsv1_ = false;
            message_frames_ = 0;
            message_.clear();
            utf8_.reset();
          }
          ++message_frames_;
        } else {
          if (message_open_ && rules_.reject_interleaved_message) {
            fail(std::string(opcode_name(h.opcode)) +
                     " frame while a fragmented message is still open",
                 close_code::protocol_error);
            return;
          }
          message_open_ = true;
          message_opcode_ = h.opcode;
          message_rsv1_ = h.rsv1;
          message_frames_ = 1;
          message_.clear();
          utf8_.reset();
        }
        if (h.payload_length >
            rules_.max_message_size -
                std::min<std::uint64_t>(message_.size(), rules_.max_message_size)) {
          fail("message of more than " + std::to_string(rules_.max_message_size) + " bytes",
               close_code::too_big);
          return;
        }
        break;

      case frame_decoder::event_kind::payload:
        if (is_control(h.opcode)) {
          control_.insert(control_.end(), ev.payload.begin(), ev.payload.end());
          break;
        }
        message_.insert(message_.end(), ev.payload.begin(), ev.payload.end());
        if (rules_.utf8_fail_fast && checks_utf8(rules_, message_opcode_, message_rsv1_) &&
            !utf8_.feed(ev.payload)) {
          fail(utf8_error(utf8_), close_code::invalid_payload);
          return;
        }
        break;

      case frame_decoder::event_kind::frame_end:
        if (is_control(h.opcode)) {
          message_event e;
          e.opcode = h.opcode;
          e.frames = 1;
          e.rsv1 = h.rsv1;
          e.payload = std::move(control_);
          control_ = {};
          if (h.opcode == opcode::ping) {
            e.type = message_event::kind::ping;
          } else if (h.opcode == opcode::pong) {
            e.type = message_event::kind::pong;
          } else if (h.opcode == opcode::close) {
            e.type = message_event::kind::close;
            auto parsed = parse_close_payload(e.payload);
            const bool utf8_only = parsed.fail_code == close_code::invalid_payload;
            if (!parsed.ok && rules_.check_close_payload && (!utf8_only || rules_.validate_utf8)) {
              fail(parsed.error, parsed.fail_code);
              return;
            }
            e.close = std::move(parsed.payload);
          } else {
            // A reserved control opcode that the decoder was told to let through.
            e.type = message_event::kind::message;
          }
          ready_.push_back(std::move(e));
          break;
        }
        if (!h.fin) break;
        if (checks_utf8(rules_, message_opcode_, message_rsv1_)) {
          if (!rules_.utf8_fail_fast) utf8_.feed(message_);
          if (utf8_.failed()) {
            fail(utf8_error(utf8_), close_code::invalid_payload);
            return;
          }
          if (!utf8_.complete()) {
            fail("text message ends inside a UTF-8 sequence", close_code::invalid_payload);
            return;
          }
        }
        {
          message_event e;
          e.type = message_event::kind::message;
          e.opcode = message_opcode_;
          e.payload = std::move(message_);
          e.frames = message_frames_;
          e.rsv1 = message_rsv1_;
          ready_.push_back(std::move(e));
        }
        message_ = {};
        message_open_ = false;
        break;
    }
  }
}

}  // namespace wsprobe::wire
