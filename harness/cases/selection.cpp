#include "harness/cases/selection.hpp"

#include <algorithm>

namespace wsprobe::cases {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point for the last '*': linear enough for ids.
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_t = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool case_matches(const test_case& c, std::string_view pattern) {
  return glob_match(pattern, c.id) || glob_match(pattern, c.area) ||
         (c.autobahn && glob_match(pattern, *c.autobahn));
}

namespace {
bool matches_any(const test_case& c, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return case_matches(c, p); });
}
}  // namespace

std::vector<test_case> select_cases(const std::vector<test_case>& all,
                                    const std::vector<std::string>& include,
                                    const std::vector<std::string>& exclude) {
  std::vector<test_case> out;
  for (const auto& c : all) {
    if (!include.empty() && !matches_any(c, include)) continue;
    if (matches_any(c, exclude)) continue;
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> unmatched_patterns(const std::vector<test_case>& all,
                                            const std::vector<std::string>& include) {
  std::vector<std::string> out;
  for (const auto& p : include) {
    if (std::none_of(all.begin(), all.end(),
                     [&](const test_case& c) { return case_matches(c, p); })) {
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace wsprobe::cases
