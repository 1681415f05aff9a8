// What the client side of a case does with the peer's bytes, sans I/O: reassemble messages
// (strictly, as a client: RFC 6455 §5.1 server frames unmasked, §5.2 RSV, §8.1 UTF-8 …),
// record messages and pongs, answer pings with pongs and a close with a close, and note the
// first protocol violation. The caller writes the replies it hands back.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "harness/run/observation.hpp"
#include "harness/run/outbound.hpp"
#include "harness/wire/message_reader.hpp"

namespace wsprobe::run {

class inbound {
 public:
  inbound(observation& o, outbound& out, std::uint64_t max_message_size);

  // Processes bytes from the peer; replies (pongs, a close) are appended to `replies`.
  void feed(std::span<const std::uint8_t> bytes, std::int64_t t_us, std::vector<outgoing>& replies);

  // The peer violated the protocol: we have queued a close and must drop the connection.
  bool failed() const { return failed_; }

 private:
  void violation(const std::string& why, std::uint16_t code, std::int64_t t_us,
                 std::vector<outgoing>& replies);

  observation& o_;
  outbound& out_;
  wire::message_reader reader_;
  bool failed_ = false;
};

}  // namespace wsprobe::run
