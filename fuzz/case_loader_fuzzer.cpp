// Fuzzes the case loader (JSON → model, matrix expansion, payload specs): any input either
// loads or gives a case_error; nothing else may escape, crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "harness/cases/loader.hpp"

namespace {
// Touch what the runner would read, generating only small payloads.
void visit_payload(const wsprobe::cases::payload_spec& p) {
  if (p.size() <= 4096) {
    const auto bytes = p.bytes();
    if (!p.equals(bytes)) __builtin_trap();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wsprobe::cases;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& c : load_text(text, "fuzz.json")) {
      if (c.outcomes.empty() || c.area.empty()) __builtin_trap();
      for (const auto& s : c.steps) {
        if (const auto* f = std::get_if<send_frame_step>(&s)) visit_payload(f->payload);
        if (const auto* m = std::get_if<send_message_step>(&s)) {
          visit_payload(m->payload);
          if (m->payload.size() / (m->fragment_size ? m->fragment_size : 1) < 100000) {
            std::uint64_t total = 0;
            for (auto n : m->frame_sizes()) total += n;
            if (total != m->payload.size()) __builtin_trap();
          }
        }
        if (const auto* r = std::get_if<send_raw_step>(&s)) visit_payload(r->payload);
        if (const auto* cl = std::get_if<send_close_step>(&s)) {
          if (!cl->payload || cl->payload->size() <= 4096) (void)cl->close_payload();
        }
      }
    }
  } catch (const case_error&) {
  }
  return 0;
}
