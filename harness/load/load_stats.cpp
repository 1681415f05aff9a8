#include "harness/load/load_stats.hpp"

namespace wsprobe::load {

std::string_view to_string(error_kind kind) {
  switch (kind) {
    case error_kind::connect_refused:
      return "connect_refused";
    case error_kind::connect_failed:
      return "connect_failed";
    case error_kind::timeout:
      return "timeout";
    case error_kind::handshake_failed:
      return "handshake_failed";
    case error_kind::closed_by_server:
      return "closed_by_server";
    case error_kind::protocol_error:
      return "protocol_error";
    case error_kind::io_error:
      return "io_error";
    case error_kind::lost:
      return "lost";
    case error_kind::duplicated:
      return "duplicated";
    case error_kind::reordered:
      return "reordered";
    case error_kind::corrupted:
      return "corrupted";
    case error_kind::count_:
      break;
  }
  return "unknown";
}

}  // namespace wsprobe::load
