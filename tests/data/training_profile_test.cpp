// The training profile: numpy's deciles, the bins of every kind of cell, the JSON form and its strict reader.
#include "data/training_profile.h"

#include <gtest/gtest.h>

#include <cmath>

#include "data/feature_pipeline.h"

namespace vgsales {
namespace {

ColumnProfile numeric_column(std::vector<double> edges) {
  ColumnProfile column{"x", ProfileKind::numeric, std::move(edges), {}, {}};
  column.counts.assign(column.bin_count(), 1);
  return column;
}

TEST(TrainingProfile, DecilesAreNumpysLinearPercentiles) {
  // numpy.percentile(range(1, 12), [10, 20, ..., 90]) = 2, 3, ..., 10; NaN (missing) is skipped.
  std::vector<float> values{11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, std::nanf("")};
  const auto edges = decile_edges(values);
  ASSERT_EQ(edges.size(), 9u);
  for (size_t i = 0; i < 9; ++i) EXPECT_DOUBLE_EQ(edges[i], static_cast<double>(i + 2));
  // numpy.percentile([1, 2, 3, 4], 10) = 1.3 (interpolated between the first two).
  std::vector<float> four{4, 3, 2, 1};
  EXPECT_NEAR(decile_edges(four)[0], 1.3, 1e-12);
  EXPECT_TRUE(decile_edges(std::vector<float>{std::nanf("")}).empty());
}

TEST(TrainingProfile, NumericBinsAreOpenEndedWithAMissingBin) {
  const ColumnProfile column = numeric_column({1, 2, 3, 4, 5, 6, 7, 8, 9});
  const MissingValueSet missing;
  EXPECT_EQ(column.bin_count(), 11u);
  EXPECT_EQ(*profile_bin(column, RawCell::of_number(-100), missing), 0u);
  EXPECT_EQ(*profile_bin(column, RawCell::of_number(1), missing), 0u);  // (-inf, 1]
  EXPECT_EQ(*profile_bin(column, RawCell::of_number(1.5), missing), 1u);
  EXPECT_EQ(*profile_bin(column, RawCell::of_number(9), missing), 8u);
  EXPECT_EQ(*profile_bin(column, RawCell::of_number(1e9), missing), 9u);
  EXPECT_EQ(*profile_bin(column, RawCell::of_text(" 2.5 "), missing), 2u);
  EXPECT_EQ(*profile_bin(column, RawCell::of_text("N/A"), missing), 10u);
  EXPECT_EQ(*profile_bin(column, RawCell::missing_value(), missing), 10u);
  const auto bad = profile_bin(column, RawCell::of_text("abc"), missing);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("column 'x': 'abc' is not a number"), std::string::npos);
  EXPECT_EQ(column.bin_labels().front(), "<= 1");
  EXPECT_EQ(column.bin_labels()[1], "(1, 2]");
  EXPECT_EQ(column.bin_labels()[9], "> 9");
}

TEST(TrainingProfile, CategoricalBinsAreTheCategoriesOtherAndMissing) {
  ColumnProfile column{"Platform", ProfileKind::categorical, {}, {"Wii", "DS", "1.10"}, {}};
  const MissingValueSet missing;
  EXPECT_EQ(column.bin_count(), 5u);
  EXPECT_EQ(*profile_bin(column, RawCell::of_text("DS"), missing), 1u);
  EXPECT_EQ(*profile_bin(column, RawCell::of_text("PS5"), missing), 3u);  // other
  EXPECT_EQ(*profile_bin(column, RawCell::of_text("tbd"), missing), 4u);  // missing
  EXPECT_EQ(*profile_bin(column, RawCell::of_number(1.1, "1.10"), missing), 2u);
  EXPECT_EQ(*profile_bin(column, RawCell::of_number(1.1, "1.1"), missing), 3u);
}

TEST(TrainingProfile, FittedOnATableThroughItsPipeline) {
  auto table = load_table_from_bytes("kind,size,y\na,1,1\na,2,1\nb,3,1\nc,,1\nN/A,5,1\n", "t.csv",
                                     TableLoadOptions{{}, {}, {"kind"}, ','});
  ASSERT_TRUE(table.ok()) << table.error().message;
  PipelineFitOptions options;
  options.target = "y";
  options.categorical = {"kind"};
  auto pipeline = fit_feature_encoding(*table, options);
  ASSERT_TRUE(pipeline.ok()) << pipeline.error().message;
  auto profile = fit_training_profile(*table, *pipeline);
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->rows, 5);
  const ColumnProfile* kind = profile->find("kind");
  const ColumnProfile* size = profile->find("size");
  ASSERT_TRUE(kind && size);
  long long kind_rows = 0;
  for (long long c : kind->counts) kind_rows += c;
  EXPECT_EQ(kind_rows, 5);
  EXPECT_EQ(kind->counts.back(), 1);  // N/A
  EXPECT_EQ(size->counts.back(), 1);  // the empty cell
  EXPECT_EQ(size->edges.size(), 9u);
}

TEST(TrainingProfile, JsonRoundTrips) {
  TrainingProfile profile;
  profile.rows = 3;
  profile.columns.push_back(numeric_column({0.5, 1, 1, 2, 3, 4, 5, 6, 7.25}));
  ColumnProfile category{"c", ProfileKind::categorical, {}, {"a", "\"quoted\""}, {1, 2, 0, 0}};
  profile.columns.push_back(category);
  const std::string json = training_profile_to_json(profile);
  auto read = training_profile_from_json(json, "p.json");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->rows, 3);
  ASSERT_EQ(read->columns.size(), 2u);
  EXPECT_EQ(read->columns[0].edges, profile.columns[0].edges);
  EXPECT_EQ(read->columns[0].counts, profile.columns[0].counts);
  EXPECT_EQ(read->columns[1].categories, category.categories);
  EXPECT_EQ(read->columns[1].counts, category.counts);
}

TEST(TrainingProfile, ReaderNamesTheFieldAtFault) {
  const std::string good = training_profile_to_json(TrainingProfile{1, {numeric_column({1, 2, 3, 4, 5, 6, 7, 8, 9})}});
  auto replaced = [&good](const std::string& from, const std::string& to) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    return training_profile_from_json(text, "p.json");
  };
  const std::vector<std::pair<std::pair<std::string, std::string>, std::string>> cases{
      {{"vgsales-training-profile", "other"}, "format"}, {{"\"version\": 1", "\"version\": 2"}, "version"},
      {{"2.0, 3.0", "3.0, 2.0"}, "columns[0].edges"},    {{"[1, 1, 1", "[1, -1, 1"}, "columns[0].counts"},
      {{"[1, 1, 1", "[1, 1"}, "columns[0].counts"},      {{"\"numeric\"", "\"text\""}, "columns[0].kind"},
  };
  for (const auto& [edit, field] : cases) {
    const auto read = replaced(edit.first, edit.second);
    ASSERT_FALSE(read.ok()) << edit.first;
    EXPECT_NE(read.error().message.find("p.json"), std::string::npos) << read.error().message;
    EXPECT_NE(read.error().message.find(field), std::string::npos) << read.error().message;
  }
  EXPECT_FALSE(training_profile_from_json("[1]", "p.json").ok());
  EXPECT_FALSE(training_profile_from_json("{", "p.json").ok());
}

}  // namespace
}  // namespace vgsales
