// Conn (DESIGN.md §1): a byte_stream with deadlines, chunked raw writes and an input buffer, for
// runners that send exactly the bytes a case says and read whatever the peer answers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "harness/net/byte_stream.hpp"
#include "harness/net/deadline.hpp"

namespace wsprobe::net {

enum class read_status {
  ok,       // bytes arrived
  timeout,  // the deadline passed with nothing read
  eof,      // the peer closed its sending side (TCP FIN / TLS close)
  error,    // reset or another transport error; see read_result::error
};

// "ok", "timeout", "eof", "error".
const char* to_string(read_status status);

struct read_result {
  read_status status = read_status::ok;
  std::vector<std::uint8_t> bytes;  // what arrived (status ok only)
  std::string error;                // for status error: what failed
};

struct http_head_result {
  read_status status = read_status::ok;
  std::string head;   // the head up to and including the blank line (status ok only)
  std::string error;  // for status error: what failed (also "HTTP head larger than N bytes")
};

class conn {
 public:
  using duration = std::chrono::steady_clock::duration;

  explicit conn(std::unique_ptr<byte_stream> stream);

  byte_stream& stream() { return *stream_; }
  std::string describe() const { return stream_->describe(); }

  // Writes `bytes` as given. chunk_size 0 writes them whole; otherwise one write per chunk of
  // chunk_size bytes (1 sends byte by byte), waiting `gap` between chunks so that they leave as
  // separate segments. Throws on a transport error.
  awaitable<void> write(std::span<const std::uint8_t> bytes, std::size_t chunk_size = 0,
                        duration gap = duration::zero());

  // Returns buffered bytes first; otherwise waits up to `timeout` for at most max_bytes.
  // Never throws for timeout, eof or a transport error: they come back as read_status.
  awaitable<read_result> read(duration timeout, std::size_t max_bytes = 64 * 1024);

  // Reads until "\r\n\r\n" ends an HTTP head (RFC 9112 §2.1) or `timeout` passes in total.
  // Bytes after the head stay buffered for the next read(). A head larger than max_head_size is
  // an error result.
  awaitable<http_head_result> read_http_head(duration timeout,
                                             std::size_t max_head_size = 16 * 1024);

  // Bytes read from the stream but not yet handed out.
  const std::vector<std::uint8_t>& buffered() const { return buffer_; }
  // Hands out the buffered bytes and empties the buffer.
  std::vector<std::uint8_t> take_buffered();

  // TCP half-close; errors are ignored (the peer may already be gone).
  awaitable<void> shutdown_send();
  void close() { stream_->close(); }

 private:
  std::unique_ptr<byte_stream> stream_;
  std::vector<std::uint8_t> buffer_;
};

}  // namespace wsprobe::net
