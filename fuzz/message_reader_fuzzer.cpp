// Fuzzes message_reader. Input: a flags byte (bit 0 picks the role: client or server; the others
// switch rules), a byte seeding the chunk sizes, then the wire bytes. The same bytes are read
// twice, in random chunks and all at once; the two event sequences must be identical, and every
// event must respect the rules in force.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "harness/wire/message_reader.hpp"

namespace {
using namespace wsprobe::wire;

void check(bool ok) {
  if (!ok) std::abort();
}

bool same(const message_event& a, const message_event& b) {
  return a.type == b.type && a.opcode == b.opcode && a.payload == b.payload &&
         a.frames == b.frames && a.rsv1 == b.rsv1 && a.close.code == b.close.code &&
         a.close.reason == b.close.reason && a.error.reason == b.error.reason &&
         a.error.close_code == b.error.close_code;
}

std::vector<message_event> read(message_reader& r, const std::uint8_t* data, std::size_t size,
                                std::uint32_t seed) {
  std::vector<message_event> events;
  std::size_t pos = 0;
  do {
    std::size_t len = size - pos;
    if (seed != 0) {
      seed = seed * 1103515245u + 12345u;
      len = std::min<std::size_t>(len, (seed >> 16) % 48);  // empty pieces too
    }
    r.feed({data + pos, len});
    pos += len;
    message_event e;
    while (r.next(e)) {
      check(events.empty() || events.back().type != message_event::kind::error);
      events.push_back(std::move(e));
    }
  } while (pos < size);
  return events;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t flags = data[0];
  decoder_options o;
  o.local_role = (flags & 1) ? role::client : role::server;
  o.allow_rsv1 = (flags & 2) != 0;
  o.max_frame_payload = (flags & 4) ? 64 : std::uint64_t{1} << 20;
  message_rules rules;
  rules.utf8_fail_fast = (flags & 8) == 0;
  rules.validate_utf8 = (flags & 16) == 0;
  rules.max_message_size = (flags & 32) ? 100 : std::uint64_t{1} << 20;
  if (flags & 64) {
    rules.reject_orphan_continuation = rules.reject_interleaved_message = false;
    rules.check_close_payload = false;
  }

  message_reader chunked(o, rules);
  const auto a = read(chunked, data + 2, size - 2, data[1] * 2654435761u + 1);
  message_reader whole(o, rules);
  const auto b = read(whole, data + 2, size - 2, 0);
  check(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) check(same(a[i], b[i]));

  for (const auto& e : a) {
    switch (e.type) {
      case message_event::kind::message:
        check(e.payload.size() <= rules.max_message_size);
        if (rules.validate_utf8 && e.opcode == opcode::text && !e.rsv1) {
          check(is_valid_utf8(e.payload));
        }
        break;
      case message_event::kind::ping:
      case message_event::kind::pong:
        check(e.payload.size() <= max_control_payload);
        break;
      case message_event::kind::close:
        check(e.payload.size() <= max_control_payload);
        if (rules.check_close_payload) {
          check(e.payload.size() != 1);
          check(!e.close.code || is_valid_close_code(*e.close.code));
        }
        break;
      case message_event::kind::error:
        check(!e.error.reason.empty());
        check(e.error.close_code == 1002 || e.error.close_code == 1007 ||
              e.error.close_code == 1009);
        check(chunked.failed());
        break;
    }
  }
  return 0;
}
