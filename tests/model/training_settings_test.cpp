// Tests for src/model/training_settings.cpp: the declarations and name tables, layer lists, --validation-split
// parsing and what "auto" resolves to, and the JSON form.
#include <gtest/gtest.h>

#include "model/training_settings.h"

#include <map>

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
  settings.hidden_layers.clear();
  EXPECT_FALSE(validate_settings(settings).ok());
}

const SettingDeclaration& declaration(const std::string& key) {
  for (const SettingDeclaration& setting : training_setting_declarations())
    if (setting.key == key) return setting;
  ADD_FAILURE() << "no setting " << key;
  return training_setting_declarations().front();
}

// Every choice setting refuses a word no flag takes, naming the flag and listing the choices from its name table.
TEST(TrainingSettings, AChoiceNoFlagTakesIsRefusedNamingTheFlag) {
  const std::pair<const char*, const char*> cases[] = {
      {"target_transform", "--target-transform: 'bogus' is not auto, none or log1p"},
      {"input_scaling", "--input-scaling: 'bogus' is not standard or minmax"},
      {"median", "--median: 'bogus' is not auto, head or offset"},
      {"mean_correction", "--mean-correction: 'bogus' is not least-squares or smearing"}};
  for (const auto& [key, message] : cases) {
    TrainingSettings settings;
    auto refused = declaration(key).parse(settings, "bogus");
    ASSERT_FALSE(refused.ok()) << message;
    EXPECT_EQ(refused.error().kind, ErrorKind::usage);
    EXPECT_EQ(refused.error().message, message);
  }
}

// Each name table maps every value to one word and back; the pipeline's own words agree with the settings'.
TEST(TrainingSettings, NameTablesRoundTrip) {
  for (const auto& entry : choice_names(TargetTransformSetting{}))
    EXPECT_EQ(choice_from_name<TargetTransformSetting>(entry.name), entry.value) << entry.name;
  for (const auto& entry : choice_names(MedianSetting{}))
    EXPECT_EQ(choice_from_name<MedianSetting>(entry.name), entry.value) << entry.name;
  for (const auto& entry : choice_names(MeanCorrection{}))
    EXPECT_EQ(choice_from_name<MeanCorrection>(entry.name), entry.value) << entry.name;
  for (const auto& entry : choice_names(InputScaling{})) EXPECT_STREQ(input_scaling_name(entry.value), entry.name);
  EXPECT_STREQ(choice_name(TargetTransformSetting::automatic), "auto");
  EXPECT_STREQ(choice_name(target_transform_setting(TargetTransform::log1p)),
               target_transform_name(TargetTransform::log1p));
  EXPECT_STREQ(choice_name(MeanCorrection::least_squares), "least-squares");
  EXPECT_EQ(choice_from_name<MedianSetting>("Head"), std::nullopt);
  EXPECT_EQ(declaration("median").value_name, "auto|head|offset");
  TrainingSettings settings;
  ASSERT_TRUE(declaration("median").parse(settings, "offset").ok());
  EXPECT_EQ(settings.median, MedianSetting::offset);
  EXPECT_EQ(declaration("median").flag_text(settings), "offset");
}

// One list, in model.json's order: the numbers, then layers (kept in model.json's network section), validation_split
// and the choices. The flags whose value is text keep the README's order.
TEST(TrainingSettings, OneListDeclaresEverySetting) {
  std::vector<std::string> keys, text_flags;
  for (const SettingDeclaration& setting : training_setting_declarations()) {
    keys.push_back(setting.key);
    if (!setting.numeric) text_flags.push_back(setting.flag);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"epochs",      "batch_size",        "learning_rate",    "seed",
                                            "threads",     "early_stopping",    "test_split",       "members",
                                            "interval",    "min_category_rows", "max_categories",   "background_rows",
                                            "layers",      "validation_split",  "target_transform", "input_scaling",
                                            "median",      "mean_correction",   "target_range",     "target_units",
                                            "target_label"}));
  EXPECT_EQ(text_flags, (std::vector<std::string>{"--layers", "--validation-split", "--target-transform",
                                                  "--input-scaling", "--median", "--mean-correction", "--target-range",
                                                  "--target-units", "--target-label"}));
  EXPECT_FALSE(declaration("layers").in_training_section);
  EXPECT_EQ(declaration("mean_correction").when_absent, std::optional<std::string>("smearing"));
}

