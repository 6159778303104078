// Semicolon- and tab-separated files, and files that are not text, through train, predict and evaluate as users
// run them (the real binary).
#include <gtest/gtest.h>

#include <regex>

#include "cli_fixtures.h"

namespace vgsales {
namespace {

using testing::q;
using testing::run_vgsales;
using testing::TemporaryDirectory;
using testing::write_text_file;

// `text` with its commas replaced (the synthetic tables hold no quoted fields).
std::string with_separator(std::string text, char separator) {
  std::replace(text.begin(), text.end(), ',', separator);
  return text;
}

TEST(CsvDialects, SemicolonAndTabFilesTrainPredictAndEvaluateLikeCommaFiles) {
  TemporaryDirectory dir;
  testing::make_cli_model(dir);
  const std::string train_text = testing::read_text_file(dir / "train.csv");
  const std::string test_text = testing::read_text_file(dir / "test.csv");
  const auto semicolons = write_text_file(dir / "train_semicolons.csv", with_separator(train_text, ';'));
  const auto tabs = write_text_file(dir / "test_tabs.tsv", with_separator(test_text, '\t'));

  // Trained from the semicolon copy, the model is the comma model (same seed, same cells): same model.json weights.
  const auto train = run_vgsales("train --train " + q(semicolons) + " --test " + q(dir / "test.csv") +
                                 " --target total_earnings --out " + q(dir / "model_semi") +
                                 " --epochs 20 --layers 8,4 --no-logs");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find(semicolons.string() +
                           ": reading it as semicolon-separated (detected from the header line; --delimiter chooses)"),
            std::string::npos)
      << train.out;
  EXPECT_EQ(train.out.find("test.csv: reading it as"), std::string::npos) << "a comma file needs no notice";
  EXPECT_EQ(testing::read_text_file(dir / "model_semi" / "model.safetensors"),
            testing::read_text_file(dir / "model" / "model.safetensors"));

  const auto comma = run_vgsales("predict --model " + q(dir / "model") + " --input " + q(dir / "test.csv"));
  const auto tab = run_vgsales("predict --model " + q(dir / "model") + " --input " + q(tabs));
  ASSERT_EQ(tab.exit_code, 0) << tab.err;
  EXPECT_EQ(tab.out, comma.out);  // output is always comma-separated CSV
  EXPECT_EQ(tab.err,
            tabs.string() + ": reading it as tab-separated (detected from the header line; --delimiter chooses)\n");
  const auto given = run_vgsales("predict --model " + q(dir / "model") + " --input " + q(tabs) + " --delimiter tab");
  EXPECT_EQ(given.out, comma.out);
  EXPECT_EQ(given.err, "") << "a separator given is not announced";

  const auto evaluate_comma =
      run_vgsales("evaluate --model " + q(dir / "model") + " --data " + q(dir / "test.csv") + " --json");
  const auto evaluate_tab = run_vgsales("evaluate --model " + q(dir / "model") + " --data " + q(tabs) + " --json");
  ASSERT_EQ(evaluate_tab.exit_code, 0) << evaluate_tab.err;
  EXPECT_EQ(evaluate_tab.out, evaluate_comma.out);  // stdout stays one JSON object; the notice is on stderr
  EXPECT_NE(evaluate_tab.err.find("reading it as tab-separated"), std::string::npos);
}

TEST(CsvDialects, AOneFieldHeaderNeverSaysNoTargetColumnWithoutTheSeparator) {
  TemporaryDirectory dir;
  const auto semicolons = write_text_file(dir / "games.csv", "critic_rating;unit_price;y\n4;59.99;10\n3;19.99;5\n");
  const auto tabs = write_text_file(dir / "games.tsv", "critic_rating\tunit_price\ty\n4\t59.99\t10\n3\t19.99\t5\n");
  const std::string out = " --target y --out " + q(dir / "m") + " --no-logs --quiet";
  struct Case {
    std::filesystem::path file;
    std::string delimiter;
    std::string expected;
  };
  const Case cases[] = {
      {semicolons, "','",
       ":1: the header is one column with --delimiter ',' but 3 columns split at semicolons: the file looks "
       "semicolon-separated (use --delimiter ';' or auto)"},
      {tabs, "';'",
       ":1: the header is one column with --delimiter ';' but 3 columns split at tabs: the file looks tab-separated "
       "(use --delimiter tab or auto)"},
  };
  for (const Case& c : cases) {
    const auto result = run_vgsales("train --train " + q(c.file) + out + " --delimiter " + c.delimiter);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.err, "vgsales: error: " + c.file.string() + c.expected + "\n");
    EXPECT_EQ(result.err.find("no target column"), std::string::npos);
  }
  // With auto (the default) they train, and a row short of fields names the separator the count used.
  EXPECT_EQ(run_vgsales("train --train " + q(semicolons) + out).exit_code, 0);
  const auto ragged = write_text_file(dir / "ragged.csv", "a;b;y\n1;2;3\n1;2\n");
  const auto result = run_vgsales("train --train " + q(ragged) + out);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "vgsales: error: " + ragged.string() +
                            ":3: expected 3 fields (as in the header split at semicolons) but found 2\n");
}

TEST(CsvDialects, BinaryAndNonUtf8FilesSaySo) {
  TemporaryDirectory dir;
  testing::make_cli_model(dir);
  std::string gzip("\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  gzip += "\xAB\xCD\xEF";
  const auto binary = write_text_file(dir / "sales.csv.gz", gzip);
  // Byte 25: the header is 19 bytes, then "4,Pok".
  const auto latin1 = write_text_file(dir / "latin1.csv", "critic_rating,name\n4,Pok\xE9mon\n");
  const std::string binary_message = "vgsales: error: " + binary.string() +
                                     ": not a text CSV file (binary data at byte 1)\n";
  for (const std::string& command :
       {"train --target y --no-logs --out " + q(dir / "m") + " --train ",
        "predict --model " + q(dir / "model") + " --input ", "evaluate --model " + q(dir / "model") + " --data "}) {
    const auto result = run_vgsales(command + q(binary));
    EXPECT_EQ(result.exit_code, 1) << command;
    EXPECT_EQ(result.err, binary_message) << command;
  }
  const auto result = run_vgsales("predict --model " + q(dir / "model") + " --input " + q(latin1));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "vgsales: error: " + latin1.string() +
                            ": not a UTF-8 text CSV file (byte 25, on line 2, is 0xE9, which UTF-8 does not allow; "
                            "Latin-1 or Windows-1252 text? save it as UTF-8)\n");
}

}  // namespace
}  // namespace vgsales
