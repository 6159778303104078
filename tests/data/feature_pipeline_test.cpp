// Tests for src/data/feature_pipeline.cpp: type inference, vocabularies, imputation, and the one encoder.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "data/feature_pipeline.h"
#include "support/test_support.h"
#include "table_fixtures.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;
using testing::write_text_file;

using testing::load_text;

std::string games_csv(int rows) {
  // platform: 3 values; name: unique; flag: 0/1; score: numeric with one missing.
  std::string text = "name,platform,flag,score,sales\n";
  const char* platforms[] = {"Wii", "PS4", "Wii", "X360"};
  for (int i = 0; i < rows; ++i)
    text += "Game " + std::to_string(i) + "," + platforms[i % 4] + "," + std::to_string(i % 2) + "," +
            (i == 3 ? std::string("N/A") : std::to_string(i % 7)) + "," + std::to_string(10 + i) + "\n";
  return text;
}

TEST(FeaturePipeline, InfersTypesAndDropsIdentifiers) {
  TemporaryDirectory dir;
  const Table table = load_text(dir, games_csv(40));
  auto schema = fit_feature_encoding(table, PipelineFitOptions{.target = "sales"});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  ASSERT_EQ(schema->features().size(), 3u);
  EXPECT_EQ(schema->features()[0].name, "platform");
  EXPECT_EQ(schema->features()[0].type, ColumnType::categorical);
  EXPECT_EQ(schema->features()[0].categories, (std::vector<std::string>{"Wii", "PS4", "X360"}));  // most frequent first
  EXPECT_EQ(schema->features()[1].type, ColumnType::boolean);
  EXPECT_EQ(schema->features()[2].type, ColumnType::numeric);
  EXPECT_TRUE(schema->features()[2].missing_indicator);
  ASSERT_EQ(schema->dropped().size(), 1u);
  EXPECT_EQ(schema->dropped()[0].first, "name");
  EXPECT_EQ(schema->encoded_width(), 5u + 1u + 2u);
}

TEST(FeaturePipeline, ZeroOneColumnsStayNumericInputs) {
  TemporaryDirectory dir;
  const Table table = load_text(dir, "a,b,y\n0,1.5,3\n1,2.5,4\n1,3.5,5\n");
  auto schema = fit_feature_encoding(table, PipelineFitOptions{.target = "y"});
  ASSERT_TRUE(schema.ok());
  EXPECT_TRUE(schema->all_numeric());
  EXPECT_EQ(schema->encoded_width(), 2u);  // no one-hot for 0/1 flags
  EXPECT_EQ(schema->encoded_names(), (std::vector<std::string>{"a", "b"}));
}

TEST(FeaturePipeline, AStrayWordInANumericColumnIsAnErrorNamingLineAndValue) {
  TemporaryDirectory dir;
  std::string text = "rating,y\n";
  for (int i = 0; i < 30; ++i) text += (i == 17 ? std::string("four") : std::to_string(i % 5)) + ",1\n";
  const Table table = load_text(dir, text);
  auto schema = fit_feature_encoding(table, PipelineFitOptions{.target = "y"});
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.error().message.find("t.csv:19: column 'rating': value 'four' is not a number"), std::string::npos)
      << schema.error().message;
}

TEST(FeaturePipeline, ErrorsForUnusableColumns) {
  TemporaryDirectory dir;
  auto all_missing = fit_feature_encoding(load_text(dir, "a,b,y\n1,,3\n2,NA,4\n"), PipelineFitOptions{.target = "y"});
  ASSERT_FALSE(all_missing.ok());
  EXPECT_NE(all_missing.error().message.find("column 'b': every cell is missing"), std::string::npos);

  auto one_value =
      fit_feature_encoding(load_text(dir, "a,g,y\n1,x,3\n2,x,4\n3,x,5\n"), PipelineFitOptions{.target = "y"});
  ASSERT_FALSE(one_value.ok());
  EXPECT_NE(one_value.error().message.find("column 'g': has a single value ('x')"), std::string::npos);

  auto no_target = fit_feature_encoding(load_text(dir, "a,b\n1,2\n"), PipelineFitOptions{.target = "y"});
  ASSERT_FALSE(no_target.ok());
  EXPECT_NE(no_target.error().message.find("no target column 'y'"), std::string::npos);
}

