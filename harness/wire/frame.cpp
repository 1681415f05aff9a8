#include "harness/wire/frame.hpp"

#include <array>

namespace wsprobe::wire {

namespace {
// Indexed by the 4-bit opcode (RFC 6455 §5.2, §11.8).
constexpr std::array<std::string_view, 16> opcode_names = {
    "continuation", "text",        "binary",      "reserved-3", "reserved-4", "reserved-5",
    "reserved-6",   "reserved-7",  "close",       "ping",       "pong",       "reserved-11",
    "reserved-12",  "reserved-13", "reserved-14", "reserved-15"};
}  // namespace

std::string_view opcode_name(std::uint8_t op) {
  return opcode_names[op & 0x0F];
}

std::optional<std::uint8_t> opcode_from_name(std::string_view name) {
  for (std::uint8_t op : {opcode::continuation, opcode::text, opcode::binary, opcode::close,
                          opcode::ping, opcode::pong}) {
    if (opcode_names[op] == name) return op;
  }
  return std::nullopt;
}

}  // namespace wsprobe::wire
