// Tests for src/model/background_rows.cpp: the seeded sample of training rows written as background.csv, read back
// exactly (categories that look like numbers, quotes, missing cells), covered by SHA256SUMS, and its absence or damage
// reported.
#include "model/background_rows.h"

#include <gtest/gtest.h>

#include "common/file_checksums.h"
#include "support/test_support.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;
using testing::write_text_file;

FeaturePipeline pipeline_for_test() {
  return FeaturePipeline({FeatureSpec{.name = "price", .type = ColumnType::numeric, .min = 1, .max = 100},
                          FeatureSpec{.name = "publisher", .type = ColumnType::categorical, .categories = {"007"}}},
                         "sales", MissingValueSet());
}

Table training_table() {
  std::string csv = "publisher,sales,price\n";
  for (int i = 0; i < 40; ++i)
    csv += (i % 3 ? "007" : "\"Take-Two, Inc.\"") + std::string(",") + std::to_string(i) + "," +
           (i % 7 ? std::to_string(i + 1) : std::string("")) + "\n";
  TableLoadOptions load;
  load.text_columns = {"publisher"};
  return load_table_from_bytes(csv, "train.csv", load).value();
}

TEST(BackgroundRows, ASeededSampleOfTheFeatureColumnsReadsBackExactly) {
  const Table table = training_table();
  const std::string csv = sample_background_csv(table, pipeline_for_test(), 8, 42);
  EXPECT_EQ(csv, sample_background_csv(table, pipeline_for_test(), 8, 42));  // seeded
  EXPECT_NE(csv, sample_background_csv(table, pipeline_for_test(), 8, 43));
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "price,publisher");  // the model's columns, the target left out
  const BackgroundRows rows = parse_background_csv(csv, "background.csv", pipeline_for_test()).value();
  ASSERT_EQ(rows.rows(), 8u);
  ASSERT_EQ(rows.features(), 2u);
  bool saw_quoted = false, saw_missing = false;
  for (size_t r = 0; r < rows.rows(); ++r) {
    const RawCell& publisher = rows.row(r)[1];
    ASSERT_EQ(publisher.kind, RawCell::Kind::text);
    EXPECT_TRUE(publisher.text == "007" || publisher.text == "Take-Two, Inc.") << publisher.text;
    saw_quoted |= publisher.text == "Take-Two, Inc.";
    saw_missing |= rows.row(r)[0].kind == RawCell::Kind::missing;
  }
  EXPECT_TRUE(saw_quoted);
  const BackgroundRows all = parse_background_csv(sample_background_csv(table, pipeline_for_test(), 1000, 1),
                                                  "background.csv", pipeline_for_test())
                                 .value();
  EXPECT_EQ(all.rows(), 40u);  // a table smaller than asked gives every row
  for (size_t r = 0; r < all.rows(); ++r) saw_missing |= all.row(r)[0].kind == RawCell::Kind::missing;
  EXPECT_TRUE(saw_missing);
  EXPECT_EQ(sample_background_csv(table, pipeline_for_test(), 0, 42), "");
}

TEST(BackgroundRows, CopiesKeepTheirCellsPointingIntoTheirOwnTexts) {
  const std::string csv = sample_background_csv(training_table(), pipeline_for_test(), 4, 42);
  std::optional<BackgroundRows> copy;
  {
    const BackgroundRows original = parse_background_csv(csv, "background.csv", pipeline_for_test()).value();
    copy.emplace(original);
  }
  EXPECT_TRUE(copy->row(0)[1].text == "007" || copy->row(0)[1].text == "Take-Two, Inc.");
}

TEST(BackgroundRows, AbsentDamagedOrWrongFilesAreClearErrors) {
  TemporaryDirectory dir;
  const auto absent = read_background_rows(dir.path(), pipeline_for_test());
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().kind, ErrorKind::not_found);
  EXPECT_NE(absent.error().message.find("--background-rows 0"), std::string::npos) << absent.error().message;
  EXPECT_NE(absent.error().message.find("older vgsales"), std::string::npos) << absent.error().message;

  write_text_file(dir / kBackgroundFileName, "price,publisher\n3,007\n");
  ASSERT_TRUE(write_checksum_file(dir.path(), {kBackgroundFileName}).ok());
  EXPECT_EQ(read_background_rows(dir.path(), pipeline_for_test()).value().rows(), 1u);
  write_text_file(dir / kBackgroundFileName, "price,publisher\n4,007\n");  // changed after sealing
  EXPECT_FALSE(read_background_rows(dir.path(), pipeline_for_test()).ok());

  const auto missing_column = parse_background_csv("price\n3\n", "background.csv", pipeline_for_test());
  ASSERT_FALSE(missing_column.ok());
  EXPECT_NE(missing_column.error().message.find("publisher"), std::string::npos) << missing_column.error().message;
  // The file is named too (background_csv_fuzzer's finding: a misspelt header's error named no file).
  EXPECT_EQ(missing_column.error().message.rfind("background.csv: ", 0), 0u) << missing_column.error().message;
  const auto text_price = parse_background_csv("price,publisher\nlots,007\n", "bg.csv", pipeline_for_test());
  EXPECT_TRUE(text_price.ok());  // read as text; the model's encoding refuses it when explaining, naming the row
  EXPECT_FALSE(parse_background_csv("price,publisher\n", "bg.csv", pipeline_for_test()).ok());
}

}  // namespace
}  // namespace vgsales
