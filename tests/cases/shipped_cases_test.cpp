// The cases/ folder in the repository loads without a single error.
#include <gtest/gtest.h>

#include <set>

#include "harness/cases/loader.hpp"

namespace wsprobe::cases {
namespace {

TEST(shipped_cases, load_without_errors) {
  const auto result = load_directory(WSPROBE_SOURCE_DIR "/cases");
  for (const auto& e : result.errors) ADD_FAILURE() << e;
  EXPECT_GT(result.files, 0u);
  EXPECT_GT(result.cases.size(), 0u);
  std::set<std::string> ids;
  for (const auto& c : result.cases) {
    EXPECT_TRUE(ids.insert(c.id).second) << c.id;
    EXPECT_FALSE(c.outcomes.empty()) << c.id;
    EXPECT_EQ(c.file.rfind("cases/", 0), 0u) << c.file;
  }
}

}  // namespace
}  // namespace wsprobe::cases
