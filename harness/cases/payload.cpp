#include "harness/cases/payload.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace wsprobe::cases {

namespace {
const std::vector<std::uint8_t>& no_bytes() {
  static const std::vector<std::uint8_t> empty;
  return empty;
}
const std::vector<payload_spec>& no_parts() {
  static const std::vector<payload_spec> empty;
  return empty;
}
}  // namespace

void generate_random(std::uint64_t seed, std::uint8_t* out, std::size_t size) {
  splitmix64 gen(seed);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    const std::uint64_t v = gen.next();
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(out + i, &v, 8);  // the documented byte order, in one store
    } else {
      for (int b = 0; b < 8; ++b) out[i + b] = static_cast<std::uint8_t>(v >> (8 * b));
    }
  }
  if (i < size) {
    const std::uint64_t v = gen.next();
    for (int b = 0; i < size; ++i, ++b) out[i] = static_cast<std::uint8_t>(v >> (8 * b));
  }
}

payload_spec payload_spec::literal(std::vector<std::uint8_t> bytes) {
  payload_spec p;
  p.kind_ = form::literal;
  p.size_ = bytes.size();
  p.data_ = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
  return p;
}

payload_spec payload_spec::text(std::string_view utf8) {
  return literal(std::vector<std::uint8_t>(utf8.begin(), utf8.end()));
}

payload_spec payload_spec::repeat(std::vector<std::uint8_t> unit, std::uint64_t size) {
  if (unit.empty() && size != 0) throw std::invalid_argument("repeat of an empty unit");
  payload_spec p;
  p.kind_ = form::repeat;
  p.size_ = size;
  p.data_ = std::make_shared<const std::vector<std::uint8_t>>(std::move(unit));
  return p;
}

payload_spec payload_spec::random(std::uint64_t size, std::uint64_t seed) {
  payload_spec p;
  p.kind_ = form::random;
  p.size_ = size;
  p.seed_ = seed;
  return p;
}

payload_spec payload_spec::concat(std::vector<payload_spec> parts) {
  payload_spec p;
  p.kind_ = form::concat;
  for (const auto& part : parts) p.size_ += part.size();
  p.parts_ = std::make_shared<const std::vector<payload_spec>>(std::move(parts));
  return p;
}

const std::vector<std::uint8_t>& payload_spec::data() const {
  return data_ ? *data_ : no_bytes();
}

const std::vector<payload_spec>& payload_spec::parts() const {
  return parts_ ? *parts_ : no_parts();
}

void payload_spec::write(std::uint8_t* out) const {
  switch (kind_) {
    case form::literal:
      if (size_ != 0) std::memcpy(out, data().data(), size_);
      break;
    case form::repeat: {
      if (size_ == 0) break;
      // Lay down one unit, then double the filled prefix: a handful of large memcpy calls.
      const auto& unit = data();
      std::uint64_t filled = std::min<std::uint64_t>(unit.size(), size_);
      std::memcpy(out, unit.data(), filled);
      while (filled < size_) {
        // The prefix is a whole number of units as long as we copy multiples of unit.size().
        std::uint64_t n = std::min(filled, size_ - filled);
        std::memcpy(out + filled, out, n);
        filled += n;
      }
      break;
    }
    case form::random:
      generate_random(seed_, out, size_);
      break;
    case form::concat:
      for (const auto& part : parts()) {
        part.write(out);
        out += part.size();
      }
      break;
  }
}

void payload_spec::append_to(std::vector<std::uint8_t>& out) const {
  const std::size_t at = out.size();
  out.resize(at + size_);
  write(out.data() + at);
}

std::vector<std::uint8_t> payload_spec::bytes() const {
  std::vector<std::uint8_t> out;
  append_to(out);
  return out;
}

bool payload_spec::equals(std::span<const std::uint8_t> other) const {
  if (other.size() != size_) return false;
  switch (kind_) {
    case form::literal:
      return size_ == 0 || std::memcmp(other.data(), data().data(), size_) == 0;
    case form::concat: {
      std::size_t at = 0;
      for (const auto& part : parts()) {
        if (!part.equals(other.subspan(at, part.size()))) return false;
        at += part.size();
      }
      return true;
    }
    case form::repeat: {
      const auto& unit = data();
      for (std::size_t i = 0; i < other.size(); ++i) {
        if (other[i] != unit[i % unit.size()]) return false;
      }
      return true;
    }
    case form::random: {
      // Block by block, so a 16 MiB payload is never held twice.
      splitmix64 gen(seed_);
      std::uint8_t block[8];
      for (std::size_t i = 0; i < other.size(); i += 8) {
        const std::uint64_t v = gen.next();
        const std::size_t n = std::min<std::size_t>(8, other.size() - i);
        for (std::size_t b = 0; b < n; ++b) block[b] = static_cast<std::uint8_t>(v >> (8 * b));
        if (std::memcmp(block, other.data() + i, n) != 0) return false;
      }
      return true;
    }
  }
  return false;
}

std::string payload_spec::describe() const {
  std::string out = std::to_string(size_) + " bytes";
  switch (kind_) {
    case form::literal: {
      const auto& d = data();
      const bool printable =
          std::all_of(d.begin(), d.end(), [](std::uint8_t c) { return c >= 0x20 && c < 0x7F; });
      if (!d.empty() && printable && d.size() <= 64) {
        out += " \"" + std::string(d.begin(), d.end()) + "\"";
      } else if (!d.empty()) {
        static const char* digits = "0123456789abcdef";
        out += " hex ";
        for (std::size_t i = 0; i < std::min<std::size_t>(d.size(), 32); ++i) {
          out += digits[d[i] >> 4];
          out += digits[d[i] & 0xF];
        }
        if (d.size() > 32) out += "…";
      }
      break;
    }
    case form::repeat:
      out += " repeating " + payload_spec::literal(data()).describe();
      break;
    case form::random:
      out += " random seed " + std::to_string(seed_);
      break;
    case form::concat:
      out += " concat of " + std::to_string(parts().size());
      break;
  }
  return out;
}

}  // namespace wsprobe::cases
