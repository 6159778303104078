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
  std::vector<float> values;        // one per row, in the target's own units
  long long unseen_categories = 0;  // categorical cells with a value never seen in training (encoded as "other")
};

// Names a row in error messages: "games.csv:17", "instances[3]".
using RowLabel = std::function<std::string(size_t row)>;

class Predictor {
 public:
  virtual ~Predictor() = default;
  virtual const ModelMetadata& metadata() const = 0;
  const FeaturePipeline& pipeline() const { return metadata().pipeline; }

  // Encoded rows [rows][pipeline().encoded_width()] to one estimate each. Thread-safe; no allocation per row.
  virtual void predict_encoded(std::span<const float> encoded, std::span<float> out) const = 0;

  // Raw cells row-major [rows][features], in the pipeline's feature order, through the pipeline and the network.
  // A bad cell's error starts with `label(row)`.
  Result<Predictions> predict(std::span<const RawCell> cells, const RowLabel& label) const;
};

// Loads a model directory (model.json + model.safetensors, verified) written by `vgsales train` or `vgsales export`.
Result<std::shared_ptr<const Predictor>> load_predictor(const std::filesystem::path& model_dir);

}  // namespace vgsales
