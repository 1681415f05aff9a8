#include "harness/run/wirelog.hpp"

#include <limits>
#include <utility>

namespace wsprobe::run {

void wirelog_recorder::add(report::wirelog_entry entry) {
  if (head_.size() < head_limit_) {
    head_.push_back(std::move(entry));
    return;
  }
  tail_.push_back(std::move(entry));
  if (tail_.size() > tail_limit_) {
    tail_.pop_front();
    ++dropped_;
  }
}

std::vector<report::wirelog_entry> wirelog_recorder::take(std::uint64_t& dropped) {
  std::vector<report::wirelog_entry> out = std::move(head_);
  for (auto& e : tail_) out.push_back(std::move(e));
  dropped = dropped_;
  head_.clear();
  tail_.clear();
  dropped_ = 0;
  return out;
}

wire::decoder_options lenient_decoder_options() {
  wire::decoder_options o;
  o.max_frame_payload = std::numeric_limits<std::uint64_t>::max();
  o.allow_rsv1 = o.allow_rsv2 = o.allow_rsv3 = true;
  o.require_mask_direction = false;
  o.reject_reserved_opcodes = false;
  o.reject_nonminimal_length = false;
  o.reject_long_control = false;
  o.reject_fragmented_control = false;
  o.reject_length_msb = false;
  return o;
}

frame_logger::frame_logger(wirelog_recorder& log, report::wirelog_entry::direction dir)
    : log_(log), dir_(dir), decoder_(lenient_decoder_options()) {}

void frame_logger::raw(std::span<const std::uint8_t> bytes, std::int64_t t_us) {
  if (bytes.empty()) return;
  if (in_frame_) end_frame();
  broken_ = true;
  report::wirelog_entry e;
  e.t_us = t_us;
  e.dir = dir_;
  e.what = report::wirelog_entry::kind::raw;
  e.data = report::digest_bytes(bytes);
  log_.add(std::move(e));
}

void frame_logger::end_frame() {
  const wire::frame_header& h = decoder_.header();
  report::wirelog_entry e;
  e.t_us = frame_start_us_;
  e.dir = dir_;
  e.what = report::wirelog_entry::kind::frame;
  e.frame =
      report::frame_fields{h.fin, h.rsv1, h.rsv2, h.rsv3, h.opcode, h.masked, h.payload_length};
  e.data = frame_bytes_.finish();
  log_.add(std::move(e));
  in_frame_ = false;
}

void frame_logger::feed(std::span<const std::uint8_t> bytes, std::int64_t t_us) {
  if (broken_) {
    raw(bytes, t_us);
    return;
  }
  // The decoder unmasks in place; the log wants the bytes as they were on the wire.
  scratch_.assign(bytes.begin(), bytes.end());
  std::size_t pos = 0;
  // Until need_more: a frame_end can follow the last byte with nothing left to consume.
  for (;;) {
    std::size_t consumed = 0;
    const auto ev = decoder_.next(std::span<std::uint8_t>(scratch_).subspan(pos), consumed);
    const auto original = bytes.subspan(pos, consumed);
    if (ev.kind == wire::frame_decoder::event_kind::error) {
      raw(bytes.subspan(pos), t_us);
      return;
    }
    if (!in_frame_ && consumed > 0) {
      in_frame_ = true;
      frame_start_us_ = t_us;
    }
    frame_bytes_.update(original);
    pos += consumed;
    if (ev.kind == wire::frame_decoder::event_kind::frame_end) end_frame();
    if (ev.kind == wire::frame_decoder::event_kind::need_more) break;
  }
}

}  // namespace wsprobe::run
