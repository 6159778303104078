// Tests for src/common/closest_name.cpp: which typos get a "did you mean", and which names are too far.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/closest_name.h"

namespace vgsales {
namespace {

const std::vector<std::string> kCommands = {"synth", "train", "evaluate", "predict", "info", "export", "serve", "logs"};

TEST(ClosestName, ASwapOfNeighboursIsOneEdit) {
  EXPECT_EQ(closest_name("trian", kCommands), "train");
  EXPECT_EQ(closest_name("perdict", kCommands), "predict");
  EXPECT_EQ(did_you_mean("evalute", kCommands), " (did you mean 'evaluate'?)");
}

TEST(ClosestName, IgnoresCaseAndFindsDroppedOrExtraLetters) {
  const std::vector<std::string> columns = {"critic_rating", "total_earnings", "unit_price"};
  EXPECT_EQ(closest_name("Total_Earnings", columns), "total_earnings");
  EXPECT_EQ(closest_name("unit_prices", columns), "unit_price");
  EXPECT_EQ(closest_name("--epoch", std::vector<std::string>{"--epochs", "--seed", "--help"}), "--epochs");
}

TEST(ClosestName, SaysNothingWhenNoCandidateIsClose) {
  EXPECT_FALSE(closest_name("frobnicate", kCommands).has_value());
  EXPECT_EQ(did_you_mean("xyz", kCommands), "");
  EXPECT_FALSE(closest_name("a", std::vector<std::string>{}).has_value());
  // Two edits in a five-letter name is too many to call a typo.
  EXPECT_FALSE(closest_name("tarni", kCommands).has_value());
}

}  // namespace
}  // namespace vgsales
