// Fuzzes background.csv, the model file `vgsales explain` and the server's :explain read: any bytes parsed against a
// small trained model's features (fuzz/model/: numeric, boolean and categorical columns), and when they parse, the
// Shapley explainer built on them and one of their rows explained, whose attributions must add up to its estimate.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "explain/shapley_explainer.h"
#include "model/background_rows.h"

namespace {

std::shared_ptr<const vgsales::Predictor> model() {
  static const std::shared_ptr<const vgsales::Predictor> predictor = [] {
    auto loaded = vgsales::load_predictor(VGSALES_FUZZ_MODEL_DIR);
    if (!loaded.ok()) {
      std::fprintf(stderr, "cannot load %s: %s\n", VGSALES_FUZZ_MODEL_DIR, loaded.error().message.c_str());
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return predictor;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales;
  const auto predictor = model();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<BackgroundRows> rows = parse_background_csv(text, "background.csv", predictor->pipeline());
  if (!rows.ok()) {
    if (rows.error().message.find("background.csv") == std::string::npos) std::abort();  // errors name the file
    return 0;
  }
  if (rows->rows() == 0 || rows->rows() > 8) return 0;  // keep each input quick: 2^9 x 8 coalition rows at most
  const BackgroundRows instance_rows = *rows;
  Result<ShapleyExplainer> explainer = ShapleyExplainer::create(predictor, std::move(rows).value());
  if (!explainer.ok()) return 0;  // a cell the model refuses, named by row
  auto explained = explainer->explain(instance_rows.row(0), [](size_t) { return std::string("row 1"); });
  if (!explained.ok()) std::abort();  // the background's own row was accepted once already
  // Attributions and baseline add up to the estimate, within float rounding of the terms' own size: a background row
  // of huge values (a boolean given 1e17) makes terms that cancel, whose rounding dwarfs a small estimate.
  for (const OutputAttribution& output : explained->front().outputs) {
    double sum = output.baseline, scale = std::max(1.0, std::max(std::abs(output.estimate), std::abs(output.baseline)));
    for (double value : output.attributions) sum += value, scale = std::max(scale, std::abs(value));
    if (std::abs(sum - output.estimate) > 1e-3 * scale) std::abort();
  }
  return 0;
}
