// Deliberate protocol bugs for our own reference echo server (`wsprobe serve --impl wsprobe
// --fault NAME`). Each fault breaks exactly one RFC 6455 rule and changes what the server puts on
// the wire, so that the conformance suite can be shown to catch it (DESIGN.md §5).
#pragma once

#include <bitset>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsprobe::reference {

// One enumerator per fault; the order matches all_faults().
enum class fault : std::size_t {
  accept_unmasked,
  no_utf8_check,
  utf8_not_fail_fast,
  ignore_rsv,
  ignore_reserved_opcode,
  wrong_pong_payload,
  no_pong,
  long_control_ok,
  fragmented_control_ok,
  accept_invalid_close_code,
  close_len1_ok,
  no_close_reply,
  bad_accept_key,
  no_version_check,
  nonminimal_length_ok,
  orphan_continuation_ok,
  interleaved_message_ok,
  mask_server_frames,
  binary_as_text,
};

inline constexpr std::size_t fault_count = static_cast<std::size_t>(fault::binary_as_text) + 1;

// A fault's command-line name ("accept-unmasked") and one line naming the rule it breaks.
struct fault_info {
  std::string_view name;
  std::string_view description;
};

// Every fault, in enumerator order (all_faults()[i] describes fault(i)).
std::span<const fault_info> all_faults();

const fault_info& describe(fault f);
std::optional<fault> fault_from_name(std::string_view name);

// The faults a server runs with; empty means strict RFC 6455.
class fault_set {
 public:
  fault_set() = default;
  bool has(fault f) const { return bits_.test(static_cast<std::size_t>(f)); }
  void add(fault f) { bits_.set(static_cast<std::size_t>(f)); }
  bool empty() const { return bits_.none(); }
  // Names of the faults in the set, in all_faults() order.
  std::vector<std::string_view> names() const;

 private:
  std::bitset<fault_count> bits_;
};

// Parses --fault values. Throws std::runtime_error "unknown fault 'x' (wsprobe serve
// --list-faults lists them)" for a name that is not in all_faults().
fault_set parse_faults(const std::vector<std::string>& names);

}  // namespace wsprobe::reference
