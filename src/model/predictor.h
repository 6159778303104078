// The inference interface the CLI, the model server and the benchmarks share; no LibTorch types.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"

namespace vgsales {

enum class FeatureKind { numeric, boolean, categorical };

struct SignatureFeature {
  std::string name;
  FeatureKind kind = FeatureKind::numeric;
};

struct ModelSignature {
  std::vector<SignatureFeature> features;  // raw input columns, in input order
  std::string target_name;                 // e.g. "total_earnings"
  std::string output_name;                 // e.g. "earnings"
  bool all_numeric() const {
    for (const auto& feature : features)
      if (feature.kind == FeatureKind::categorical) return false;
    return true;
  }
};

// One raw cell: missing, a number, or text (a category, or a number still as text).
using FieldValue = std::variant<std::monostate, double, std::string>;

struct Predictions {
  std::vector<float> values;       // one per row, in the target's own units
  long long unseen_categories = 0; // categorical cells with a value unseen in training (encoded as "other")
};

class Predictor {
 public:
  virtual ~Predictor() = default;
  virtual const ModelSignature& signature() const = 0;
  // Raw numeric features, row-major [rows][features]. Only for all-numeric signatures.
  // Thread-safe; no autograd.
  virtual Result<std::vector<float>> predict_numeric(std::span<const float> rows) const = 0;
  // Raw cells, row-major [rows][features]; encodes categories and imputes missing values as in training.
  virtual Result<Predictions> predict_cells(std::span<const FieldValue> cells) const = 0;
};

// Loads a model directory (model.pt + model.json) written by `vgsales train` or `vgsales export`.
Result<std::shared_ptr<const Predictor>> load_predictor(const std::filesystem::path& model_dir);

}  // namespace vgsales
