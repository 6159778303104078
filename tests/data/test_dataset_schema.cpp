// Tests for src/data/dataset_schema.cpp: type inference, encoders, imputation.
#include <gtest/gtest.h>

#include <cmath>

#include "data/dataset_schema.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;
using testing::write_text_file;

Table load_text(const TemporaryDirectory& dir, const std::string& text, const std::string& name = "t.csv") {
  auto table = load_table(write_text_file(dir / name, text));
  EXPECT_TRUE(table.ok()) << table.error().message;
  return std::move(table).value();
}

std::string games_csv(int rows) {
  // platform: 3 values; name: unique; flag: 0/1; score: numeric with one missing.
  std::string text = "name,platform,flag,score,sales\n";
  const char* platforms[] = {"Wii", "PS4", "Wii", "X360"};
  for (int i = 0; i < rows; ++i)
    text += "Game " + std::to_string(i) + "," + platforms[i % 4] + "," + std::to_string(i % 2) + "," +
            (i == 3 ? std::string("N/A") : std::to_string(i % 7)) + "," + std::to_string(10 + i) + "\n";
  return text;
}

TEST(DatasetSchema, InfersTypesAndDropsIdentifiers) {
  TemporaryDirectory dir;
  const Table table = load_text(dir, games_csv(40));
  auto schema = infer_schema(table, SchemaOptions{.target = "sales"});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  ASSERT_EQ(schema->features.size(), 3u);
  EXPECT_EQ(schema->features[0].name, "platform");
  EXPECT_EQ(schema->features[0].type, ColumnType::categorical);
  EXPECT_EQ(schema->features[0].categories, (std::vector<std::string>{"Wii", "PS4", "X360"}));  // most frequent first
  EXPECT_EQ(schema->features[1].type, ColumnType::boolean);
  EXPECT_EQ(schema->features[2].type, ColumnType::numeric);
  EXPECT_TRUE(schema->features[2].missing_indicator);
  ASSERT_EQ(schema->dropped.size(), 1u);
  EXPECT_EQ(schema->dropped[0].first, "name");
  EXPECT_EQ(schema->encoded_width(), 5u + 1u + 2u);
}

TEST(DatasetSchema, ZeroOneColumnsStayNumericInputs) {
  TemporaryDirectory dir;
  const Table table = load_text(dir, "a,b,y\n0,1.5,3\n1,2.5,4\n1,3.5,5\n");
  auto schema = infer_schema(table, SchemaOptions{.target = "y"});
  ASSERT_TRUE(schema.ok());
  EXPECT_TRUE(schema->all_numeric());
  EXPECT_EQ(schema->encoded_width(), 2u);  // no one-hot for 0/1 flags
  EXPECT_EQ(schema->encoded_names(), (std::vector<std::string>{"a", "b"}));
}

TEST(DatasetSchema, AStrayWordInANumericColumnIsAnErrorNamingLineAndValue) {
  TemporaryDirectory dir;
  std::string text = "rating,y\n";
  for (int i = 0; i < 30; ++i) text += (i == 17 ? std::string("four") : std::to_string(i % 5)) + ",1\n";
  const Table table = load_text(dir, text);
  auto schema = infer_schema(table, SchemaOptions{.target = "y"});
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.error().message.find("t.csv:19: column 'rating': value 'four' is not a number"), std::string::npos)
      << schema.error().message;
}

TEST(DatasetSchema, ErrorsForUnusableColumns) {
  TemporaryDirectory dir;
  auto all_missing = infer_schema(load_text(dir, "a,b,y\n1,,3\n2,NA,4\n"), SchemaOptions{.target = "y"});
  ASSERT_FALSE(all_missing.ok());
  EXPECT_NE(all_missing.error().message.find("column 'b': every cell is missing"), std::string::npos);

  auto one_value = infer_schema(load_text(dir, "a,g,y\n1,x,3\n2,x,4\n3,x,5\n"), SchemaOptions{.target = "y"});
  ASSERT_FALSE(one_value.ok());
  EXPECT_NE(one_value.error().message.find("column 'g': has a single value ('x')"), std::string::npos);

  auto no_target = infer_schema(load_text(dir, "a,b\n1,2\n"), SchemaOptions{.target = "y"});
  ASSERT_FALSE(no_target.ok());
  EXPECT_NE(no_target.error().message.find("no target column 'y'"), std::string::npos);
}

