#include "harness/load/load_options.hpp"

namespace wsprobe::load {

const char* to_string(load_model model) {
  switch (model) {
    case load_model::open_loop:
      return "open-loop";
    case load_model::closed_loop:
      return "closed-loop";
    case load_model::idle:
      return "idle";
  }
  return "unknown";
}

}  // namespace wsprobe::load
