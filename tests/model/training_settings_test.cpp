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

TEST(TrainingSettings, AutoValidationSplitHoldsOutTenPercentButAtLeast200RowsAndAtMostAQuarter) {
  EXPECT_DOUBLE_EQ(automatic_validation_split(1000), 0.2);      // the reference data: 200 rows
  EXPECT_DOUBLE_EQ(automatic_validation_split(13278), 0.1);     // a vgsales split: 10 %
  EXPECT_DOUBLE_EQ(automatic_validation_split(10000000), 0.1);  // 10M rows: still 10 %
  EXPECT_DOUBLE_EQ(automatic_validation_split(2000), 0.1);      // 200 rows is 10 % here
  EXPECT_DOUBLE_EQ(automatic_validation_split(400), 0.25);      // fewer than 800 rows: a quarter
  EXPECT_DOUBLE_EQ(automatic_validation_split(19), 0.0);        // a handful of rows: none held out
  EXPECT_DOUBLE_EQ(automatic_validation_split(20), 0.25);
}

TEST(TrainingSettings, ValidationRejectsBadCombinations) {
  TrainingSettings settings;
  EXPECT_TRUE(validate_settings(settings).ok());
  settings.validation_split = 0.95;
  EXPECT_FALSE(validate_settings(settings).ok());
  settings.validation_split = 0.0;  // no holdout: every member keeps its last epoch, patience has nothing to watch
  settings.early_stopping = 3;
  EXPECT_TRUE(validate_settings(settings).ok());
  settings.interval = 0.3;  // an interval below 50 % is refused, naming the flag
  auto low = validate_settings(settings);
  ASSERT_FALSE(low.ok());
  EXPECT_NE(low.error().message.find("--interval"), std::string::npos);
  settings.interval = 0.0;
  EXPECT_TRUE(validate_settings(settings).ok());
  settings.target_transform = "sqrt";
  EXPECT_FALSE(validate_settings(settings).ok());
}

// Every text setting is checked against its flag's own choices, so a value no flag takes is refused naming it.
TEST(TrainingSettings, ValidationRefusesAChoiceNoFlagTakes) {
  struct Case {
    std::string TrainingSettings::*field;
    std::string message;
  };
  const Case cases[] = {{&TrainingSettings::target_transform, "--target-transform: 'bogus' is not auto, none or log1p"},
                        {&TrainingSettings::input_scaling, "--input-scaling: 'bogus' is not standard or minmax"},
                        {&TrainingSettings::median, "--median: 'bogus' is not auto, head or offset"},
                        {&TrainingSettings::mean_correction,
                         "--mean-correction: 'bogus' is not least-squares or smearing"}};
  for (const Case& c : cases) {
    TrainingSettings settings;
    settings.*c.field = "bogus";
    auto refused = validate_settings(settings);
    ASSERT_FALSE(refused.ok()) << c.message;
    EXPECT_EQ(refused.error().kind, ErrorKind::usage);
    EXPECT_EQ(refused.error().message, c.message);
  }
}

}  // namespace
}  // namespace vgsales