TEST(DatasetSchema, TextTargetIsAnError) {
  TemporaryDirectory dir;
  const Table table = load_text(dir, "a,y\n1,high\n2,low\n3,high\n");
  auto target = read_target(table, "y");
  ASSERT_FALSE(target.ok());
  EXPECT_NE(target.error().message.find("column 'y': the target holds text"), std::string::npos);
}

TEST(DatasetSchema, OverridesAndVocabularyCap) {
  TemporaryDirectory dir;
  std::string text = "code,y\n";
  for (int i = 0; i < 60; ++i) text += std::to_string(i % 6) + "," + std::to_string(i) + "\n";
  const Table table = load_text(dir, text);
  auto schema = infer_schema(table, SchemaOptions{.target = "y", .categorical = {"code"}, .max_categories = 4});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->features[0].type, ColumnType::categorical);
  EXPECT_EQ(schema->features[0].categories.size(), 4u);
  EXPECT_EQ(schema->features[0].distinct_values, 6);
  EXPECT_EQ(schema->features[0].rare_categories, (std::vector<std::string>{"4", "5"}));
  auto encoded = encode_features(table, *schema);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(encoded->width, 6u);
  // Two of six codes fall into "other" (slot 4) for being rare, not unseen: no warning counts them.
  EXPECT_EQ(encoded->unseen_categories, 0);
  for (size_t row = 0; row < 60; ++row)
    EXPECT_EQ(encoded->values[row * 6 + 4], row % 6 >= 4 ? 1.0f : 0.0f) << row;
  const Table fresh = load_text(dir, "code\n5\n7\n0\n", "new.csv");
  auto fresh_encoded = encode_features(fresh, *schema);
  ASSERT_TRUE(fresh_encoded.ok());
  EXPECT_EQ(fresh_encoded->unseen_categories, 1);  // only 7 was never seen
  EXPECT_EQ(fresh_encoded->values[0 * 6 + 4], 1.0f);
  EXPECT_EQ(fresh_encoded->values[1 * 6 + 4], 1.0f);
}

TEST(DatasetSchema, EncodesOneHotOtherMissingAndImputes) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "p,s,y\nA,1,1\nB,3,2\nA,,3\nB,5,4\n", "train.csv");
  auto schema = infer_schema(train, SchemaOptions{.target = "y"});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_DOUBLE_EQ(schema->features[1].fill_value, 3.0);
  const Table fresh = load_text(dir, "s,p,extra\n,C,0\n2,,0\n4,B,0\n", "new.csv");
  auto encoded = encode_features(fresh, *schema);
  ASSERT_TRUE(encoded.ok()) << encoded.error().message;
  ASSERT_EQ(encoded->width, 6u);  // p=A, p=B, p=other, p=missing, s, s_missing
  const std::vector<float> expected = {0, 0, 1, 0, 3, 1,   // unseen C -> other; missing s -> 3 + indicator
                                       0, 0, 0, 1, 2, 0,   // missing p
                                       0, 1, 0, 0, 4, 0};
  EXPECT_EQ(encoded->values, expected);
  EXPECT_EQ(encoded->unseen_categories, 1);
}

TEST(DatasetSchema, EncodingATextValueInANumericFeatureNamesTheCell) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "s,y\n1,1\n2,2\n", "train.csv");
  auto schema = infer_schema(train, SchemaOptions{.target = "y"});
  ASSERT_TRUE(schema.ok());
  const Table fresh = load_text(dir, "s\n1\nlots\n", "new.csv");
  auto encoded = encode_features(fresh, *schema);
  ASSERT_FALSE(encoded.ok());
  EXPECT_NE(encoded.error().message.find("new.csv:3: column 's': value 'lots' is not a number"), std::string::npos);
}

}  // namespace
}  // namespace vgsales
