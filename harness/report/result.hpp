// The report model: what a conformance run found, case by case, as plain data. The runners fill
// it; the JSON, HTML and JUnit writers read it (DESIGN.md §4). It knows nothing about sockets.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/cases/case.hpp"

namespace wsprobe::report {

// Verdicts are the case model's (Autobahn's names, best first).
using cases::verdict;
using cases::verdict_from_name;
using cases::verdict_name;

inline constexpr std::array<verdict, 5> all_verdicts = {verdict::ok, verdict::non_strict,
                                                        verdict::informational,
                                                        verdict::unimplemented, verdict::failed};

// Payloads longer than this are shown as length + SHA-256 instead of bytes.
inline constexpr std::size_t max_shown_bytes = 256;

// Bytes as the report shows them: whole when short, otherwise length and SHA-256.
struct byte_digest {
  std::uint64_t length = 0;
  std::vector<std::uint8_t> bytes;  // all of them when length <= max_shown_bytes, else empty
  std::string sha256;               // lowercase hex, only when elided

  bool elided() const { return length > max_shown_bytes; }
};

// Builds a byte_digest piece by piece, without keeping more than max_shown_bytes + 1 bytes.
class byte_digester {
 public:
  byte_digester();
  ~byte_digester();
  byte_digester(const byte_digester&) = delete;
  byte_digester& operator=(const byte_digester&) = delete;
  byte_digester(byte_digester&&) noexcept;
  byte_digester& operator=(byte_digester&&) noexcept;

  void update(std::span<const std::uint8_t> bytes);
  std::uint64_t length() const { return length_; }
  // The digest of everything given since construction or the last finish(); starts over.
  byte_digest finish();

 private:
  struct sha_state;
  sha_state* sha_ = nullptr;
  std::vector<std::uint8_t> head_;
  std::uint64_t length_ = 0;
};

byte_digest digest_bytes(std::span<const std::uint8_t> bytes);
// Lowercase hex of the SHA-256 of `bytes`.
std::string sha256_hex(std::span<const std::uint8_t> bytes);
std::string to_hex(std::span<const std::uint8_t> bytes);

// The decoded header of a logged frame.
struct frame_fields {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  std::uint8_t opcode = 0;
  bool masked = false;
  std::uint64_t length = 0;  // payload length as declared in the header
};

// One entry of a case's wire log.
struct wirelog_entry {
  std::int64_t t_us = 0;  // since the case started
  enum class direction { out, in } dir = direction::out;
  enum class kind { frame, raw, http } what = kind::raw;
  std::optional<frame_fields> frame;  // kind::frame only
  byte_digest data;                   // the bytes as they were on the wire
};

// One case, one transport.
struct case_result {
  std::string id;
  std::optional<std::string> autobahn;
  std::string area;
  std::string transport = "h1";
  std::string title;
  std::string requirement;
  std::vector<std::string> rfc;
  verdict result = verdict::failed;
  verdict close_result = verdict::failed;
  std::string reason;        // why the verdict is what it is (empty for a plain OK)
  std::string close_reason;  // why the close verdict is what it is
  std::int64_t duration_ms = 0;
  nlohmann::ordered_json expected;  // the case's expectation as written (expect, close, finish)
  nlohmann::ordered_json observed;  // what happened, as the runner describes it
  std::vector<wirelog_entry> wirelog;
  std::uint64_t wirelog_dropped = 0;  // entries left out of a long log (middle of the case)
};

struct summary {
  std::size_t total = 0;
  std::array<std::size_t, 5> counts{};  // indexed by verdict

  std::size_t count(verdict v) const { return counts[static_cast<std::size_t>(v)]; }
};

summary summarize(std::span<const case_result> results);

// A whole run.
struct run_report {
  std::string mode = "test-server";  // or "test-client"
  std::string tool_version;
  std::string url;
  std::string agent;
  std::chrono::system_clock::time_point started_at;
  std::int64_t duration_ms = 0;
  // Interrupted by SIGINT/SIGTERM: cases that had not finished are not in `results`;
  // `not_run` counts them.
  bool interrupted = false;
  std::size_t not_run = 0;
  std::vector<case_result> results;
};

// "2024-05-01T12:34:56.789Z".
std::string iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace wsprobe::report
