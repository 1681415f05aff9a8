#include "harness/run/inbound.hpp"

#include <string>

#include "harness/run/wirelog.hpp"

namespace wsprobe::run {

namespace {

wire::message_reader make_reader(std::uint64_t max_message_size, wire::role local) {
  wire::decoder_options frames;
  frames.local_role = local;  // §5.1: client frames masked, server frames not
  frames.max_frame_payload = max_message_size;
  wire::message_rules rules;
  rules.max_message_size = max_message_size;
  rules.check_close_payload = false;  // parsed here, so that a bad one is still recorded
  return wire::message_reader(frames, rules);
}

}  // namespace

inbound::inbound(observation& o, outbound& out, std::uint64_t max_message_size, wire::role local)
    : o_(o),
      out_(out),
      reader_(make_reader(max_message_size, local)),
      server_(local == wire::role::server),
      keys_(lenient_decoder_options()) {}

void inbound::record_mask_keys(std::span<const std::uint8_t> bytes) {
  scratch_.assign(bytes.begin(), bytes.end());
  std::size_t pos = 0;
  while (!keys_.failed() && pos <= scratch_.size()) {
    std::size_t consumed = 0;
    const auto ev = keys_.next(std::span<std::uint8_t>(scratch_).subspan(pos), consumed);
    pos += consumed;
    using kind = wire::frame_decoder::event_kind;
    if (ev.kind == kind::need_more || ev.kind == kind::error) break;
    if (ev.kind == kind::header) {
      ++o_.client_frames;
      if (!o_.close_sent) o_.client_sent_frames = true;
      if (keys_.header().masked && o_.mask_keys.size() < 64) {
        o_.mask_keys.push_back(keys_.header().key);
      }
    }
  }
}

// A peer that floods must not grow the observation (and the report) without bound: past these
// limits events are only counted. Both are far above what a case expects (1000 messages,
// 64 MiB), so a run that reaches them has more events than expected and fails on that.
constexpr std::size_t max_recorded_events = 10'000;
constexpr std::uint64_t max_recorded_bytes = std::uint64_t{256} << 20;

void inbound::record(received_event e) {
  if (o_.events.size() >= max_recorded_events ||
      recorded_bytes_ + e.payload.size() > max_recorded_bytes) {
    ++o_.events_not_recorded;
    return;
  }
  recorded_bytes_ += e.payload.size();
  o_.events.push_back(std::move(e));
}

void inbound::violation(const std::string& why, std::uint16_t code, std::int64_t t_us,
                        std::vector<outgoing>& replies) {
  if (o_.peer_violation.empty()) o_.peer_violation = why;
  if (failed_) return;
  failed_ = true;
  // We fail the connection (RFC 6455 §7.1.7): a close frame with the code, then drop.
  if (!o_.close_sent) replies.push_back(out_.close_frame(code ? code : 1002));
  (void)t_us;
}

void inbound::feed(std::span<const std::uint8_t> bytes, std::int64_t t_us,
                   std::vector<outgoing>& replies) {
  if (server_) record_mask_keys(bytes);
  if (failed_) return;
  reader_.feed(bytes);
  wire::message_event ev;
  while (!failed_ && reader_.next(ev)) {
    using kind = wire::message_event::kind;
    if (ev.type == kind::error) {
      violation(ev.error.reason, ev.error.close_code, t_us, replies);
      break;
    }
    if (o_.close_received) {
      // RFC 6455 §5.5.1: nothing may follow a close frame.
      violation("frame after the peer's close frame", 1002, t_us, replies);
      break;
    }
    switch (ev.type) {
      case kind::message: {
        received_event e;
        e.what = received_event::kind::message;
        e.opcode = ev.opcode;
        e.payload = std::move(ev.payload);
        e.frames = ev.frames;
        e.t_us = t_us;
        record(std::move(e));
        break;
      }
      case kind::pong: {
        received_event e;
        e.what = received_event::kind::pong;
        e.opcode = wire::opcode::pong;
        e.payload = std::move(ev.payload);
        e.t_us = t_us;
        record(std::move(e));
        break;
      }
      case kind::ping:
        ++o_.pings_received;
        // §5.5.2: answer with a pong of the same payload, unless we already sent our close.
        if (!o_.close_sent) replies.push_back(out_.pong(ev.payload));
        break;
      case kind::close: {
        o_.close_received = true;
        if (o_.initiator == close_initiator::none) o_.initiator = close_initiator::peer;
        if (o_.peer_closed_at_us < 0) o_.peer_closed_at_us = t_us;
        const wire::close_parse_result parsed = wire::parse_close_payload(ev.payload);
        if (parsed.ok) {
          o_.close_code = parsed.payload.code;
          o_.close_reason = parsed.payload.reason;
        } else {
          if (ev.payload.size() >= 2) {
            o_.close_code = static_cast<std::uint16_t>(ev.payload[0] << 8 | ev.payload[1]);
          }
          o_.close_reason.assign(ev.payload.size() > 2 ? ev.payload.begin() + 2 : ev.payload.end(),
                                 ev.payload.end());
          // A close verdict matter, not a case verdict one: the close expectation decides.
          o_.close_payload_error = parsed.error;
          if (!o_.close_sent) replies.push_back(out_.close_frame(parsed.fail_code));
          break;
        }
        // §5.5.1: answer with a close, echoing the code (1000 for an empty close).
        if (!o_.close_sent) {
          replies.push_back(out_.close_frame(parsed.payload.code.value_or(1000)));
        }
        break;
      }
      case kind::error:
        break;
    }
  }
}

}  // namespace wsprobe::run
