// Fuzzes `vgsales predict --row 'name=value,...'`: any bytes as the --row text, parsed against a small trained
// model's features (parse_row_assignment: quotes, blanks, empty values, repeated and unknown names) and, when
// parsed, predicted as predict_row does. The model is fuzz/model/ (a directory `vgsales train` wrote, with numeric,
// boolean and categorical features and missing-value indicators; fuzz/make_corpus.py).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "model/model_evaluation.h"
#include "model/predictor.h"

namespace {

const vgsales::Predictor& model() {
  static const std::shared_ptr<const vgsales::Predictor> predictor = [] {
    auto loaded = vgsales::load_predictor(VGSALES_FUZZ_MODEL_DIR);
    if (!loaded.ok()) {
      std::fprintf(stderr, "cannot load %s: %s\n", VGSALES_FUZZ_MODEL_DIR, loaded.error().message.c_str());
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return *predictor;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales;
  const Predictor& predictor = model();
  const std::string text(reinterpret_cast<const char*>(data), size);
  Result<std::vector<std::string>> row = parse_row_assignment(text, predictor.pipeline());
  if (!row.ok()) {
    if (row.error().message.rfind("--row", 0) != 0) std::abort();  // every error names the flag
    return 0;
  }
  if (row->size() != predictor.pipeline().features().size()) std::abort();
  std::vector<RawCell> cells;
  for (const std::string& value : *row) cells.push_back(RawCell::of_text(value));
  auto label = [](size_t) { return std::string("--row"); };
  (void)predictor.predict(cells, label, predictor.has_interval());
  return 0;
}
