// One predict request and its answer as every protocol sees them: which model, which signature, the rows (raw cells or
// the encoded layout) and how they were laid out. A protocol's decoder fills a PredictRequest, the PredictionService
// answers it and the protocol's encoder writes the PredictAnswer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "data/feature_pipeline.h"
#include "model/predictor.h"

namespace vgsales::serve {

// Which servable a request names: the model's name and a version, empty for the latest.
struct ModelSpec {
  std::string name;
  std::string version;
};

// The signatures a model answers, named as in the SavedModel `vgsales export` writes.
enum class Signature {
  serving_default,  // raw rows; for an all-numeric model also rows already in the encoded layout
  rows,             // raw rows: one value per feature
  interval,         // raw rows, answered with the mean, the median and the interval's bounds (models with an interval)
  encoded,          // rows in the encoded layout (model.json's `encoded_inputs`)
};
// The one name table: "serving_default", "rows", "interval", "encoded".
const char* signature_name(Signature signature);
// The signature a request names: empty means serving_default; "interval" only for a model with an interval. Any
// other name is invalid_data with TF Serving's text.
Result<Signature> signature_named(std::string_view name, const Predictor& predictor);

// The name TF Serving gives the only signature; requests naming another get a 400.
inline constexpr const char* kServingSignatureName = "serving_default";
// A model with a prediction interval also answers this signature: the mean, the median and the interval's bounds.
inline constexpr const char* kIntervalSignatureName = "interval";
// The SavedModel's packed signature: rows already in the encoded layout (model.json's `encoded_inputs`), one output.
inline constexpr const char* kEncodedSignatureName = "encoded";
// The SavedModel's raw-row signature, which serving_default's raw decoding answers.
inline constexpr const char* kRowsSignatureName = "rows";

// How the request laid its rows out, which the answer follows: TF Serving answers rows (`instances`) with
// `predictions`, one entry per row, and columns (`inputs`) with `outputs`, one list per output.
enum class RowLayout { rows, columns };

// A decoded predict request, row-major. Raw cells may point into the request's text, which must outlive them.
struct PredictRequest {
  Signature signature = Signature::serving_default;
  RowLayout layout = RowLayout::rows;
  std::size_t rows = 0;
  std::vector<RawCell> cells;  // [rows][features], for every signature but encoded
  std::vector<float> encoded;  // [rows][encoded width], for the encoded signature
};

// The answer to a PredictRequest: the mean for every signature; with the interval signature also the median and the
// bounds, each output named after the model's output (`<output>`, `<output>_median`, `_lower`, `_upper`).
struct PredictAnswer {
  RowLayout layout = RowLayout::rows;
  bool interval = false;
  std::string output_name;
  std::size_t rows = 0;
  Predictions predictions;
};

}  // namespace vgsales::serve
