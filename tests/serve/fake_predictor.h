// A Predictor without LibTorch for the serve tests: predictions are simple sums, so tests know the answer.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "model/predictor.h"
#include "serve/version_manager.h"
#include "support/test_support.h"

namespace vgsales::serve::testing {

// prediction = sum of numeric/boolean cells (missing counts 0) + 100 when a categorical cell is "Action"
// + `offset` (tests give each version its own offset to tell versions apart).
class FakePredictor : public Predictor {
 public:
  FakePredictor(ModelSignature signature, float offset) : signature_(std::move(signature)), offset_(offset) {}
  const ModelSignature& signature() const override { return signature_; }

  Result<std::vector<float>> predict_numeric(std::span<const float> rows) const override {
    ++numeric_calls;
    const std::size_t width = signature_.features.size();
    if (!signature_.all_numeric()) return make_error(ErrorKind::internal, "predict_numeric on a categorical model");
    if (rows.size() % width) return make_error(ErrorKind::invalid_data, "ragged rows");
    std::vector<float> out;
    for (std::size_t row = 0; row * width < rows.size(); ++row) {
      float sum = offset_;
      for (std::size_t column = 0; column < width; ++column) sum += rows[row * width + column];
      out.push_back(sum);
    }
    return out;
  }

  Result<Predictions> predict_cells(std::span<const FieldValue> cells) const override {
    ++cell_calls;
    const std::size_t width = signature_.features.size();
    if (cells.size() % width) return make_error(ErrorKind::invalid_data, "ragged cells");
    Predictions predictions;
    for (std::size_t row = 0; row * width < cells.size(); ++row) {
      float sum = offset_;
      for (std::size_t column = 0; column < width; ++column) {
        const FieldValue& value = cells[row * width + column];
        if (const double* number = std::get_if<double>(&value)) sum += static_cast<float>(*number);
        if (const std::string* text = std::get_if<std::string>(&value); text && *text == "Action") sum += 100;
      }
      predictions.values.push_back(sum);
    }
    return predictions;
  }

  mutable std::atomic<int> numeric_calls{0};
  mutable std::atomic<int> cell_calls{0};

 private:
  ModelSignature signature_;
  float offset_;
};

inline ModelSignature mixed_signature() {
  ModelSignature signature;
  signature.features = {{"critic_rating", FeatureKind::numeric},
                        {"user_rating", FeatureKind::numeric},
                        {"genre", FeatureKind::categorical},
                        {"is_sequel", FeatureKind::boolean}};
  signature.target_name = "total_earnings";
  signature.output_name = "earnings";
  return signature;
}

inline ModelSignature numeric_signature() {
  ModelSignature signature;
  signature.features = {{"critic_rating", FeatureKind::numeric}, {"user_rating", FeatureKind::numeric}};
  signature.target_name = "total_earnings";
  signature.output_name = "earnings";
  return signature;
}

// A version folder for the fake loader: model.pt marks it as a model, offset.txt gives its offset,
// and a file named "broken" makes the load fail.
inline void write_fake_version(const std::filesystem::path& directory, float offset, bool broken = false) {
  ::vgsales::testing::write_text_file(directory / "model.pt", "fake");
  ::vgsales::testing::write_text_file(directory / "offset.txt", std::to_string(offset));
  if (broken) ::vgsales::testing::write_text_file(directory / "broken", "");
}

// Loads a folder written by write_fake_version as an all-numeric FakePredictor.
inline Result<std::shared_ptr<const Predictor>> load_fake_predictor(const std::filesystem::path& directory) {
  if (std::filesystem::exists(directory / "broken")) {
    return make_error(ErrorKind::invalid_data, "model.json in " + directory.string() + " is corrupt");
  }
  if (!std::filesystem::exists(directory / "offset.txt")) {
    return make_error(ErrorKind::not_found, "no offset.txt in " + directory.string());
  }
  const float offset = std::stof(::vgsales::testing::read_text_file(directory / "offset.txt"));
  return std::shared_ptr<const Predictor>(std::make_shared<FakePredictor>(numeric_signature(), offset));
}

}  // namespace vgsales::serve::testing