// --features picks and orders the columns (the target may not be one), --drop leaves columns out with a reason,
// --numeric keeps a 0/1 column numeric, and names absent from the header are errors.
TEST(FeaturePipeline, ColumnListsChooseTheFeatures) {
  TemporaryDirectory dir;
  const Table table = load_text(dir, "a,flag,p,y\n1,0,x,3\n2,1,z,4\n3,1,x,5\n");
  auto listed = fit_feature_encoding(table, PipelineFitOptions{.target = "y", .features = {"p", "a"}});
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->features().size(), 2u);
  EXPECT_EQ(listed->features()[0].name, "p");
  EXPECT_EQ(listed->features()[1].name, "a");
  EXPECT_TRUE(listed->dropped().empty());

  auto dropped = fit_feature_encoding(table, PipelineFitOptions{.target = "y", .drop = {"p"}, .numeric = {"flag"}});
  ASSERT_TRUE(dropped.ok()) << dropped.error().message;
  ASSERT_EQ(dropped->features().size(), 2u);
  EXPECT_EQ(dropped->features()[1].type, ColumnType::numeric);  // 0/1, but --numeric
  ASSERT_EQ(dropped->dropped().size(), 1u);
  EXPECT_EQ(dropped->dropped()[0], (std::pair<std::string, std::string>{"p", "dropped by --drop"}));

  auto target_as_feature = fit_feature_encoding(table, PipelineFitOptions{.target = "y", .features = {"a", "y"}});
  ASSERT_FALSE(target_as_feature.ok());
  EXPECT_EQ(target_as_feature.error().kind, ErrorKind::usage);
  EXPECT_EQ(target_as_feature.error().message, "the target 'y' cannot also be a feature");

  auto absent = fit_feature_encoding(table, PipelineFitOptions{.target = "y", .categorical = {"q"}});
  ASSERT_FALSE(absent.ok());
  EXPECT_NE(absent.error().message.find("no column 'q' in the header"), std::string::npos) << absent.error().message;

  auto nothing_left = fit_feature_encoding(table, PipelineFitOptions{.target = "y", .drop = {"a", "flag", "p"}});
  ASSERT_FALSE(nothing_left.ok());
  EXPECT_NE(nothing_left.error().message.find("t.csv: no feature columns left to train on"), std::string::npos);
}

// --schema: the given types replace inference, in the schema's order; identifier columns are left out.
TEST(FeaturePipeline, SchemaTypesReplaceInference) {
  TemporaryDirectory dir;
  const Table table = load_text(dir, "a,flag,p,y\n1,0,x,3\n2,1,z,4\n3,1,x,5\n");
  auto fitted = fit_feature_encoding(table, PipelineFitOptions{.target = "y",
                                                               .schema_types = {{"flag", ColumnType::categorical},
                                                                                {"p", ColumnType::identifier},
                                                                                {"a", ColumnType::numeric}}});
  ASSERT_TRUE(fitted.ok()) << fitted.error().message;
  ASSERT_EQ(fitted->features().size(), 2u);
  EXPECT_EQ(fitted->features()[0].name, "flag");
  EXPECT_EQ(fitted->features()[0].type, ColumnType::categorical);
  EXPECT_EQ(fitted->features()[0].categories, (std::vector<std::string>{"1", "0"}));
  EXPECT_EQ(fitted->features()[1].name, "a");

  auto lacking =
      fit_feature_encoding(table, PipelineFitOptions{.target = "y", .schema_types = {{"b", ColumnType::numeric}}});
  ASSERT_FALSE(lacking.ok());
  EXPECT_NE(lacking.error().message.find("t.csv: the schema names column 'b', which the file lacks"), std::string::npos)
      << lacking.error().message;
}

TEST(FeaturePipeline, TextTargetIsAnError) {
  TemporaryDirectory dir;
  const Table table = load_text(dir, "a,y\n1,high\n2,low\n3,high\n");
  auto target = read_target(table, "y");
  ASSERT_FALSE(target.ok());
  EXPECT_NE(target.error().message.find("column 'y': the target holds text"), std::string::npos);
}

