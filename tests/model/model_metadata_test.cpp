// Tests for src/model/model_metadata.cpp: round trip, field-naming errors and reading the older format 2.
#include <gtest/gtest.h>

#include "model/model_metadata.h"

#include <filesystem>

#include "model/model_evaluation.h"
#include "model/predictor.h"
#include "support/test_support.h"

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
  m.kept_epoch = 7;
  m.interval_level = 0.8;
  m.interval_calibration_rows = 1200;
  m.interval_calibration = "test";
  m.settings.hidden_layers = {5, 3};
  m.settings.learning_rate = 0.01;
  m.settings.epochs = 7;
  m.settings.seed = (1LL << 60) + 1;  // beyond a double's exact integers
  m.settings.validation_split = 0.1;
  m.settings.target_transform = TargetTransformSetting::log1p;
  // As training resolves them: the pipeline's range, the units and the label.
  m.pipeline.set_target_range(TargetRange{.min = 0});
  m.settings.target_range = {TargetRangeSetting::Kind::fixed, TargetRange{.min = 0}};
  m.settings.target_units = "dollars";
  m.settings.target_label = "Earnings";
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
  EXPECT_EQ(parsed->settings.target_transform, TargetTransformSetting::log1p);
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
  EXPECT_EQ(parsed->kept_epoch, 7);
  EXPECT_EQ(parsed->format_version, kModelFormatVersion);
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
  for (const char* key :
       {"\"pipeline\"", "\"features\"", "\"metrics\"", "\"input_scaling\"", "\"network\"", "\"versions\"",
        "\"created\"", "\"encoded_inputs\"", "\"kept_epoch\": 7", "\"format_version\": 4", "\"median\": \"auto\"",
        "\"mean_correction\": \"least-squares\"", "\"target_range\": \"0,inf\"", "\"target_units\": \"dollars\"",
        "\"target_label\": \"Earnings\"", "\"range\": {\n        \"min\": 0.0,\n        \"max\": null"})
    EXPECT_NE(json.find(key), std::string::npos) << key;
  EXPECT_EQ(json.find("best_epoch"), std::string::npos);
  EXPECT_EQ(parsed->pipeline.target_range(), TargetRange{.min = 0});
  EXPECT_EQ(parsed->target_units().quantity(1805.3), "$1,805");
  EXPECT_EQ(parsed->target_units().name(), "Earnings");
}