TEST(TrainingSettings, HyperparametersAndInfoComeFromTheDeclarations) {
  TrainingSettings settings;
  settings.validation_split = 0.2;
  settings.target_transform = TargetTransformSetting::log1p;
  const auto hyperparameters = hyperparameters_of(settings);
  std::vector<std::string> names;
  for (const auto& [name, value] : hyperparameters) names.push_back(name);
  // TensorBoard's names (patience, prediction_interval, scaling); threads, test_split and background_rows are not
  // logged.
  EXPECT_EQ(names, (std::vector<std::string>{"epochs", "batch_size", "learning_rate", "seed", "patience", "members",
                                             "prediction_interval", "min_category_rows", "max_categories", "layers",
                                             "validation_split", "target_transform", "scaling", "median",
                                             "mean_correction", "target_range"}));
  const std::map<std::string, HyperparameterValue> by_name(hyperparameters.begin(), hyperparameters.end());
  EXPECT_EQ(by_name.at("layers"), HyperparameterValue(std::string("50,100,50")));
  EXPECT_EQ(by_name.at("batch_size"), HyperparameterValue(32.0));
  EXPECT_EQ(by_name.at("validation_split"), HyperparameterValue(0.2));
  EXPECT_EQ(by_name.at("target_transform"), HyperparameterValue(std::string("log1p")));
  EXPECT_EQ(by_name.at("mean_correction"), HyperparameterValue(std::string("least-squares")));
  EXPECT_EQ(describe_settings(settings),
            "epochs=50 batch_size=32 learning_rate=0.001 seed=42 threads=1 early_stopping=10 test_split=0 members=5 "
            "interval=0.8 min_category_rows=10 max_categories=1000 background_rows=64 layers=50,100,50 "
            "validation_split=0.2 target_transform=log1p input_scaling=standard median=auto "
            "mean_correction=least-squares target_range=auto target_units=auto target_label=");
}

// model.json's "training" section: written and read back through the declarations; a file from before
// --mean-correction existed reads as smearing, what such models used.
TEST(TrainingSettings, TheTrainingSectionRoundTripsAndOlderFilesReadAsSmearing) {
  TrainingSettings settings;
  settings.validation_split = 0.25;
  settings.seed = (1LL << 60) + 1;
  settings.median = MedianSetting::head;
  settings.input_scaling = InputScaling::minmax;
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  write_settings_json(writer, settings);
  writer.EndObject();
  rapidjson::Document doc;
  ASSERT_TRUE(parse_json_object(doc, buffer.GetString(), "model.json").ok());
  TrainingSettings read;
  const JsonFieldReader reader("model.json");
  ASSERT_TRUE(read_settings_json(doc, reader, "training", read).ok());
  EXPECT_EQ(read.seed, settings.seed);
  EXPECT_EQ(read.validation_split, 0.25);
  EXPECT_EQ(read.median, MedianSetting::head);
  EXPECT_EQ(read.input_scaling, InputScaling::minmax);
  EXPECT_EQ(read.mean_correction, MeanCorrection::least_squares);
  doc.RemoveMember("mean_correction");
  ASSERT_TRUE(read_settings_json(doc, reader, "training", read).ok());
  EXPECT_EQ(read.mean_correction, MeanCorrection::smearing);
  // Before --background-rows existed no model had background.csv: such a file reads as 0.
  EXPECT_EQ(read.background_rows, 64);
  doc.RemoveMember("background_rows");
  ASSERT_TRUE(read_settings_json(doc, reader, "training", read).ok());
  EXPECT_EQ(read.background_rows, 0);
  doc["median"].SetString("mode");
  auto refused = read_settings_json(doc, reader, "training", read);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "model.json: field 'training': --median: 'mode' is not auto, head or offset");
  doc.RemoveMember("epochs");
  refused = read_settings_json(doc, reader, "training", read);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("'training.epochs'"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace vgsales
