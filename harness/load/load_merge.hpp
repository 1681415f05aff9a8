// `wsprobe report merge` for load reports (schema "wsprobe-load/1"): the shards of one run (or
// any load runs) combined into one load.json, sans I/O but for reading the inputs.
//
// What adds up is added: histograms bucket by bucket (exact: every shard uses the same buckets),
// counters, errors by kind, offered/achieved/send rates. Percentiles are recomputed from the
// merged histograms, never averaged. The series is aligned by t (rounded to the whole second)
// and summed; a second's p50/p99 are recomputed from the shards' per-second histograms when every
// shard kept them (sharded runs do), and are null otherwise (each shard's own p50/p99 stay in
// shards[].series). Each shard's params, environment, summary and series stay in shards[].
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace wsprobe::load {

struct load_merge_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct load_merge_input {
  std::string source;  // where it was read from, kept in the merged report
  nlohmann::json report;
};

// True when `path` is a load report: a file whose schema is "wsprobe-load/1", or a folder that
// holds load.json but no index.json (a folder with both stands for its index.json).
bool is_load_report(const std::filesystem::path& path);

// Reads a load.json (or the load.json in a folder). Throws load_merge_error.
load_merge_input read_load_report(const std::filesystem::path& path);

struct load_merge_result {
  nlohmann::json report;
  std::vector<std::string> warnings;  // missing shards, different targets, shards started apart
};

// Throws load_merge_error for inputs that cannot be merged honestly: not a load report, shards
// of different splits (K/N with different N) or the same shard twice.
load_merge_result merge_load_reports(const std::vector<load_merge_input>& inputs,
                                     const std::string& version);

}  // namespace wsprobe::load
