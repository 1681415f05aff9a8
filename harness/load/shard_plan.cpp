#include "harness/load/shard_plan.hpp"

#include <charconv>
#include <cmath>

namespace wsprobe::load {
namespace {

bool parse_count(std::string_view text, std::size_t& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

}  // namespace

shard_spec parse_shard(std::string_view text, const char* env_index) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    throw shard_error("--shard must be K/N (K from 0 to N-1) or auto/N, not '" + std::string(text) +
                      "'");
  }
  shard_spec s;
  if (!parse_count(text.substr(slash + 1), s.count) || s.count == 0) {
    throw shard_error("--shard K/N: N must be a whole number of at least 1, not '" +
                      std::string(text.substr(slash + 1)) + "'");
  }
  const auto index = text.substr(0, slash);
  if (index == "auto") {
    if (env_index == nullptr) {
      throw shard_error(std::string("--shard auto/N reads the shard index from ") +
                        shard_index_env + ", which is not set");
    }
    if (!parse_count(env_index, s.index)) {
      throw shard_error(std::string("--shard auto/N: ") + shard_index_env + "='" + env_index +
                        "' is not a whole number");
    }
  } else if (!parse_count(index, s.index)) {
    throw shard_error("--shard K/N: K must be a whole number (counted from 0) or 'auto', not '" +
                      std::string(index) + "'");
  }
  if (s.index >= s.count) {
    throw shard_error("--shard " + std::to_string(s.index) + "/" + std::to_string(s.count) +
                      ": shards are counted from 0, so K must be below " + std::to_string(s.count));
  }
  return s;
}

std::size_t shard_first(std::size_t total, shard_spec s) {
  const std::size_t base = total / s.count;
  const std::size_t extra = total % s.count;
  return s.index * base + std::min(s.index, extra);
}

std::size_t shard_share(std::size_t total, shard_spec s) {
  return total / s.count + (s.index < total % s.count ? 1 : 0);
}

double shard_rate(double total_rate, std::size_t total_connections, shard_spec s) {
  if (total_connections == 0) return 0;
  const std::size_t first = shard_first(total_connections, s);
  const std::size_t last = first + shard_share(total_connections, s);
  // Whole numbers up to 2^40 messages/s times 2^23 connections stay exact in 64 bits.
  if (total_rate == std::floor(total_rate) && total_rate >= 0 && total_rate < 0x1p40 &&
      total_connections < (std::size_t{1} << 23)) {
    const auto rate = static_cast<unsigned long long>(total_rate);
    const auto upto = [&](std::size_t n) { return rate * n / total_connections; };
    return static_cast<double>(upto(last) - upto(first));
  }
  return total_rate * static_cast<double>(last - first) / static_cast<double>(total_connections);
}

}  // namespace wsprobe::load
