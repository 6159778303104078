// The JSON answers of the TF Serving REST API (docs/serving.md), written with RapidJSON's Writer: predictions, errors,
// the model's status and metadata. `vgsales predict --format json` writes its predictions with the same encoder.
#pragma once

#include <rapidjson/stringbuffer.h>

#include <span>
#include <string>
#include <string_view>

#include "serve/json_writer.h"
#include "serve/predict_request.h"
#include "serve/version_manager.h"

namespace vgsales::serve {

// {"error": "<message>"}, as TF Serving answers every failure.
std::string encode_error(std::string_view message);

// {"model_version_status": [{"version": "<version>", "state": "AVAILABLE", "status": {...OK...}}]}.
std::string encode_model_status(long long version);

// The model's metadata: model_spec, the SavedModel's signatures, and vgsales's feature names, feature descriptions,
// model card and target name inside "metadata" (model_description.h).
std::string encode_model_metadata(const std::string& model_name, const ServedModel& model);

// {"model_name": "<name>"}: the web page's configuration.
std::string encode_ui_config(std::string_view model_name);

// A PredictAnswer as TF Serving writes it: rows as {"predictions": [[mean], ...]}, columns as
// {"outputs": [[mean], ...]} (the output tensor is [N, 1]). With the interval signature each row is
// {"<out>": mean, "<out>_median": ..., "<out>_lower": ..., "<out>_upper": ...}, and columns give one list per output.
std::string encode_predict_answer(const PredictAnswer& answer);

// {"<key>": [[v], [v], ...]} written a batch at a time, so that a file of any size streams: begin(), add() per batch,
// finish(); each returns the text written since the last call.
class PredictionListEncoder {
 public:
  explicit PredictionListEncoder(std::string_view key = "predictions");
  std::string begin();
  std::string add(std::span<const float> values);
  std::string finish();

 private:
  std::string take();

  std::string key_;
  rapidjson::StringBuffer buffer_;
  SpacedJsonWriter writer_;
};

}  // namespace vgsales::serve
