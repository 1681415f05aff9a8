#include "harness/cases/case.hpp"

#include <algorithm>
#include <array>

namespace wsprobe::cases {

namespace {
constexpr std::array<std::string_view, 5> verdict_names = {"OK", "NON-STRICT", "INFORMATIONAL",
                                                           "UNIMPLEMENTED", "FAILED"};
}  // namespace

std::string_view verdict_name(verdict v) {
  return verdict_names[static_cast<std::size_t>(v)];
}

std::optional<verdict> verdict_from_name(std::string_view name) {
  for (std::size_t i = 0; i < verdict_names.size(); ++i) {
    if (verdict_names[i] == name) return static_cast<verdict>(i);
  }
  return std::nullopt;
}

std::string_view party_name(party p) {
  switch (p) {
    case party::server:
      return "server";
    case party::client:
      return "client";
    case party::both:
      return "both";
  }
  return "server";
}

std::string_view transport_name(transport t) {
  return t == transport::h2 ? "h2" : "h1";
}

std::vector<std::uint64_t> send_message_step::frame_sizes() const {
  if (!fragments.empty()) return fragments;
  const std::uint64_t total = payload.size();
  if (fragment_size == 0 || total <= fragment_size) return {total};
  std::vector<std::uint64_t> sizes;
  sizes.reserve(total / fragment_size + 1);
  for (std::uint64_t at = 0; at < total; at += fragment_size) {
    sizes.push_back(std::min(fragment_size, total - at));
  }
  return sizes;
}

std::vector<std::uint8_t> send_close_step::close_payload() const {
  if (payload) return payload->bytes();
  std::vector<std::uint8_t> out;
  if (code) {
    out.push_back(static_cast<std::uint8_t>(*code >> 8));
    out.push_back(static_cast<std::uint8_t>(*code & 0xFF));
    out.insert(out.end(), reason.begin(), reason.end());
  }
  return out;
}

std::string test_case::location() const {
  return file + ": case \"" + id + "\"";
}

const outcome* test_case::outcome_for(verdict v) const {
  for (const auto& o : outcomes) {
    if (o.result == v) return &o;
  }
  return nullptr;
}

bool outcome::accepts_status(int s) const {
  return std::find(status.begin(), status.end(), s) != status.end() ||
         std::find(status_classes.begin(), status_classes.end(), s / 100) != status_classes.end();
}

bool test_case::ends_after_handshake() const {
  if (outcomes.empty()) return false;
  return std::all_of(outcomes.begin(), outcomes.end(),
                     [](const outcome& o) { return !o.accepts_status(101); });
}

}  // namespace wsprobe::cases
