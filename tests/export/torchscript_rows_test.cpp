// Tests for the raw-row methods of model.pt (src/torchscript/torchscript_writer.cpp), run in Python torch:
// forward_rows and interval_rows on raw columns (unseen, rare, missing and padded cells) against the library's own
// Predictor, which `vgsales predict` and `vgsales serve` use.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "export/export_folder.h"
#include "export/export_test_support.h"
#include "model/predictor.h"

namespace vgsales {
namespace {

using testing::make_network_for;
using testing::make_synthetic_pipeline;

// Raw rows for make_synthetic_pipeline(): Platform, Year, is_sequel, Genre.
const std::vector<std::vector<std::string>> kRows = {
    {"Wii", "2006", "1", "Action"}, {"GB", "", "0", "Sports"},           {"never seen", "NaN", "1", ""},
    {"nA", "1990", "0", "sports"},  {" PS4\t", " 2015 ", "1", "Action"}, {"DS", "N/A", "0", "NULL"},
};

std::string rows_csv() {
  std::string text = "Platform,Year,is_sequel,Genre\n";
  for (const auto& row : kRows) text += row[0] + "," + row[1] + "," + row[2] + "," + row[3] + "\n";
  return text;
}

// What the library predicts for kRows: [mean, median, lower, upper] per row.
std::vector<double> predictor_estimates(const std::filesystem::path& model_dir) {
  const auto predictor = load_predictor(model_dir);
  EXPECT_TRUE(predictor.ok()) << predictor.error().message;
  if (!predictor.ok()) return {};
  std::vector<RawCell> cells;
  for (const auto& row : kRows)
    for (const std::string& cell : row) cells.push_back(RawCell::of_text(cell));
  const auto predictions = (*predictor)
                               ->predict(
                                   cells, [](size_t row) { return std::to_string(row); }, true);
  EXPECT_TRUE(predictions.ok()) << predictions.error().message;
  std::vector<double> out;
  for (size_t r = 0; predictions.ok() && r < kRows.size(); ++r)
    for (const auto* values : {&predictions->values, &predictions->median, &predictions->lower, &predictions->upper})
      out.push_back((*values)[r]);
  return out;
}

TEST(TorchScriptRowsTest, ForwardRowsAndIntervalRowsEqualThePredictor) {
  testing::point_at_torchscript_plugin();
  for (TargetTransform transform : {TargetTransform::none, TargetTransform::log1p}) {
    testing::TemporaryDirectory root;
    const FeaturePipeline pipeline = make_synthetic_pipeline();
    PortableNetwork network = make_network_for(pipeline, {8, 4}, transform);
    const OutputShifts shifts{.mean = 0.0f, .median = 0.02f, .has_interval = true, .lower = -0.3f, .upper = 0.4f};
    const auto model_dir = testing::write_synthetic_model_directory(root / "model", network, &pipeline, shifts);
    ExportRequest request{.model_dir = model_dir, .formats = {ExportFormat::torchscript}, .base = root / "serving"};
    const auto summary = export_model(request);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    testing::write_text_file(root / "rows.csv", rows_csv());
    const std::vector<double> expected = predictor_estimates(model_dir);
    ASSERT_EQ(expected.size(), kRows.size() * 4);
    const auto estimates =
        testing::run_engine_on_csv("torchscript-interval", summary->folder / "model.pt", root / "rows.csv");
    testing::expect_close(estimates, expected, 1.0, "model.pt interval_rows vs the predictor");
    std::vector<double> means;
    for (size_t r = 0; r < kRows.size(); ++r) means.push_back(expected[r * 4]);
    testing::expect_close(testing::run_engine_on_csv("torchscript-rows", summary->folder / "model.pt",
                                                     root / "rows.csv"),
                          means, 1.0, "model.pt forward_rows vs the predictor");
  }
}

}  // namespace
}  // namespace vgsales