TEST(FeaturePipeline, OverridesAndVocabularyCap) {
  TemporaryDirectory dir;
  std::string text = "code,y\n";
  for (int i = 0; i < 60; ++i) text += std::to_string(i % 6) + "," + std::to_string(i) + "\n";
  const Table table = load_text(dir, text);
  auto schema =
      fit_feature_encoding(table, PipelineFitOptions{.target = "y", .categorical = {"code"}, .max_categories = 4});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->features()[0].type, ColumnType::categorical);
  EXPECT_EQ(schema->features()[0].categories.size(), 4u);
  EXPECT_EQ(schema->features()[0].distinct_values, 6);
  EXPECT_EQ(schema->features()[0].rare_categories, (std::vector<std::string>{"4", "5"}));
  auto encoded = schema->encode_table(table);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(encoded->width, 6u);
  // Two of six codes fall into "other" (slot 4) for being rare, not unseen: no warning counts them.
  EXPECT_EQ(encoded->unseen_categories, 0);
  for (size_t row = 0; row < 60; ++row) EXPECT_EQ(encoded->values[row * 6 + 4], row % 6 >= 4 ? 1.0f : 0.0f) << row;
  const Table fresh = load_text(dir, "code\n5\n7\n0\n", "new.csv");
  auto fresh_encoded = schema->encode_table(fresh);
  ASSERT_TRUE(fresh_encoded.ok());
  EXPECT_EQ(fresh_encoded->unseen_categories, 1);  // only 7 was never seen
  EXPECT_EQ(fresh_encoded->values[0 * 6 + 4], 1.0f);
  EXPECT_EQ(fresh_encoded->values[1 * 6 + 4], 1.0f);
}

TEST(FeaturePipeline, EncodesOneHotOtherMissingAndImputes) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "p,s,y\nA,1,1\nB,3,2\nA,,3\nB,5,4\n", "train.csv");
  auto schema = fit_feature_encoding(train, PipelineFitOptions{.target = "y"});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_DOUBLE_EQ(schema->features()[1].fill_value, 3.0);
  const Table fresh = load_text(dir, "s,p,extra\n,C,0\n2,,0\n4,B,0\n", "new.csv");
  auto encoded = schema->encode_table(fresh);
  ASSERT_TRUE(encoded.ok()) << encoded.error().message;
  ASSERT_EQ(encoded->width, 6u);                          // p=A, p=B, p=other, p=missing, s, s_missing
  const std::vector<float> expected = {0, 0, 1, 0, 3, 1,  // unseen C -> other; missing s -> 3 + indicator
                                       0, 0, 0, 1, 2, 0,  // missing p
                                       0, 1, 0, 0, 4, 0};
  EXPECT_EQ(encoded->values, expected);
  EXPECT_EQ(encoded->unseen_categories, 1);
}

TEST(FeaturePipeline, EncodingATextValueInANumericFeatureNamesTheCell) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "s,y\n1,1\n2,2\n", "train.csv");
  auto schema = fit_feature_encoding(train, PipelineFitOptions{.target = "y"});
  ASSERT_TRUE(schema.ok());
  const Table fresh = load_text(dir, "s\n1\nlots\n", "new.csv");
  auto encoded = schema->encode_table(fresh);
  ASSERT_FALSE(encoded.ok());
  EXPECT_NE(encoded.error().message.find("new.csv:3: column 's': value 'lots' is not a number"), std::string::npos);
}

// The categories of a product-code column as people write them: each text its own category, never re-printed.
constexpr const char* kCodes[] = {"1.10", "007", "abc", "01", "1"};

// Mostly words (so inference calls the column categorical) with the five codes among them. With
// `numbers_first`, number-like codes come before the first word: the loader must read their text again exactly.
std::string code_table(bool numbers_first) {
  constexpr const char* kWords[] = {"abc", "def", "ghi", "jkl"};
  std::string text = "code,y\n";
  for (int i = 0; i < 60; ++i) {
    const bool code_row = numbers_first ? (i < 4 || i % 3 == 0) : (i >= 4 && i % 3 == 0);
    const std::string code = code_row ? kCodes[(numbers_first && i < 4) ? (i == 2   ? 4
                                                                           : i == 3 ? 3
                                                                                    : i)
                                                                        : i % 5]
                                      : kWords[i % 4];
    text += code + "," + std::to_string(i) + "\n";
  }
  return text;
}

