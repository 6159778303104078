// `vgsales explain` end to end: one game, a file and the global importance from a trained model; its JSON is the
// server's :explain body; the attributions plus the baseline are `predict`'s estimate; and the clear errors (no
// background.csv after --background-rows 0, an unknown column, a missing column).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>

#include "cli_fixtures.h"

namespace vgsales::testing {
namespace {

const std::string kRow =
    "'critic_rating=4.5,is_action=1,is_exclusive_to_us=0,is_portable=0,is_role_playing=0,is_sequel=1,is_sports=0,"
    "suitable_for_kids=0,unit_price=59.99'";

TEST(ExplainCommand, OneGameAsJsonSumsToPredictsEstimate) {
  TemporaryDirectory dir;
  make_cli_model(dir);
  ASSERT_TRUE(std::filesystem::exists(dir / "model" / "background.csv"));
  const auto predicted = run_vgsales("predict --model " + q(dir / "model") + " --row " + kRow);
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  const double estimate = std::stod(predicted.out);
  const auto explained = run_vgsales("explain --model " + q(dir / "model") + " --row " + kRow + " --format json");
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  rapidjson::Document doc;
  doc.Parse(explained.out.c_str());
  ASSERT_TRUE(doc.IsObject()) << explained.out;
  const auto& mean = doc["explanations"][0]["attributions"][0];
  EXPECT_STREQ(mean["outputName"].GetString(), "mean");
  EXPECT_NEAR(mean["instanceOutputValue"].GetDouble(), estimate, 1e-6 * std::abs(estimate) + 0.01);
  double sum = mean["baselineOutputValue"].GetDouble();
  for (const auto& member : mean["featureAttributions"].GetObject()) sum += member.value.GetDouble();
  EXPECT_NEAR(sum, estimate, 1e-5 * std::max(std::abs(estimate), 1.0));
  EXPECT_EQ(mean["featureAttributions"].MemberCount(), 9u);
}

TEST(ExplainCommand, TableCsvAndGlobalImportance) {
  TemporaryDirectory dir;
  make_cli_model(dir);
  const auto table = run_vgsales("explain --model " + q(dir / "model") + " --row " + kRow);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("exact Shapley values over 64 background rows"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("critic_rating = 4.5"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("baseline"), std::string::npos) << table.out;
  const auto csv = run_vgsales("explain --model " + q(dir / "model") + " --input " + q(dir / "test.csv") +
                               " --format csv --output " + q(dir / "explained.csv"));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string text = read_text_file(dir / "explained.csv");
  EXPECT_EQ(text.substr(0, text.find(',', text.find("approximation_error"))),
            "row,output,method,baseline,estimate,approximation_error");
  EXPECT_NE(text.find("test.csv:101,mean,exact,"), std::string::npos);  // the last row, by file line
  const auto global = run_vgsales("explain --model " + q(dir / "model") + " --global " + q(dir / "test.csv"));
  ASSERT_EQ(global.exit_code, 0) << global.err;
  EXPECT_NE(global.out.find("Global importance over 100 rows"), std::string::npos) << global.out;
  EXPECT_NE(global.out.find("is_exclusive_to_us: "), std::string::npos) << global.out;
}

TEST(ExplainCommand, ClearErrors) {
  TemporaryDirectory dir;
  make_cli_model(dir, "--background-rows 0");
  EXPECT_FALSE(std::filesystem::exists(dir / "model" / "background.csv"));
  EXPECT_EQ(run_vgsales("predict --model " + q(dir / "model") + " --row " + kRow).exit_code, 0);
  const auto none = run_vgsales("explain --model " + q(dir / "model") + " --row " + kRow);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("--background-rows 0"), std::string::npos) << none.err;
  // Models written before background.csv existed (tests/model/format_versions) load, and explain says why it cannot.
  for (const char* version : {"v2", "v3"}) {
    const auto old = run_vgsales("explain --model " + q(source_dir() / "tests/model/format_versions" / version) +
                                 " --row 'critic_rating=4'");
    EXPECT_EQ(old.exit_code, 1) << version;
    EXPECT_NE(old.err.find("has no background.csv"), std::string::npos) << old.err;
    EXPECT_NE(old.err.find("older vgsales"), std::string::npos) << old.err;
  }
  TemporaryDirectory other;
  make_cli_model(other);
  const auto unknown = run_vgsales("explain --model " + q(other / "model") + " --row 'critic_ratin=4'");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("critic_rating"), std::string::npos) << unknown.err;
  write_text_file(other / "short.csv", "critic_rating,is_action\n4,1\n");
  const auto missing = run_vgsales("explain --model " + q(other / "model") + " --input " + q(other / "short.csv"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("short.csv"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("unit_price"), std::string::npos) << missing.err;
  EXPECT_EQ(run_vgsales("explain --model " + q(other / "model")).exit_code, 2);
}

}  // namespace
}  // namespace vgsales::testing
