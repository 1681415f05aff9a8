#include "harness/wire/frame_encoder.hpp"

#include <algorithm>

#include "harness/wire/mask.hpp"

namespace wsprobe::wire {

namespace {
// Bytes of extended length after the first two header bytes: 0, 2 or 8.
std::size_t extended_length_size(const frame_spec& spec, std::uint64_t length) {
  if (spec.length_msb) return 8;
  switch (spec.form) {
    case length_form::len16:
      return 2;
    case length_form::len64:
      return 8;
    case length_form::minimal:
      break;
  }
  if (length < 126) return 0;
  return length <= 0xFFFF ? 2 : 8;
}
}  // namespace

std::size_t header_size(const frame_spec& spec, std::uint64_t payload_size) {
  const std::uint64_t length = spec.declared_length.value_or(payload_size);
  return 2 + extended_length_size(spec, length) + (spec.mask ? 4 : 0);
}

std::size_t write_header(std::uint8_t* out, const frame_spec& spec, std::uint64_t payload_size) {
  const std::uint64_t length = spec.declared_length.value_or(payload_size);
  out[0] = static_cast<std::uint8_t>((spec.fin ? 0x80 : 0) | (spec.rsv1 ? 0x40 : 0) |
                                     (spec.rsv2 ? 0x20 : 0) | (spec.rsv3 ? 0x10 : 0) |
                                     (spec.opcode & 0x0F));
  const std::uint8_t mask_bit = spec.mask ? 0x80 : 0;
  std::size_t n = 2;
  switch (extended_length_size(spec, length)) {
    case 0:
      out[1] = static_cast<std::uint8_t>(mask_bit | length);
      break;
    case 2:  // a length above 65535 in the 16-bit form keeps its low 16 bits (invalid on purpose)
      out[1] = mask_bit | 126;
      out[2] = static_cast<std::uint8_t>(length >> 8);
      out[3] = static_cast<std::uint8_t>(length);
      n = 4;
      break;
    default: {
      out[1] = mask_bit | 127;
      std::uint64_t v = length;
      if (spec.length_msb) v |= std::uint64_t{1} << 63;
      for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
      n = 10;
      break;
    }
  }
  if (spec.mask) {
    for (std::size_t i = 0; i < 4; ++i) out[n + i] = (*spec.mask)[i];
    n += 4;
  }
  return n;
}

void encode_frame(const frame_spec& spec, std::span<const std::uint8_t> payload,
                  std::vector<std::uint8_t>& out) {
  std::uint8_t header[max_header_size];
  const std::size_t h = write_header(header, spec, payload.size());
  const std::size_t start = out.size();
  out.resize(start + h + payload.size());
  std::copy(header, header + h, out.begin() + static_cast<std::ptrdiff_t>(start));
  std::uint8_t* body = out.data() + start + h;
  if (spec.mask) {
    copy_masked(payload, body, *spec.mask);
  } else if (!payload.empty()) {
    std::copy(payload.begin(), payload.end(), body);
  }
}

std::vector<std::uint8_t> encode_frame(const frame_spec& spec,
                                       std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out;
  encode_frame(spec, payload, out);
  return out;
}

}  // namespace wsprobe::wire
