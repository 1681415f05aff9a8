#include "harness/reference/client_faults.hpp"

#include <array>
#include <stdexcept>

namespace wsprobe::reference {

namespace {
constexpr std::array<client_fault_info, client_fault_count> client_fault_table = {{
    {"no-mask", "sends unmasked frames (RFC 6455 §5.1: a client MUST mask every frame)"},
    {"zero-mask",
     "masks every frame with the key 00000000, which leaves the payload readable (§5.3: the key "
     "MUST be unpredictable)"},
    {"fixed-mask",
     "masks every frame with the same non-zero key (§5.3: a fresh key MUST be chosen for each "
     "frame)"},
    {"accept-masked-frames",
     "accepts masked frames from the server (§5.1: the client MUST close the connection)"},
    {"no-accept-check",
     "ignores a wrong or missing Sec-WebSocket-Accept in the 101 (§4.1: the client MUST fail)"},
    {"accept-unoffered-subprotocol",
     "accepts a Sec-WebSocket-Protocol it did not offer (§4.1: the client MUST fail)"},
    {"no-utf8-check",
     "echoes text messages with invalid UTF-8, and answers a close whose reason is not UTF-8 with "
     "1000, instead of failing with 1007 (§8.1, §5.5.1)"},
    {"no-pong", "never answers a ping (§5.5.2: MUST send a pong)"},
    {"closes-tcp-first",
     "closes TCP right after answering a close instead of waiting for the server to close it "
     "(§7.1.1: the server SHOULD close first)"},
}};
}  // namespace

std::span<const client_fault_info> all_client_faults() {
  return client_fault_table;
}

const client_fault_info& describe(client_fault f) {
  return client_fault_table[static_cast<std::size_t>(f)];
}

std::optional<client_fault> client_fault_from_name(std::string_view name) {
  for (std::size_t i = 0; i < client_fault_table.size(); ++i) {
    if (client_fault_table[i].name == name) return static_cast<client_fault>(i);
  }
  return std::nullopt;
}

std::vector<std::string_view> client_fault_set::names() const {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < client_fault_count; ++i) {
    if (bits_.test(i)) out.push_back(client_fault_table[i].name);
  }
  return out;
}

client_fault_set parse_client_faults(const std::vector<std::string>& names) {
  client_fault_set set;
  for (const auto& name : names) {
    auto f = client_fault_from_name(name);
    if (!f) {
      throw std::runtime_error("unknown client fault '" + name +
                               "' (wsprobe echo-client --list-faults lists them)");
    }
    set.add(*f);
  }
  return set;
}

}  // namespace wsprobe::reference