TEST(FeaturePipeline, CategoriesKeepTheirExactTextWhetherInferredOrForced) {
  TemporaryDirectory dir;
  for (const bool numbers_first : {true, false}) {
    for (const bool forced : {false, true}) {
      TableLoadOptions load;
      if (forced) load.text_columns = {"code"};
      const Table table = load_text(dir, code_table(numbers_first), "codes.csv", load);
      PipelineFitOptions fit{.target = "y"};
      if (forced) fit.categorical = {"code"};
      auto pipeline = fit_feature_encoding(table, fit);
      ASSERT_TRUE(pipeline.ok()) << pipeline.error().message;
      std::vector<std::string> categories = pipeline->features()[0].categories;
      std::sort(categories.begin(), categories.end());
      EXPECT_EQ(categories, (std::vector<std::string>{"007", "01", "1", "1.10", "abc", "def", "ghi", "jkl"}))
          << "numbers first: " << numbers_first << ", forced: " << forced;
      // Every written value maps to its own slot, with no unseen count, through the row encoder.
      for (size_t k = 0; k < 5; ++k) {
        bool unseen = true;
        const size_t slot = pipeline->category_slot(0, kCodes[k], unseen);
        EXPECT_FALSE(unseen) << kCodes[k];
        EXPECT_EQ(pipeline->features()[0].categories[slot], kCodes[k]);
      }
    }
  }
}

TEST(FeaturePipeline, TableAndRowEncodersAgreeCellForCell) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "p,s,y\n007,1,1\nB,3,2\n007,,3\nB,5,4\n1.10,2,5\n", "train.csv",
                                TableLoadOptions{.text_columns = {"p"}});
  auto pipeline = fit_feature_encoding(train, PipelineFitOptions{.target = "y", .categorical = {"p"}});
  ASSERT_TRUE(pipeline.ok()) << pipeline.error().message;
  const std::string rows = "p,s\n007,2\n7,\nB,N/A\n1.10,4\n,1\n";
  const Table fresh = load_text(dir, rows, "new.csv", TableLoadOptions{.text_columns = {"p"}});
  auto from_table = pipeline->encode_table(fresh);
  ASSERT_TRUE(from_table.ok()) << from_table.error().message;
  const std::vector<std::vector<std::string>> cells = {{"007", "2"}, {"7", ""}, {"B", "N/A"}, {"1.10", "4"}, {"", "1"}};
  long long unseen = 0;
  for (size_t r = 0; r < cells.size(); ++r) {
    const std::vector<RawCell> raw = {RawCell::of_text(cells[r][0]), RawCell::of_text(cells[r][1])};
    std::vector<float> out(pipeline->encoded_width());
    ASSERT_TRUE(pipeline->encode_row(raw, out, unseen).ok());
    const std::vector<float> expected(from_table->values.begin() + static_cast<long>(r * out.size()),
                                      from_table->values.begin() + static_cast<long>((r + 1) * out.size()));
    EXPECT_EQ(out, expected) << "row " << r;
  }
  EXPECT_EQ(unseen, 1);  // "7" is not "007"
  EXPECT_EQ(from_table->unseen_categories, 1);
}

TEST(FeaturePipeline, ANumberGivenForACategoryIsReadAsWritten) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "year,y\n2006,1\n1.10,2\nx,3\n", "train.csv");
  auto pipeline = fit_feature_encoding(train, PipelineFitOptions{.target = "y", .categorical = {"year"}});
  ASSERT_TRUE(pipeline.ok()) << pipeline.error().message;
  long long unseen = 0;
  std::vector<float> out(pipeline->encoded_width());
  // A JSON number keeps its text: 1.10 is the category "1.10", not "1.1".
  const std::vector<RawCell> written = {RawCell::of_number(1.1, "1.10")};
  ASSERT_TRUE(pipeline->encode_row(written, out, unseen).ok());
  EXPECT_EQ(unseen, 0);
  // Without its text, the number's shortest form is used.
  const std::vector<RawCell> bare = {RawCell::of_number(2006)};
  ASSERT_TRUE(pipeline->encode_row(bare, out, unseen).ok());
  EXPECT_EQ(unseen, 0);
}

TEST(FeaturePipeline, RowErrorsNameTheFeatureAndTheValue) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "s,y\n1,1\n2,2\n", "train.csv");
  auto pipeline = fit_feature_encoding(train, PipelineFitOptions{.target = "y"});
  ASSERT_TRUE(pipeline.ok());
  long long unseen = 0;
  std::vector<float> out(pipeline->encoded_width());
  const std::vector<RawCell> word = {RawCell::of_text("lots")};
  auto result = pipeline->encode_row(word, out, unseen);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "column 's': value 'lots' is not a number");
  const std::vector<RawCell> infinite = {RawCell::of_text("inf")};
  EXPECT_FALSE(pipeline->encode_row(infinite, out, unseen).ok());
  const std::vector<RawCell> missing = {RawCell::of_text("NA")};
  EXPECT_TRUE(pipeline->encode_row(missing, out, unseen).ok());
}

