#include "harness/cases/matrix.hpp"

#include <string>

#include "harness/cases/field_error.hpp"

namespace wsprobe::cases {

using json = nlohmann::ordered_json;

namespace {

bool is_name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

// Length of a "${name}" reference starting at text[at] (text[at] == '$'), 0 when there is none.
std::size_t reference_length(const std::string& text, std::size_t at) {
  if (at + 3 >= text.size() || text[at + 1] != '{') return 0;
  std::size_t i = at + 2;
  if (i >= text.size() || !is_name_char(text[i], true)) return 0;
  while (i < text.size() && is_name_char(text[i], false)) ++i;
  if (i >= text.size() || text[i] != '}') return 0;
  return i + 1 - at;
}

json substitute_string(const std::string& text, const json& vars, const std::string& path) {
  const auto lookup = [&](const std::string& name) -> const json& {
    if (!vars.is_object() || !vars.contains(name)) {
      throw field_error{
          path, "${" + name + "} has no value" +
                    (vars.is_object() && !vars.empty() ? std::string(" in this matrix entry")
                                                       : std::string(" (the case has no matrix)"))};
    }
    return vars.at(name);
  };
  if (text.find("${") == std::string::npos) return text;
  // Exactly one reference: take the value with its type.
  if (text[0] == '$' && reference_length(text, 0) == text.size()) {
    return lookup(text.substr(2, text.size() - 3));
  }
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = text[i] == '$' ? reference_length(text, i) : 0;
    if (n == 0) {
      out += text[i++];
      continue;
    }
    const json& v = lookup(text.substr(i + 2, n - 3));
    out += v.is_string() ? v.get<std::string>() : v.dump();
    i += n;
  }
  return out;
}

}  // namespace

json substitute(const json& value, const json& vars, const std::string& path) {
  if (value.is_string()) return substitute_string(value.get<std::string>(), vars, path);
  if (value.is_array()) {
    json out = json::array();
    for (std::size_t i = 0; i < value.size(); ++i) {
      out.push_back(substitute(value[i], vars, path + "[" + std::to_string(i) + "]"));
    }
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, item] : value.items()) {
      out[key] = substitute(item, vars, path.empty() ? key : path + "." + key);
    }
    return out;
  }
  return value;
}

std::vector<json> matrix_entries(const json& matrix) {
  std::vector<json> entries;
  if (matrix.is_array()) {
    for (std::size_t i = 0; i < matrix.size(); ++i) {
      if (!matrix[i].is_object()) {
        throw field_error{
            "matrix[" + std::to_string(i) + "]",
            "expected an object of values, found " + std::string(matrix[i].type_name())};
      }
      entries.push_back(matrix[i]);
    }
  } else if (matrix.is_object()) {
    entries.push_back(json::object());
    for (const auto& [key, values] : matrix.items()) {
      if (!values.is_array()) {
        throw field_error{"matrix." + key,
                          "expected a list of values, found " + std::string(values.type_name())};
      }
      std::vector<json> next;
      for (const auto& partial : entries) {
        for (const auto& v : values) {
          json e = partial;
          e[key] = v;
          next.push_back(std::move(e));
        }
      }
      entries = std::move(next);
    }
    if (matrix.empty()) entries.clear();
  } else {
    throw field_error{"matrix", "expected a list of objects or an object of lists, found " +
                                    std::string(matrix.type_name())};
  }
  if (entries.empty()) throw field_error{"matrix", "expands to no case"};
  return entries;
}

std::vector<expansion> expand(const json& definition) {
  std::vector<expansion> out;
  if (!definition.is_object() || !definition.contains("matrix")) {
    out.push_back({substitute(definition, json::object(), ""), std::nullopt});
    return out;
  }
  json base = definition;
  base.erase("matrix");
  const auto entries = matrix_entries(definition.at("matrix"));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    out.push_back({substitute(base, entries[i], ""), i});
  }
  return out;
}

}  // namespace wsprobe::cases
