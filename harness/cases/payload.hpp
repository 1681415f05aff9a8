// Payload specs of test cases (cases/README.md "Payloads"), resolved to bytes only when asked, so
// a 16 MiB case costs nothing until it runs. Generation is deterministic on every machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsprobe::cases {

// SplitMix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number generators", 2014): the
// state starts at the seed and advances by 0x9E3779B97F4A7C15 per output; each output is
// mixed with the xor-shift-multiply finaliser below. Random payloads are the outputs written
// little-endian, 8 bytes each, the last one cut short. Anyone can reproduce the bytes from this
// description alone.
class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// Writes `size` random payload bytes for `seed` (as in {"random": size, "seed": seed}) to `out`.
void generate_random(std::uint64_t seed, std::uint8_t* out, std::size_t size);

// One payload: literal bytes, a repeated unit cut to size, seeded random bytes, or a
// concatenation of those. Cheap to copy (parts are shared).
class payload_spec {
 public:
  enum class form { literal, repeat, random, concat };

  // Empty literal payload.
  payload_spec() = default;

  static payload_spec literal(std::vector<std::uint8_t> bytes);
  static payload_spec text(std::string_view utf8);
  // `unit` repeated and cut to exactly `size` bytes; `unit` must not be empty unless size is 0.
  static payload_spec repeat(std::vector<std::uint8_t> unit, std::uint64_t size);
  static payload_spec random(std::uint64_t size, std::uint64_t seed);
  static payload_spec concat(std::vector<payload_spec> parts);

  form kind() const { return kind_; }
  std::uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The bytes (generated on each call: keep the result if you need it twice).
  std::vector<std::uint8_t> bytes() const;
  // Appends the bytes to `out`.
  void append_to(std::vector<std::uint8_t>& out) const;
  // Writes the bytes to out[0..size()).
  void write(std::uint8_t* out) const;
  // True when `data` is exactly these bytes (without materialising large literal payloads).
  bool equals(std::span<const std::uint8_t> data) const;

  // Short description for logs: "13 bytes \"Hello, world!\"", "random 16777216 bytes seed 7".
  std::string describe() const;

  // Parts of form::repeat (the unit) and form::literal (the bytes).
  const std::vector<std::uint8_t>& data() const;
  std::uint64_t seed() const { return seed_; }
  const std::vector<payload_spec>& parts() const;

 private:
  form kind_ = form::literal;
  std::uint64_t size_ = 0;
  std::uint64_t seed_ = 0;
  std::shared_ptr<const std::vector<std::uint8_t>> data_;   // literal bytes or repeat unit
  std::shared_ptr<const std::vector<payload_spec>> parts_;  // concat
};

}  // namespace wsprobe::cases
