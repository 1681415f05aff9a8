// The wire log of one case: every frame (or raw write, or HTTP head) in both directions with its
// time, bounded so that a case sending thousands of frames keeps a readable report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "harness/report/result.hpp"
#include "harness/wire/frame_decoder.hpp"

namespace wsprobe::run {

// Keeps the first `head` entries and the last `tail`; counts the ones dropped in between.
class wirelog_recorder {
 public:
  explicit wirelog_recorder(std::size_t head = 400, std::size_t tail = 100)
      : head_limit_(head), tail_limit_(tail) {}

  void add(report::wirelog_entry entry);
  // The entries in order; `dropped` gets how many were left out.
  std::vector<report::wirelog_entry> take(std::uint64_t& dropped);

 private:
  std::size_t head_limit_;
  std::size_t tail_limit_;
  std::vector<report::wirelog_entry> head_;
  std::deque<report::wirelog_entry> tail_;
  std::uint64_t dropped_ = 0;
};

// Splits one direction's byte stream into frames for the log, whatever they contain (every
// decoder rule is off: the log shows what was sent, valid or not). Bytes it cannot frame any
// more are logged as raw.
class frame_logger {
 public:
  frame_logger(wirelog_recorder& log, report::wirelog_entry::direction dir);

  void feed(std::span<const std::uint8_t> bytes, std::int64_t t_us);
  // Logs `bytes` as one raw entry (and stops framing: they may have cut a frame anywhere).
  void raw(std::span<const std::uint8_t> bytes, std::int64_t t_us);

 private:
  void end_frame();

  wirelog_recorder& log_;
  report::wirelog_entry::direction dir_;
  wire::frame_decoder decoder_;
  report::byte_digester frame_bytes_;
  std::int64_t frame_start_us_ = 0;
  bool in_frame_ = false;
  bool broken_ = false;  // framing lost: everything from here on is raw
  std::vector<std::uint8_t> scratch_;
};

// Decoder options with every rule off, for logs and for following what we send ourselves.
wire::decoder_options lenient_decoder_options();

}  // namespace wsprobe::run
