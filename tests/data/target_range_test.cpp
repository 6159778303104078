// --target-range's text, what auto learns, and how a range clips and reads to people.
#include "data/target_range.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vgsales {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(TargetRange, ParsesAutoNoneAndBounds) {
  EXPECT_EQ(parse_target_range_setting("auto")->kind, TargetRangeSetting::Kind::automatic);
  EXPECT_EQ(parse_target_range_setting("none")->kind, TargetRangeSetting::Kind::none);
  const std::vector<std::pair<std::string, TargetRange>> cases = {
      {"0,100", {0, 100}}, {"0,", {0, kInf}},      {"0,inf", {0, kInf}},
      {",5", {-kInf, 5}},  {"-inf,5", {-kInf, 5}}, {"-2.5,1e3", {-2.5, 1000}},
  };
  for (const auto& [text, range] : cases) {
    auto parsed = parse_target_range_setting(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->kind, TargetRangeSetting::Kind::fixed) << text;
    EXPECT_EQ(parsed->range, range) << text;
  }
}

TEST(TargetRange, RefusesWhatIsNotARangeNamingTheFlag) {
  for (const char* text : {"", "0", "zero,1", "1,0", "3,3", "0,1,2", "inf,5", "0,-inf", "0,nan", "0,1e999"}) {
    auto parsed = parse_target_range_setting(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().message.rfind("--target-range: ", 0), 0u) << parsed.error().message;
  }
}

TEST(TargetRange, FormatsAsTheFlagTakesIt) {
  for (const char* text : {"auto", "none", "0,inf", "-inf,5", "0,100", "-2.5,1000"}) {
    auto parsed = parse_target_range_setting(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(format_target_range_setting(*parsed), text);
  }
}

TEST(TargetRange, AutoIsNonNegativeOnlyWhenEveryTrainingValueIs) {
  EXPECT_EQ(learn_target_range(std::vector<float>{0.0f, 0.01f, 82.7f}), (TargetRange{0, kInf}));
  EXPECT_FALSE(learn_target_range(std::vector<float>{3.0f, -0.5f}).bounded());
  EXPECT_FALSE(learn_target_range(std::vector<float>{}).bounded());
  const std::vector<float> negative{-1.0f, 2.0f};
  EXPECT_FALSE(resolve_target_range(TargetRangeSetting{}, negative).bounded());
  EXPECT_FALSE(resolve_target_range({TargetRangeSetting::Kind::none, {}}, std::vector<float>{1.0f}).bounded());
  EXPECT_EQ(resolve_target_range({TargetRangeSetting::Kind::fixed, {-5, 5}}, negative), (TargetRange{-5, 5}));
}

TEST(TargetRange, ClipsAndDescribesItself) {
  const TargetRange non_negative{0, kInf};
  EXPECT_EQ(non_negative.clip(-0.194), 0.0);
  EXPECT_EQ(non_negative.clip(0.429), 0.429);
  EXPECT_TRUE(std::isnan(non_negative.clip(std::nan(""))));
  EXPECT_EQ((TargetRange{0, 1}).clip(3), 1.0);
  EXPECT_EQ(describe_target_range(non_negative), "at least 0");
  EXPECT_EQ(describe_target_range({-kInf, 100}), "at most 100");
  EXPECT_EQ(describe_target_range({0, 2500000}), "from 0 to 2,500,000");
  EXPECT_EQ(describe_target_range({}), "unbounded");
}

}  // namespace
}  // namespace vgsales
