// Picks cases by --cases GLOB / --exclude GLOB (DESIGN.md §2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/cases/case.hpp"

namespace wsprobe::cases {

// Shell-style glob: `*` any run of characters (dots included), `?` one character, everything
// else literal.
bool glob_match(std::string_view pattern, std::string_view text);

// True when `pattern` matches the case's id, its area or its Autobahn id ("framing.*", "utf8",
// "6.4.*").
bool case_matches(const test_case& c, std::string_view pattern);

// The cases that match any `include` pattern (all when `include` is empty) and no `exclude`
// pattern, in their original order.
std::vector<test_case> select_cases(const std::vector<test_case>& all,
                                    const std::vector<std::string>& include,
                                    const std::vector<std::string>& exclude);

// The `include` patterns that match no case (worth a warning: probably a typo).
std::vector<std::string> unmatched_patterns(const std::vector<test_case>& all,
                                            const std::vector<std::string>& include);

}  // namespace wsprobe::cases