TEST(FeaturePipeline, BindingNamesTheMissingColumnsWithTheClosestMatch) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "Total_Score,genre,y\n1,a,1\n2,b,2\n", "train.csv");
  auto pipeline = fit_feature_encoding(train, PipelineFitOptions{.target = "y"});
  ASSERT_TRUE(pipeline.ok());
  const std::vector<std::string> header = {"genre", "total_score", "extra", "y"};
  auto binding = pipeline->bind_columns(header);
  ASSERT_FALSE(binding.ok());
  EXPECT_NE(binding.error().message.find("'Total_Score' (did you mean 'total_score'?)"), std::string::npos)
      << binding.error().message;
  const std::vector<std::string> good = {"genre", "extra", "Total_Score", "y"};
  auto bound = pipeline->bind_columns(good);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->source_of_feature, (std::vector<size_t>{2, 0}));
  EXPECT_EQ(bound->ignored, (std::vector<std::string>{"extra"}));  // the target is not "ignored"
}

// A value needs min_category_rows training rows for its own input; the rest share "other" and are listed as rare.
TEST(FeaturePipeline, CategoriesNeedTheirMinimumRows) {
  TemporaryDirectory dir;
  std::string text = "p,y\n";
  for (int i = 0; i < 12; ++i) text += "Wii," + std::to_string(i) + "\n";
  for (int i = 0; i < 10; ++i) text += "PS4," + std::to_string(i) + "\n";
  for (int i = 0; i < 9; ++i) text += "DS," + std::to_string(i) + "\n";
  text += "GB,1\n";
  const Table train = load_text(dir, text);
  auto fitted = fit_feature_encoding(train, PipelineFitOptions{.target = "y", .min_category_rows = 10});
  ASSERT_TRUE(fitted.ok()) << fitted.error().message;
  EXPECT_EQ(fitted->features()[0].categories, (std::vector<std::string>{"Wii", "PS4"}));
  EXPECT_EQ(fitted->features()[0].rare_categories, (std::vector<std::string>{"DS", "GB"}));
  // The cap still binds after the threshold: the most frequent first.
  auto capped =
      fit_feature_encoding(train, PipelineFitOptions{.target = "y", .max_categories = 1, .min_category_rows = 10});
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->features()[0].categories, (std::vector<std::string>{"Wii"}));
  bool unseen = false;
  EXPECT_EQ(fitted->category_slot(0, "DS", unseen), fitted->features()[0].other_slot());
  EXPECT_FALSE(unseen);  // rare, not unseen
}

// Standard scaling: a numeric column to z-scores with the population sd; 0/1 columns, missing indicators and one-hot
// inputs stay as they are; min-max maps every input to 0..1.
TEST(FeaturePipeline, StandardScalingStandardisesOnlyNumericValues) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "x,flag,p,y\n1,0,a,1\n2,1,b,2\n3,1,a,3\n,0,b,4\n");
  auto fitted = fit_feature_encoding(train, PipelineFitOptions{.target = "y"});
  ASSERT_TRUE(fitted.ok()) << fitted.error().message;
  FeaturePipeline pipeline = *fitted;
  auto encoded = pipeline.encode_table(train);
  ASSERT_TRUE(encoded.ok());
  const std::vector<float> targets = {1, 2, 3, 4};
  ASSERT_TRUE(fit_scaling(pipeline, *encoded, targets, InputScaling::standard).ok());
  const PipelineScaling& scaling = pipeline.scaling();
  EXPECT_EQ(scaling.method, InputScaling::standard);
  // x: 1, 2, 3 and the fill value 2 (the mean): mean 2, population sd sqrt(0.5).
  EXPECT_FLOAT_EQ(scaling.input_offset[0], 2.0f);
  EXPECT_FLOAT_EQ(scaling.input_scale[0], static_cast<float>(1.0 / std::sqrt(0.5)));
  for (size_t c = 1; c < pipeline.encoded_width(); ++c) {  // x_missing, flag, p=a, p=b, p=other, p=missing
    EXPECT_EQ(scaling.input_offset[c], 0.0f) << pipeline.encoded_names()[c];
    EXPECT_EQ(scaling.input_scale[c], 1.0f) << pipeline.encoded_names()[c];
  }
  ASSERT_TRUE(fit_scaling(pipeline, *encoded, targets, InputScaling::minmax).ok());
  EXPECT_FLOAT_EQ(pipeline.scaling().input_offset[0], 1.0f);
  EXPECT_FLOAT_EQ(pipeline.scaling().input_scale[0], 0.5f);
}

}  // namespace
}  // namespace vgsales
