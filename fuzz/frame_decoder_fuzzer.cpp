// Fuzzes frame_decoder. Input: a flags byte (role, relaxed rules, limits), a byte seeding the
// chunk sizes (0 = all at once), then the wire bytes. Crashes when an invariant breaks: bytes
// consumed, header bytes that re-encode differently, payload not unmasked correctly, payload
// count not matching the header, a strict rule let through, an error without reason or code.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "harness/wire/frame_decoder.hpp"
#include "harness/wire/frame_encoder.hpp"

namespace {
using namespace wsprobe::wire;

void check(bool ok) {
  if (!ok) std::abort();
}

// Re-encodes a decoded header with the same length form and compares it with the wire bytes.
void check_header_bytes(const frame_header& h, const std::uint8_t* wire) {
  frame_spec spec;
  spec.fin = h.fin;
  spec.rsv1 = h.rsv1;
  spec.rsv2 = h.rsv2;
  spec.rsv3 = h.rsv3;
  spec.opcode = h.opcode;
  if (h.masked) spec.mask = h.key;
  const std::size_t length_bytes = h.header_size - (h.masked ? 4 : 0);
  spec.form = length_bytes == 4    ? length_form::len16
              : length_bytes == 10 ? length_form::len64
                                   : length_form::minimal;
  spec.length_msb = (h.payload_length >> 63) != 0;
  spec.declared_length = h.payload_length & ~(std::uint64_t{1} << 63);
  std::uint8_t out[max_header_size];
  const std::size_t n = write_header(out, spec, 0);
  check(n == h.header_size);
  check(std::memcmp(out, wire, n) == 0);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t flags = data[0];
  std::uint32_t rng = data[1] * 2654435761u + 1;
  const bool whole = data[1] == 0;
  decoder_options o;
  o.local_role = (flags & 1) ? role::client : role::server;
  o.allow_rsv1 = (flags & 2) != 0;
  const bool lax = (flags & 4) != 0;
  if (lax) {
    o.require_mask_direction = o.reject_reserved_opcodes = o.reject_nonminimal_length = false;
    o.reject_long_control = o.reject_fragmented_control = o.reject_length_msb = false;
    o.allow_rsv2 = o.allow_rsv3 = true;
  }
  o.max_frame_payload = (flags & 8) ? (flags >> 4) * 100u : std::uint64_t{1} << 20;

  const std::vector<std::uint8_t> original(data + 2, data + size);
  std::vector<std::uint8_t> buf = original;
  frame_decoder d(o);
  std::size_t pos = 0;          // absolute position in buf
  std::size_t frame_start = 0;  // where the current frame's header began
  std::uint64_t payload_seen = 0;
  bool in_frame = false;

  while (true) {
    std::size_t len = buf.size() - pos;
    if (!whole) {
      rng = rng * 1103515245u + 12345u;
      len = std::min<std::size_t>(len, 1 + (rng >> 16) % 40);
    }
    std::span<std::uint8_t> chunk(buf.data() + pos, len);
    std::size_t at = 0;
    for (;;) {
      std::size_t used = 0;
      const auto ev = d.next(chunk.subspan(at), used);
      check(used <= chunk.size() - at);
      const std::size_t before = pos + at;
      at += used;
      using k = frame_decoder::event_kind;
      if (ev.kind == k::need_more) {
        check(at == chunk.size());
        break;
      }
      if (ev.kind == k::error) {
        check(!d.error().reason.empty());
        const auto code = d.error().close_code;
        check(code == 1002 || code == 1007 || code == 1009);
        check(d.failed());
        std::size_t again = 1;
        check(d.next(chunk.subspan(at), again).kind == k::error && again == 0);
        return 0;
      }
      const frame_header& h = d.header();
      if (ev.kind == k::header) {
        check(!in_frame);
        check(before + used - frame_start == h.header_size);
        check_header_bytes(h, original.data() + frame_start);
        check(h.payload_length <= o.max_frame_payload);
        if (!lax) {
          check(!is_reserved_opcode(h.opcode));
          check(!h.rsv2 && !h.rsv3 && (o.allow_rsv1 || !h.rsv1));
          check(h.masked == (o.local_role == role::server));
          if (is_control(h.opcode)) check(h.fin && h.payload_length <= max_control_payload);
          if (h.header_size - (h.masked ? 4 : 0) == 4) check(h.payload_length >= 126);
          if (h.header_size - (h.masked ? 4 : 0) == 10) check(h.payload_length > 0xFFFF);
        }
        in_frame = true;
        payload_seen = 0;
      } else if (ev.kind == k::payload) {
        check(in_frame && !ev.payload.empty());
        check(ev.payload.data() == buf.data() + before && ev.payload.size() == used);
        for (std::size_t i = 0; i < ev.payload.size(); ++i) {
          const std::uint8_t key = h.masked ? h.key[(payload_seen + i) & 3] : 0;
          check(ev.payload[i] == (original[before + i] ^ key));
        }
        payload_seen += ev.payload.size();
        check(payload_seen <= h.payload_length);
      } else {
        check(in_frame && payload_seen == h.payload_length && used == 0);
        in_frame = false;
        frame_start = before;
      }
    }
    pos += len;
    if (pos == buf.size()) break;
  }
  return 0;
}
