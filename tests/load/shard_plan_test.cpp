#include "harness/load/shard_plan.hpp"

#include <gtest/gtest.h>

namespace wsprobe::load {
namespace {

TEST(ShardPlan, ParsesIndexFromZeroAndAuto) {
  const auto s = parse_shard("2/4", nullptr);
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 4u);
  const auto a = parse_shard("auto/8", "7");
  EXPECT_EQ(a.index, 7u);
  EXPECT_EQ(a.count, 8u);
  EXPECT_EQ(parse_shard("0/1", nullptr).count, 1u);
}

TEST(ShardPlan, RejectsWhatIsNotAShard) {
  for (const char* bad : {"4/4", "1", "1/0", "-1/4", "a/4", "1/x", "/4", "1/", "1/4/2", "auto/4"}) {
    EXPECT_THROW(parse_shard(bad, nullptr), shard_error) << bad;
  }
  EXPECT_THROW(parse_shard("auto/4", "4"), shard_error);
  EXPECT_THROW(parse_shard("auto/4", "x"), shard_error);
  try {
    parse_shard("4/4", nullptr);
  } catch (const shard_error& e) {
    EXPECT_NE(std::string(e.what()).find("counted from 0"), std::string::npos) << e.what();
  }
}

TEST(ShardPlan, SharesAddUpToTheTotals) {
  for (std::size_t total : {1u, 4u, 10u, 97u, 1000u}) {
    for (std::size_t n : {1u, 2u, 3u, 4u, 7u}) {
      if (total < n) continue;
      std::size_t connections = 0;
      double rate = 0, odd_rate = 0;
      for (std::size_t k = 0; k < n; ++k) {
        const shard_spec s{k, n};
        EXPECT_EQ(shard_first(total, s), connections);
        const auto share = shard_share(total, s);
        EXPECT_TRUE(share == total / n || share == total / n + 1);
        connections += share;
        const double r = shard_rate(1001, total, s);
        EXPECT_EQ(r, static_cast<double>(static_cast<long long>(r))) << "whole numbers";
        rate += r;
        odd_rate += shard_rate(333.3, total, s);
      }
      EXPECT_EQ(connections, total);
      EXPECT_EQ(rate, 1001.0) << total << " over " << n;
      EXPECT_NEAR(odd_rate, 333.3, 1e-9);
    }
  }
  // Remainders go to the first shards; rates follow the connections.
  EXPECT_EQ(shard_share(10, {0, 4}), 3u);
  EXPECT_EQ(shard_share(10, {3, 4}), 2u);
  EXPECT_EQ(shard_rate(1000, 10, {0, 4}), 300.0);
  EXPECT_EQ(shard_rate(1000, 10, {3, 4}), 200.0);
}

}  // namespace
}  // namespace wsprobe::load
