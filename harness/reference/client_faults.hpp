// Deliberate protocol bugs for our own reference echo client (`wsprobe echo-client --impl wsprobe
// --fault NAME`). Each fault breaks exactly one RFC 6455 rule a client must keep and changes what
// the client does on the wire, so that `wsprobe test-client` can be shown to catch it
// (DESIGN.md §5).
#pragma once

#include <bitset>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsprobe::reference {

// One enumerator per fault; the order matches all_client_faults().
enum class client_fault : std::size_t {
  no_mask,
  zero_mask,
  fixed_mask,
  accept_masked_frames,
  no_accept_check,
  accept_unoffered_subprotocol,
  no_utf8_check,
  no_pong,
  closes_tcp_first,
};

inline constexpr std::size_t client_fault_count =
    static_cast<std::size_t>(client_fault::closes_tcp_first) + 1;

// A fault's command-line name ("no-mask") and one line naming the rule it breaks.
struct client_fault_info {
  std::string_view name;
  std::string_view description;
};

// Every client fault, in enumerator order (all_client_faults()[i] describes client_fault(i)).
std::span<const client_fault_info> all_client_faults();

const client_fault_info& describe(client_fault f);
std::optional<client_fault> client_fault_from_name(std::string_view name);

// The faults a client runs with; empty means strict RFC 6455.
class client_fault_set {
 public:
  client_fault_set() = default;
  bool has(client_fault f) const { return bits_.test(static_cast<std::size_t>(f)); }
  void add(client_fault f) { bits_.set(static_cast<std::size_t>(f)); }
  bool empty() const { return bits_.none(); }
  // Names of the faults in the set, in all_client_faults() order.
  std::vector<std::string_view> names() const;

 private:
  std::bitset<client_fault_count> bits_;
};

// Parses --fault values. Throws std::runtime_error "unknown client fault 'x' (wsprobe echo-client
// --list-faults lists them)" for a name that is not in all_client_faults().
client_fault_set parse_client_faults(const std::vector<std::string>& names);

}  // namespace wsprobe::reference
