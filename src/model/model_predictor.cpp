// The Predictor behind `predict`, the server and the benchmarks: the feature pipeline feeding the native forward pass.
#include "model/model_directory.h"
#include "model/native_forward.h"
#include "model/predictor.h"

namespace vgsales {
namespace fs = std::filesystem;

Result<Predictions> Predictor::predict(std::span<const RawCell> cells, const RowLabel& label,
                                       bool with_interval) const {
  if (with_interval && !has_interval())
    return make_error(ErrorKind::invalid_data, "this model has no prediction interval (train it with --interval)");
  const FeaturePipeline& features = pipeline();
  const size_t width = features.features().size();
  if (width == 0 || cells.size() % width != 0)
    return make_error(ErrorKind::invalid_data, "expected rows of " + std::to_string(width) + " features, got " +
                                                   std::to_string(cells.size()) + " values");
  const size_t rows = cells.size() / width;
  const size_t encoded_width = features.encoded_width();
  std::vector<float> encoded(rows * encoded_width);
  Predictions predictions;
  for (size_t r = 0; r < rows; ++r) {
    auto encoded_row = features.encode_row(cells.subspan(r * width, width),
                                           std::span<float>(encoded).subspan(r * encoded_width, encoded_width),
                                           predictions.unseen_categories);
    if (!encoded_row.ok()) return make_error(encoded_row.error().kind, label(r) + ": " + encoded_row.error().message);
  }
  predictions.values.resize(rows);
  EstimateSpans out{predictions.values};
  if (with_interval) {
    for (auto* column : {&predictions.median, &predictions.lower, &predictions.upper}) column->resize(rows);
    out = EstimateSpans{predictions.values, predictions.median, predictions.lower, predictions.upper};
  }
  predict_encoded(encoded, out);
  return predictions;
}

namespace {

class ModelPredictor final : public Predictor {
 public:
  explicit ModelPredictor(LoadedModel model)
      : metadata_(std::move(model.metadata)), network_(std::move(model.network)), native_(network_) {}

  const ModelMetadata& metadata() const override { return metadata_; }

  // NativeForward for every batch size: it beats LibTorch's dispatch for single rows and matches its GEMMs from
  // 1024 rows up (bench/), and it is thread-safe without autograd state.
  void predict_encoded(std::span<const float> encoded, const EstimateSpans& out) const override {
    if (out.median.empty()) native_.predict(encoded, out.mean);
    else native_.predict_estimates(encoded, out);
  }

 private:
  ModelMetadata metadata_;
  PortableNetwork network_;
  NativeForward native_;
};

}  // namespace

Result<std::shared_ptr<const Predictor>> load_predictor(const fs::path& model_dir) {
  VGSALES_ASSIGN_OR_RETURN(LoadedModel model, load_model(model_dir));
  return std::shared_ptr<const Predictor>(std::make_shared<ModelPredictor>(std::move(model)));
}

}  // namespace vgsales
