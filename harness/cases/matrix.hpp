// `matrix` expansion (cases/README.md "Families"): one case definition becomes one JSON object
// per matrix entry, with ${name} replaced everywhere.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace wsprobe::cases {

// One expanded definition. `entry` is the matrix entry's position (nullopt without a matrix).
struct expansion {
  nlohmann::ordered_json definition;  // the case without its "matrix" field
  std::optional<std::size_t> entry;
};

// The value sets of a matrix: a list of objects as written, or every combination of an object
// of lists (the first key varies slowest). Throws field_error (path "matrix…") when the matrix
// is malformed or gives no entry.
std::vector<nlohmann::ordered_json> matrix_entries(const nlohmann::ordered_json& matrix);

// Replaces ${name} in every string value of `value` (object keys are left alone). A string that
// is exactly "${name}" becomes the value itself with its JSON type; inside a longer string a
// string value is inserted as is and any other value as its JSON text. Throws field_error with
// the path (below `path`) of a string naming a variable that `vars` lacks.
nlohmann::ordered_json substitute(const nlohmann::ordered_json& value,
                                  const nlohmann::ordered_json& vars, const std::string& path);

// The case definition expanded: one result per matrix entry, or the definition itself (still
// checked for ${name} without a value) when it has no matrix.
std::vector<expansion> expand(const nlohmann::ordered_json& definition);

}  // namespace wsprobe::cases
