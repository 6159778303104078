// Tests for src/model/model_metadata.cpp: round trip and field-naming errors.
#include <gtest/gtest.h>

#include "model/model_metadata.h"

namespace vgsales {
namespace {

ModelMetadata sample() {
  ModelMetadata m;
  m.created = "2026-01-01T00:00:00Z";
  FeatureSpec rating{.name = "critic_rating",
                     .type = ColumnType::numeric,
                     .min = 2,
                     .max = 5,
                     .fill_value = 3.5,
                     .missing_indicator = true};
  FeatureSpec platform{.name = "platform",
                       .type = ColumnType::categorical,
                       .categories = {"Wii", "PS4"},
                       .rare_categories = {"DS", "GB"},
                       .distinct_values = 4};
  m.pipeline = FeaturePipeline({rating, platform}, "total_earnings", MissingValueSet());
  m.pipeline.set_dropped({{"Name", "identifier-like"}});
  m.pipeline.set_target_transform(TargetTransform::log1p);
  m.pipeline.set_scaling(PipelineScaling{{2, 0, 0, 0, 0, 0}, {0.333f, 1, 1, 1, 1, 1}, 10.3f, 2.1f});
  m.output_name = "earnings";
  m.shifts.mean = 0.25f;
  m.members = 3;
  m.shifts = OutputShifts{.mean = 0.25f, .median = -0.1f, .has_interval = true, .lower = -0.9f, .upper = 1.2f};
  m.member_epochs = {4, 7, 6};
  m.interval_level = 0.8;
  m.interval_calibration_rows = 1200;
  m.interval_calibration = "test";
  m.settings.hidden_layers = {5, 3};
  m.settings.learning_rate = 0.01;
  m.settings.epochs = 7;
  m.settings.seed = (1LL << 60) + 1;  // beyond a double's exact integers
  m.settings.validation_split = 0.1;
  m.settings.target_transform = "log1p";
  m.metrics["test"] = SplitMetrics{.loss = 0.1, .mse = 4, .rmse = 2, .mae = 1.5, .mape = 3, .r2 = 0.9, .rows = 400};
  m.baselines["mean"] = SplitMetrics{.rmse = 40000, .rows = 400};
  m.versions["vgsales"] = "0.2.0";
  return m;
}

TEST(ModelMetadata, RoundTripsThroughJson) {
  const ModelMetadata original = sample();
  const std::string json = metadata_to_json(original);
  auto parsed = metadata_from_json(json, "model.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& features = parsed->pipeline.features();
  EXPECT_EQ(features.size(), 2u);
  EXPECT_EQ(features[1].categories, (std::vector<std::string>{"Wii", "PS4"}));
  EXPECT_EQ(features[1].rare_categories, (std::vector<std::string>{"DS", "GB"}));
  EXPECT_TRUE(features[0].missing_indicator);
  EXPECT_EQ(parsed->settings.validation_split.value_or(-1), 0.1);
  EXPECT_EQ(parsed->pipeline.target_transform(), TargetTransform::log1p);
  EXPECT_EQ(parsed->settings.target_transform, "log1p");
  EXPECT_EQ(parsed->settings.hidden_layers, (std::vector<int>{5, 3}));
  EXPECT_DOUBLE_EQ(parsed->settings.learning_rate, 0.01);
  EXPECT_EQ(parsed->settings.epochs, 7);
  EXPECT_EQ(parsed->settings.seed, (1LL << 60) + 1);
  EXPECT_FLOAT_EQ(parsed->shifts.mean, 0.25f);
  EXPECT_EQ(parsed->members, 3);
  ASSERT_TRUE(parsed->has_interval());
  EXPECT_FLOAT_EQ(parsed->shifts.upper, 1.2f);
  EXPECT_DOUBLE_EQ(parsed->interval_level, 0.8);
  EXPECT_FLOAT_EQ(parsed->pipeline.scaling().target_scale, 2.1f);
  EXPECT_DOUBLE_EQ(parsed->metrics.at("test").rmse, 2);
  EXPECT_DOUBLE_EQ(parsed->metrics.at("test").loss, 0.1);
  EXPECT_EQ(parsed->output_name, "earnings");
  EXPECT_EQ(parsed->member_epochs, (std::vector<int>{4, 7, 6}));
  EXPECT_FALSE(parsed->shifts.median_from_head);
  EXPECT_EQ(parsed->output_width(), 1);
  EXPECT_EQ(metadata_to_json(*parsed), json);
  // A median read from the head widens every member's last layer to two columns, and round-trips.
  ModelMetadata with_head = original;
  with_head.shifts.median_from_head = true;
  auto head = metadata_from_json(metadata_to_json(with_head), "model.json");
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_TRUE(head->shifts.median_from_head);
  EXPECT_EQ(head->output_width(), 2);
  // Keys other tools rely on.
  for (const char* key : {"\"pipeline\"", "\"features\"", "\"metrics\"", "\"input_scaling\"", "\"network\"",
                          "\"versions\"", "\"created\"", "\"encoded_inputs\""})
    EXPECT_NE(json.find(key), std::string::npos) << key;
}

TEST(ModelMetadata, NamesTheFieldThatIsMissingOrWrong) {
  auto not_json = metadata_from_json("{ nope", "m/model.json");
  ASSERT_FALSE(not_json.ok());
  EXPECT_NE(not_json.error().message.find("m/model.json: not valid JSON"), std::string::npos);
  const std::string json = metadata_to_json(sample());
  auto with = [&json](const std::string& from, const std::string& to) {
    std::string edited = json;
    const auto at = edited.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return edited.replace(at, from.size(), to);
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with("\"scale\": [", "\"scalX\": ["), "pipeline.input_scaling.scale"},
      {with("\"mean_shift\"", "\"mean_shifX\""), "network.mean_shift"},
      {with("\"epochs\": 7", "\"epochs\": -7"), "training.epochs"},
      {with("\"format_version\": 2", "\"format_version\": 1"), "format_version 1 is not 2"},
      {with("\"rmse\": 2.0", "\"rmse\": \"two\""), "metrics.test.rmse"},
      {with("\"input_width\": 6", "\"input_width\": 7"), "network.input_width"},
  };
  for (const auto& [text, field] : cases) {
    auto parsed = metadata_from_json(text, "model.json");
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_NE(parsed.error().message.find(field), std::string::npos) << parsed.error().message;
  }
}

TEST(ModelMetadata, OutputNameDropsTotalPrefix) {
  EXPECT_EQ(default_output_name("total_earnings"), "earnings");
  EXPECT_EQ(default_output_name("Global_Sales"), "Global_Sales");
}

}  // namespace
}  // namespace vgsales
