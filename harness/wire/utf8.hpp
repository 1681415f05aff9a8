// Incremental UTF-8 validation (RFC 3629) for text messages and close reasons, with fail-fast
// reporting: the offset of the first byte after which no continuation can make the text valid.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace wsprobe::wire {

class utf8_validator {
 public:
  // Validates the next piece of the text. Returns false as soon as the text can no longer be
  // valid (for instance a continuation byte after ASCII, or the start of an overlong form).
  bool feed(std::span<const std::uint8_t> bytes);
  bool feed(std::string_view text);
  // True when no error was seen and the text does not stop in the middle of a code point.
  bool complete() const { return !failed_ && state_ == 0; }
  bool failed() const { return failed_; }
  // Offset, counted from the first byte fed since reset(), of the byte that made the text
  // invalid. Meaningful only when failed().
  std::uint64_t error_offset() const { return error_offset_; }
  std::uint64_t bytes_seen() const { return seen_; }
  void reset() { *this = utf8_validator{}; }

 private:
  std::uint32_t state_ = 0;  // DFA state; 0 = between code points
  bool failed_ = false;
  std::uint64_t error_offset_ = 0;
  std::uint64_t seen_ = 0;
};

bool is_valid_utf8(std::span<const std::uint8_t> bytes);
bool is_valid_utf8(std::string_view text);

}  // namespace wsprobe::wire
