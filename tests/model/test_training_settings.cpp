// Tests for src/model/training_settings.cpp: layer lists, --validation-split parsing and what "auto" resolves to.
#include <gtest/gtest.h>

#include "model/training_settings.h"

namespace vgsales {
namespace {

TEST(TrainingSettings, ParsesLayerLists) {
  auto layers = parse_layer_list("50,100,50");
  ASSERT_TRUE(layers.ok());
  EXPECT_EQ(*layers, (std::vector<int>{50, 100, 50}));
  EXPECT_EQ(format_layer_list(*layers), "50,100,50");
  for (const char* bad : {"", "50,,50", "50,x", "0", "70000", "5 0"}) {
    auto parsed = parse_layer_list(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("--layers"), std::string::npos);
  }
}

TEST(TrainingSettings, ParsesValidationSplitAsAutoOrAFraction) {
  auto automatic = parse_validation_split("auto");
  ASSERT_TRUE(automatic.ok());
  EXPECT_FALSE(automatic->has_value());
  auto fraction = parse_validation_split("0.25");
  ASSERT_TRUE(fraction.ok());
  EXPECT_EQ(fraction->value_or(-1), 0.25);
  auto none = parse_validation_split("0");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->value_or(-1), 0.0);
  for (const char* bad : {"", "Auto", "0.95", "-0.1", "0.1x", "nan"}) {
    auto parsed = parse_validation_split(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("--validation-split: '" + std::string(bad) + "'"), std::string::npos);
  }
}

TEST(TrainingSettings, AutoValidationSplitNeedsManyRowsOrEarlyStopping) {
  EXPECT_EQ(automatic_validation_split(1000, 0), 0.0);  // the reference data: every row trains
  EXPECT_EQ(automatic_validation_split(kAutoValidationMinimumRows, 0), 0.0);
  EXPECT_EQ(automatic_validation_split(kAutoValidationMinimumRows + 1, 0), kAutoValidationFraction);
  EXPECT_EQ(automatic_validation_split(1000, 5), kAutoValidationFraction);  // early stopping compares on it
}

TEST(TrainingSettings, ValidationRejectsBadCombinations) {
  TrainingSettings settings;
  EXPECT_TRUE(validate_settings(settings).ok());
  settings.validation_split = 0.95;
  EXPECT_FALSE(validate_settings(settings).ok());
  settings.validation_split = 0.0;
  settings.early_stopping = 3;
  auto early = validate_settings(settings);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().message.find("--early-stopping needs --validation-split"), std::string::npos);
  settings.validation_split.reset();  // auto holds out a split for early stopping
  EXPECT_TRUE(validate_settings(settings).ok());
  settings.target_transform = "sqrt";
  EXPECT_FALSE(validate_settings(settings).ok());
}

}  // namespace
}  // namespace vgsales
