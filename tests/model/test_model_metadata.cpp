// Tests for src/model/model_metadata.cpp: round trip and field-naming errors.
#include <gtest/gtest.h>

#include "model/model_metadata.h"

namespace vgsales {
namespace {

ModelMetadata sample() {
  ModelMetadata m;
  m.created = "2026-01-01T00:00:00Z";
  m.schema.target = "total_earnings";
  FeatureSpec rating{.name = "critic_rating", .type = ColumnType::numeric, .min = 2, .max = 5, .fill_value = 3.5,
                     .missing_indicator = true};
  FeatureSpec platform{.name = "platform", .type = ColumnType::categorical, .categories = {"Wii", "PS4"},
                       .rare_categories = {"DS", "GB"}, .distinct_values = 4};
  m.schema.features = {rating, platform};
  m.schema.dropped = {{"Name", "identifier-like"}};
  m.output_name = "earnings";
  m.input_offset = {2, 0, 0, 0, 0, 0};
  m.input_scale = {0.333f, 1, 1, 1, 1, 1};
  m.target_offset = 31000;
  m.target_scale = 270000;
  m.settings.hidden_layers = {5, 3};
  m.settings.learning_rate = 0.01;
  m.settings.epochs = 7;
  m.settings.validation_split = 0.1;
  m.target_transform = "log1p";
  m.metrics["test"] = SplitMetrics{.loss = 0.1, .mse = 4, .rmse = 2, .mae = 1.5, .mape = 3, .r2 = 0.9, .rows = 400};
  m.baselines["mean"] = SplitMetrics{.rmse = 40000, .rows = 400};
  m.versions["vgsales"] = "0.1.0";
  return m;
}

TEST(ModelMetadata, RoundTripsThroughJson) {
  const ModelMetadata original = sample();
  const std::string json = metadata_to_json(original);
  auto parsed = metadata_from_json(json, "model.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->schema.features.size(), 2u);
  EXPECT_EQ(parsed->schema.features[1].categories, (std::vector<std::string>{"Wii", "PS4"}));
  EXPECT_EQ(parsed->schema.features[1].rare_categories, (std::vector<std::string>{"DS", "GB"}));
  EXPECT_EQ(parsed->settings.validation_split.value_or(-1), 0.1);
  EXPECT_EQ(parsed->target_transform, "log1p");
  EXPECT_TRUE(parsed->schema.features[0].missing_indicator);
  EXPECT_EQ(parsed->settings.hidden_layers, (std::vector<int>{5, 3}));
  EXPECT_DOUBLE_EQ(parsed->settings.learning_rate, 0.01);
  EXPECT_EQ(parsed->settings.epochs, 7);
  EXPECT_DOUBLE_EQ(parsed->metrics.at("test").rmse, 2);
  EXPECT_EQ(parsed->output_name, "earnings");
  EXPECT_EQ(metadata_to_json(*parsed).find("\"rmse\": 2.0"), json.find("\"rmse\": 2.0"));
  // Keys other tools rely on.
  for (const char* key : {"\"features\"", "\"metrics\"", "\"scaling\"", "\"architecture\"", "\"versions\"", "\"created\""})
    EXPECT_NE(json.find(key), std::string::npos) << key;
}

TEST(ModelMetadata, NamesTheFieldThatIsMissingOrWrong) {
  auto not_json = metadata_from_json("{ nope", "m/model.json");
  ASSERT_FALSE(not_json.ok());
  EXPECT_NE(not_json.error().message.find("m/model.json: not valid JSON"), std::string::npos);
  std::string json = metadata_to_json(sample());
  const auto at = json.find("\"input_scale\"");
  std::string broken = json;
  broken.replace(at, std::string("\"input_scale\"").size(), "\"input_scalX\"");
  auto missing = metadata_from_json(broken, "model.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("scaling.input_scale"), std::string::npos) << missing.error().message;
}

TEST(ModelMetadata, OutputNameDropsTotalPrefix) {
  EXPECT_EQ(default_output_name("total_earnings"), "earnings");
  EXPECT_EQ(default_output_name("Global_Sales"), "Global_Sales");
}

}  // namespace
}  // namespace vgsales