// Format 3 had no target range, units or label: it reads as unbounded, with the money rule's units and the column's
// name, and writes back as format 4 with them resolved.
TEST(ModelMetadata, ReadsFormatVersion3AsUnboundedWithTheMoneyRule) {
  ModelMetadata format3 = sample();
  format3.pipeline.set_target_range({});
  std::string json = metadata_to_json(format3);
  json.replace(json.find("\"format_version\": 4"), 19, "\"format_version\": 3");
  for (const char* key : {"target_range", "target_units", "target_label"}) {
    const size_t at = json.find(std::string("    \"") + key + "\"");
    ASSERT_NE(at, std::string::npos) << key;
    json.erase(at, json.find('\n', at) + 1 - at);
  }
  const size_t range = json.find(",\n      \"range\"");
  ASSERT_NE(range, std::string::npos);
  json.erase(range, json.find('}', range) + 1 - range);
  auto parsed = metadata_from_json(json, "model.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\n" << json;
  EXPECT_EQ(parsed->format_version, 3);
  EXPECT_FALSE(parsed->pipeline.target_range().bounded());
  EXPECT_EQ(parsed->settings.target_range.kind, TargetRangeSetting::Kind::none);
  EXPECT_EQ(parsed->settings.target_units, "dollars");
  EXPECT_EQ(parsed->settings.target_label, "");
  EXPECT_EQ(parsed->target_units().name(), "total_earnings");
}

// Format 2 (vgsales before the kept epoch had one name) called it best_epoch: such a model.json still reads, and is
// written back as format 3.
TEST(ModelMetadata, ReadsFormatVersion2) {
  std::string json = metadata_to_json(sample());
  json.replace(json.find("\"format_version\": 4"), 19, "\"format_version\": 2");
  json.replace(json.find("\"kept_epoch\""), 12, "\"best_epoch\"");
  auto parsed = metadata_from_json(json, "model.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->format_version, 2);
  EXPECT_EQ(parsed->kept_epoch, 7);
  EXPECT_EQ(metadata_to_json(*parsed), metadata_to_json(sample()));
}

// Model directories written by earlier vgsales versions, one per format (`vgsales train` on
// data/synthetic_sales_training.csv with --members 2 --epochs 3 --layers 8,4): each loads and predicts what the vgsales
// that wrote it predicted for data/synthetic_new_games.csv (`vgsales predict --format csv` of that vgsales, digit for
// digit). Formats 2 and 3 differ in model.json only, so the two directories predict the same numbers.
class OlderModelDirectory : public ::testing::TestWithParam<int> {};

TEST_P(OlderModelDirectory, LoadsAndPredictsAsBefore) {
  const int version = GetParam();
  const std::filesystem::path dir = testing::source_dir() / "tests" / "model" / "format_versions" /
                                    ("v" + std::to_string(version));
  auto predictor = load_predictor(dir);
  ASSERT_TRUE(predictor.ok()) << predictor.error().message;
  const ModelMetadata& m = (*predictor)->metadata();
  EXPECT_EQ(m.format_version, version);
  EXPECT_EQ(m.kept_epoch, 3);
  EXPECT_EQ(m.member_epochs, (std::vector<int>{3, 3}));
  EXPECT_EQ(m.settings.median, MedianSetting::offset);
  std::vector<float> mean, median, lower, upper;
  CsvPredictionHandlers handlers;
  handlers.on_batch = [&](const CsvPredictionBatch& batch) -> Result<void> {
    const Predictions& p = batch.predictions;
    mean.insert(mean.end(), p.values.begin(), p.values.end());
    median.insert(median.end(), p.median.begin(), p.median.end());
    lower.insert(lower.end(), p.lower.begin(), p.lower.end());
    upper.insert(upper.end(), p.upper.begin(), p.upper.end());
    return {};
  };
  auto summary = predict_csv(**predictor, testing::source_dir() / "data" / "synthetic_new_games.csv", {}, handlers,
                             kDetectDelimiter, true);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(mean, (std::vector<float>{118325.28f, 64296.535f, 94259.84f}));
  EXPECT_EQ(median, (std::vector<float>{149718.19f, 95689.45f, 125652.76f}));
  EXPECT_EQ(lower, (std::vector<float>{100840.69f, 46811.945f, 76775.25f}));
  EXPECT_EQ(upper, (std::vector<float>{212852.19f, 158823.44f, 188786.75f}));
}

INSTANTIATE_TEST_SUITE_P(EveryOlderFormat, OlderModelDirectory, ::testing::Values(2, 3),
                         [](const auto& info) { return "format" + std::to_string(info.param); });

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
      {with("\"format_version\": 4", "\"format_version\": 1"), "format_version 1 is not 2 to 4"},
      {with("\"format_version\": 4", "\"format_version\": 1"), "(an older model: retrain it with `vgsales train`)"},
      {with("\"format_version\": 4", "\"format_version\": 5"), "format_version 5 is not 2 to 4"},
      {with("\"format_version\": 4", "\"format_version\": 5"), "(a newer model: upgrade vgsales)"},
      // Format 3 names the kept epoch kept_epoch; best_epoch is format 2's name, not accepted beside it.
      {with("\"kept_epoch\"", "\"best_epoch\""), "training.kept_epoch"},
      {with("\"format_version\": 4", "\"format_version\": 2"), "training.best_epoch"},
      {with("\"target_range\": \"0,inf\"", "\"target_range\": \"0;9\""), "'training': --target-range: '0;9'"},
      {with("\"target_units\": \"dollars\"", "\"target_units\": 7"), "training.target_units"},
      {with("\"max\": null", "\"max\": -1.0"), "pipeline.target.range"},
      {with("\"median_source\": \"offset\"", "\"median_source\": \"auto\""), "network.median_source"},
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
