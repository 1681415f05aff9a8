// Incremental HTTP/1.1 head parser (RFC 7230 §3). Feed it bytes as they arrive; it stops at the
// empty line that ends the head and says how many bytes it took, so whatever follows the head
// (a body, or the first WebSocket frames) stays with the caller. It is strict: every line must end
// in CRLF, obs-fold (§3.2.4), whitespace before a colon, control characters and malformed start
// lines are errors with a reason, which a server answers with 400.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "harness/wire/http_head.hpp"

namespace wsprobe::wire {

inline constexpr std::size_t default_max_head_size = 16 * 1024;

enum class parse_status { need_more, done, error };

// Message is http_request or http_response (both instantiated in http_head_parser.cpp).
template <class Message>
class basic_head_parser {
 public:
  // Heads longer than `max_head_size` bytes (start line to the final CRLF, inclusive) are errors.
  explicit basic_head_parser(std::size_t max_head_size = default_max_head_size);

  // Parses from the front of `bytes`. `consumed` is set to how many of them belong to the head:
  // all of them on need_more, up to and including the final CRLF on done, and those examined
  // before the fault on error. Once done or failed, every later call returns the same status and
  // consumes nothing.
  parse_status feed(std::string_view bytes, std::size_t& consumed);

  // The head parsed so far (complete once feed returned done).
  const Message& message() const { return message_; }
  Message& message() { return message_; }
  // Why parsing failed; empty unless feed returned error.
  const std::string& error() const { return error_; }
  // Bytes of head taken so far.
  std::size_t head_size() const { return head_size_; }
  // Forgets everything, ready for another head.
  void reset();

 private:
  bool take_line(std::string_view line);  // one line without its CRLF; false on error
  bool fail(std::string reason);

  std::size_t max_head_size_;
  std::size_t head_size_ = 0;
  std::string line_;  // the current line, until its LF arrives
  bool seen_start_line_ = false;
  parse_status status_ = parse_status::need_more;
  std::string error_;
  Message message_;
};

using request_parser = basic_head_parser<http_request>;
using response_parser = basic_head_parser<http_response>;

}  // namespace wsprobe::wire
