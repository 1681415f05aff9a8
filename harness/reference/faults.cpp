#include "harness/reference/faults.hpp"

#include <array>
#include <stdexcept>

namespace wsprobe::reference {

namespace {
constexpr std::array<fault_info, fault_count> fault_table = {{
    {"accept-unmasked", "accepts unmasked client frames (RFC 6455 §5.1: the server MUST fail)"},
    {"no-utf8-check", "echoes text messages with invalid UTF-8 (§8.1: MUST fail with 1007)"},
    {"utf8-not-fail-fast",
     "checks UTF-8 only when a text message is complete, so it fails late (§8.1; Autobahn 6.4.x "
     "expect fail-fast)"},
    {"ignore-rsv", "accepts frames with RSV bits set and no extension (§5.2: MUST fail)"},
    {"ignore-reserved-opcode",
     "silently ignores frames with reserved opcodes instead of failing (§5.2: MUST fail)"},
    {"wrong-pong-payload", "answers a ping with a pong whose payload differs (§5.5.3)"},
    {"no-pong", "never answers a ping (§5.5.2: MUST send a pong)"},
    {"long-control-ok", "accepts control frames with more than 125 payload bytes (§5.5)"},
    {"fragmented-control-ok", "accepts control frames without FIN (§5.5: MUST NOT be fragmented)"},
    {"accept-invalid-close-code",
     "accepts close codes such as 999, 1004, 1005, 1016, 5000 and echoes them (§7.4)"},
    {"close-len1-ok", "accepts a close frame with a 1-byte payload (§5.5.1)"},
    {"no-close-reply",
     "never answers a close frame and leaves TCP open until the peer closes (§5.5.1)"},
    {"bad-accept-key", "sends a wrong Sec-WebSocket-Accept in its 101 response (§4.2.2)"},
    {"no-version-check",
     "accepts any Sec-WebSocket-Version instead of answering 426 (§4.2.2, §4.4)"},
    {"nonminimal-length-ok",
     "accepts payload lengths not written in the minimal number of bytes (§5.2)"},
    {"orphan-continuation-ok", "accepts continuation frames with no message open (§5.4)"},
    {"interleaved-message-ok",
     "accepts a new text/binary frame while a fragmented message is open (§5.4)"},
    {"mask-server-frames", "masks the frames it sends (§5.1: a server MUST NOT mask)"},
    {"binary-as-text", "echoes binary messages as text messages (§5.6: opcode changed)"},
}};
}  // namespace

std::span<const fault_info> all_faults() {
  return fault_table;
}

const fault_info& describe(fault f) {
  return fault_table[static_cast<std::size_t>(f)];
}

std::optional<fault> fault_from_name(std::string_view name) {
  for (std::size_t i = 0; i < fault_table.size(); ++i) {
    if (fault_table[i].name == name) return static_cast<fault>(i);
  }
  return std::nullopt;
}

std::vector<std::string_view> fault_set::names() const {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < fault_count; ++i) {
    if (bits_.test(i)) out.push_back(fault_table[i].name);
  }
  return out;
}

fault_set parse_faults(const std::vector<std::string>& names) {
  fault_set set;
  for (const auto& name : names) {
    auto f = fault_from_name(name);
    if (!f) {
      throw std::runtime_error("unknown fault '" + name +
                               "' (wsprobe serve --list-faults lists them)");
    }
    set.add(*f);
  }
  return set;
}

}  // namespace wsprobe::reference
