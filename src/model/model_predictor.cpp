// The Predictor behind `predict`, the server and the benchmarks: model.json's encoders feeding
// the native forward pass.
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "model/model_directory.h"
#include "model/model_metadata.h"
#include "model/native_forward.h"
#include "model/predictor.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

FeatureKind kind_of(ColumnType type) {
  switch (type) {
    case ColumnType::categorical: return FeatureKind::categorical;
    case ColumnType::boolean: return FeatureKind::boolean;
    default: return FeatureKind::numeric;
  }
}

class ModelPredictor final : public Predictor {
 public:
  ModelPredictor(ModelMetadata metadata, PortableNetwork network)
      : metadata_(std::move(metadata)), network_(std::move(network)), native_(network_) {
    for (const auto& feature : metadata_.schema.features)
      signature_.features.push_back({feature.name, kind_of(feature.type)});
    signature_.target_name = metadata_.schema.target;
    signature_.output_name = metadata_.output_name;
    identity_encoding_ = true;
    for (const auto& feature : metadata_.schema.features)
      identity_encoding_ = identity_encoding_ && feature.type != ColumnType::categorical && !feature.missing_indicator;
    for (const auto& feature : metadata_.schema.features) category_slots_.push_back(category_slots(feature));
  }

  const ModelSignature& signature() const override { return signature_; }

  Result<std::vector<float>> predict_numeric(std::span<const float> rows) const override {
    const size_t width = metadata_.schema.features.size();
    if (rows.size() % width != 0)
      return make_error(ErrorKind::invalid_data,
                        "expected rows of " + std::to_string(width) + " features, got " + std::to_string(rows.size()) + " values");
    if (identity_encoding_) return run(rows);
    std::vector<FieldValue> cells(rows.begin(), rows.end());
    for (auto& cell : cells)
      if (std::isnan(std::get<double>(cell))) cell = std::monostate{};
    VGSALES_ASSIGN_OR_RETURN(Predictions predictions, predict_cells(cells));
    return std::move(predictions.values);
  }

  Result<Predictions> predict_cells(std::span<const FieldValue> cells) const override {
    const auto& features = metadata_.schema.features;
    const size_t width = features.size();
    if (width == 0 || cells.size() % width != 0)
      return make_error(ErrorKind::invalid_data,
                        "expected rows of " + std::to_string(width) + " features, got " + std::to_string(cells.size()) + " values");
    const size_t rows = cells.size() / width;
    const size_t encoded_width = metadata_.input_offset.size();
    std::vector<float> encoded(rows * encoded_width, 0.0f);
    Predictions predictions;
    for (size_t r = 0; r < rows; ++r) {
      float* out = encoded.data() + r * encoded_width;
      for (size_t f = 0; f < width; ++f) {
        const FeatureSpec& spec = features[f];
        const FieldValue& cell = cells[r * width + f];
        if (spec.type == ColumnType::categorical) {
          const size_t other = spec.categories.size();
          size_t slot = other + 1;  // missing
          const std::string* value = std::get_if<std::string>(&cell);
          std::string number_text;  // short enough to stay in the string's own buffer: no allocation per cell
          if (const auto* number = std::get_if<double>(&cell)) {
            // A JSON number for a category such as a year: compare its shortest text form.
            char buffer[32];
            const auto printed = std::to_chars(buffer, buffer + sizeof buffer, *number);
            number_text.assign(buffer, printed.ptr);
            value = &number_text;
          }
          if (value) {
            auto found = category_slots_[f].find(*value);
            if (found != category_slots_[f].end()) {
              slot = found->second;
            } else {
              slot = other;
              ++predictions.unseen_categories;
            }
          }
          out[slot] = 1.0f;
          out += spec.encoded_width();
          continue;
        }
        double value = spec.fill_value;
        bool missing = true;
        if (const auto* number = std::get_if<double>(&cell)) {
          if (!std::isfinite(*number))
            return make_error(ErrorKind::invalid_data, "row " + std::to_string(r + 1) + ": feature '" + spec.name +
                                                           "' must be a finite number");
          value = *number;
          missing = false;
        } else if (std::holds_alternative<std::string>(cell)) {
          return make_error(ErrorKind::invalid_data, "row " + std::to_string(r + 1) + ": feature '" + spec.name +
                                                         "' must be a number, got text '" +
                                                         std::get<std::string>(cell) + "'");
        }
        out[0] = static_cast<float>(value);
        if (spec.missing_indicator) out[1] = missing ? 1.0f : 0.0f;
        out += spec.encoded_width();
      }
    }
    VGSALES_ASSIGN_OR_RETURN(predictions.values, run(encoded));
    return predictions;
  }

 private:
  // NativeForward for every batch size: it beats LibTorch's dispatch for single rows and matches its GEMMs
  // from 1024 rows up (bench/: 2.3M rows/s either way), and it is thread-safe without autograd state.
  Result<std::vector<float>> run(std::span<const float> encoded) const {
    const size_t rows = encoded.size() / static_cast<size_t>(network_.input_width());
    std::vector<float> out(rows);
    native_.predict(encoded, out);
    return out;
  }

  ModelMetadata metadata_;
  PortableNetwork network_;
  NativeForward native_;
  ModelSignature signature_;
  bool identity_encoding_ = false;
  std::vector<std::unordered_map<std::string, size_t>> category_slots_;
};

}  // namespace

Result<std::shared_ptr<const Predictor>> load_predictor(const fs::path& model_dir) {
  VGSALES_ASSIGN_OR_RETURN(ModelMetadata metadata, read_model_metadata(model_dir));
  VGSALES_ASSIGN_OR_RETURN(PortableNetwork network, load_portable_network(model_dir, metadata));
  return std::shared_ptr<const Predictor>(std::make_shared<ModelPredictor>(std::move(metadata), std::move(network)));
}

}  // namespace vgsales
