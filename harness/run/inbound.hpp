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
  // `local`: our role; as the server, the peer's frames must be masked (§5.1) and their
  // masking keys are recorded in the observation.
  inbound(observation& o, outbound& out, std::uint64_t max_message_size,
          wire::role local = wire::role::client);

  // Processes bytes from the peer; replies (pongs, a close) are appended to `replies`.
  void feed(std::span<const std::uint8_t> bytes, std::int64_t t_us, std::vector<outgoing>& replies);

  // The peer violated the protocol: we have queued a close and must drop the connection.
  bool failed() const { return failed_; }

 private:
  void record_mask_keys(std::span<const std::uint8_t> bytes);
  void record(received_event e);
  void violation(const std::string& why, std::uint16_t code, std::int64_t t_us,
                 std::vector<outgoing>& replies);

  observation& o_;
  outbound& out_;
  wire::message_reader reader_;
  bool server_ = false;
  wire::frame_decoder keys_;  // lenient, as the server: only to see masking keys
  std::vector<std::uint8_t> scratch_;
  bool failed_ = false;
  std::uint64_t recorded_bytes_ = 0;
};

}  // namespace wsprobe::run
