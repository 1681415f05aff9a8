// What the load generator puts in each message, and how it checks an echo, sans I/O.
//
// The first 16 bytes (the stamp) carry the message's sequence number on its connection and its
// intended send time, 7 bits per byte so that text messages stay ASCII: bytes 0-6 hold 49 bits of
// sequence number, bytes 7-15 63 bits of nanoseconds since the run's epoch. The rest of the
// payload is either a pattern derived from the sequence number (so that any changed, dropped or
// shifted byte is seen) or the content of --payload-file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace wsprobe::load {

inline constexpr std::size_t stamp_size = 16;

struct stamp {
  std::uint64_t seq = 0;      // < 2^49
  std::uint64_t sent_ns = 0;  // intended send time, ns since the run's epoch, < 2^63
};

void write_stamp(std::uint8_t* out, const stamp& s);
// nullopt when a byte has its top bit set (not something we wrote).
std::optional<stamp> read_stamp(std::span<const std::uint8_t> in);

// How payloads are made: size (fixed or uniform in [min_size, max_size], chosen from the sequence
// number so that the receiver knows the size to expect) and body (pattern or fixed bytes).
struct payload_spec {
  std::size_t min_size = 64;
  std::size_t max_size = 64;
  bool text = false;                // pattern bytes kept in 0x20..0x7E
  std::vector<std::uint8_t> fixed;  // --payload-file: used as the whole payload (stamp over it)
};

// The size of message `seq` (fixed.size() when fixed is set).
std::size_t payload_size(const payload_spec& spec, std::uint64_t seq);

// Writes message `seq`'s full payload (size payload_size(spec, seq)) into `out`.
void fill_payload(const payload_spec& spec, const stamp& s, std::uint8_t* out);

// True when `payload` is exactly what fill_payload wrote for the stamp it carries (size, and
// every byte after the stamp).
bool check_payload(const payload_spec& spec, std::uint64_t seq,
                   std::span<const std::uint8_t> payload);

}  // namespace wsprobe::load
