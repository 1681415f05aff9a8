// One process's part of a load run spread over N processes (`wsprobe load --shard K/N`), sans
// I/O. Shards are counted from 0, like Kubernetes' JOB_COMPLETION_INDEX, so that an Indexed Job
// passes its index unchanged. Each shard opens its share of the connections (the first
// total % N shards one more) and sends the rate of those connections, so that every connection
// sends the same rate wherever it runs and the shards add up to the totals.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wsprobe::load {

struct shard_spec {
  std::size_t index = 0;  // 0 .. count-1
  std::size_t count = 1;
};

struct shard_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The environment variable `--shard auto/N` reads the index from (Kubernetes Indexed Jobs).
inline constexpr const char* shard_index_env = "JOB_COMPLETION_INDEX";

// Parses "K/N" (0 <= K < N) or "auto/N" (K from `env_index`, the value of JOB_COMPLETION_INDEX;
// nullptr when unset). Throws shard_error with a message for people.
shard_spec parse_shard(std::string_view text, const char* env_index);

// The first of the shard's connections, in the numbering of the whole run (0-based).
std::size_t shard_first(std::size_t total, shard_spec s);
// How many of `total` connections the shard opens: total / N, one more for the first total % N.
std::size_t shard_share(std::size_t total, shard_spec s);

// The shard's part of a rate spread evenly over `total_connections` connections: the rate of
// its connections. A whole-number rate is split into whole numbers (the cumulative share of
// the shards before it, rounded down, is subtracted from its own), so that the shards' rates
// add up to exactly `total_rate`; any other rate is split in proportion.
double shard_rate(double total_rate, std::size_t total_connections, shard_spec s);

}  // namespace wsprobe::load
