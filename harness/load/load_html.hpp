// DIR/load.html: one self-contained page (CSS, JS and the load.json document inline, no network)
// with plots of throughput, latency percentiles and connections over time, the latency
// distribution (HDR-style percentile curve) and a summary table (docs/load.md, DESIGN.md §4).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace wsprobe::load {

// The page for a load.json document (schema wsprobe-load/1): a single run's or a merge of
// shards'. Only the document is read; fields it lacks are shown as absent.
std::string render_load_html(const nlohmann::json& load_json);

// Writes render_load_html(load_json) to dir/load.html atomically, creating dir when needed, and
// returns the path. Throws std::runtime_error naming the path on failure.
std::filesystem::path write_load_html(const nlohmann::json& load_json,
                                      const std::filesystem::path& dir);

}  // namespace wsprobe::load
