// The inference interface the CLI, the model server and the benchmarks share: the model's feature pipeline in front
// of its network. LibTorch-free.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/feature_pipeline.h"
#include "model/model_metadata.h"

namespace vgsales {

struct Predictions {
  std::vector<float> values;  // one per row, in the target's own units: the estimate of the mean
  std::vector<float> median;  // with an interval requested from a model that has one: one per row
  std::vector<float> lower;
  std::vector<float> upper;
  long long unseen_categories = 0;  // categorical cells with a value never seen in training (encoded as "other")
  bool has_interval() const { return !lower.empty(); }
};

// Names a row in error messages: "games.csv:17", "instances[3]".
using RowLabel = std::function<std::string(size_t row)>;

class Predictor {
 public:
  virtual ~Predictor() = default;
  virtual const ModelMetadata& metadata() const = 0;
  const FeaturePipeline& pipeline() const { return metadata().pipeline; }

  // Encoded rows [rows][pipeline().encoded_width()] to the mean estimate, and to the median and the interval's bounds
  // when those spans are given and the model has an interval. Thread-safe; no allocation per row.
  virtual void predict_encoded(std::span<const float> encoded, const EstimateSpans& out) const = 0;
  bool has_interval() const { return metadata().has_interval(); }

  // Raw cells row-major [rows][features], in the pipeline's feature order, through the pipeline and the network;
  // with `with_interval`, also the median and interval bounds (an error for a model without an interval).
  // A bad cell's error starts with `label(row)`.
  Result<Predictions> predict(std::span<const RawCell> cells, const RowLabel& label, bool with_interval = false) const;
};

// Loads a model directory (model.json + model.safetensors, verified) written by `vgsales train` or `vgsales export`.
Result<std::shared_ptr<const Predictor>> load_predictor(const std::filesystem::path& model_dir);

}  // namespace vgsales
