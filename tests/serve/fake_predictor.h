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

// A model for the serve tests whose answers are easy to know: the real feature pipeline in front, then
// prediction = sum of the numeric/boolean features (missing counts 0) + 100 when a categorical cell is "Action"
// + `offset` (tests give each version its own offset to tell versions apart).
class FakePredictor : public Predictor {
 public:
  FakePredictor(FeaturePipeline pipeline, float offset) : offset_(offset) {
    metadata_.pipeline = std::move(pipeline);
    metadata_.output_name = "earnings";
  }
  // With a whole model.json's contents (metrics, baselines, training), for the model card.
  FakePredictor(ModelMetadata metadata, float offset) : metadata_(std::move(metadata)), offset_(offset) {}
  const ModelMetadata& metadata() const override { return metadata_; }

  // With an interval (give_interval()): the median is the sum too, and the bounds are 1 below and 2 above it.
  void predict_encoded(std::span<const float> encoded, const EstimateSpans& out) const override {
    ++calls;
    const FeaturePipeline& features = metadata_.pipeline;
    const std::size_t width = features.encoded_width();
    for (std::size_t row = 0; row < out.mean.size(); ++row) {
      float sum = offset_;
      for (std::size_t f = 0; f < features.features().size(); ++f) {
        const float value = encoded[row * width + features.encoded_offset(f)];  // "Action" is the first category
        sum += features.features()[f].type == ColumnType::categorical ? 100 * value : value;
      }
      out.mean[row] = sum;
      if (!out.median.empty()) {
        out.median[row] = sum;
        out.lower[row] = sum - 1;
        out.upper[row] = sum + 2;
      }
    }
  }
  void give_interval() {
    metadata_.shifts.has_interval = true;
    metadata_.interval_level = 0.8;
  }

  mutable std::atomic<int> calls{0};

 private:
  ModelMetadata metadata_;
  float offset_;
};

inline FeaturePipeline mixed_pipeline() {
  return FeaturePipeline(
      {FeatureSpec{.name = "critic_rating", .type = ColumnType::numeric, .min = 1, .max = 5},
       FeatureSpec{.name = "user_rating", .type = ColumnType::numeric, .min = 1, .max = 5},
       FeatureSpec{.name = "genre", .type = ColumnType::categorical, .categories = {"Action", "Sports"}},
       FeatureSpec{.name = "is_sequel", .type = ColumnType::boolean, .max = 1}},
      "total_earnings", MissingValueSet());
}

inline FeaturePipeline numeric_pipeline() {
  return FeaturePipeline({FeatureSpec{.name = "critic_rating", .type = ColumnType::numeric, .min = 1, .max = 5},
                          FeatureSpec{.name = "user_rating", .type = ColumnType::numeric, .min = 1, .max = 5}},
                         "total_earnings", MissingValueSet());
}

// numeric_pipeline with a missing-value indicator on critic_rating: 2 features, 3 encoded inputs.
inline FeaturePipeline numeric_pipeline_with_missing_indicator() {
  return FeaturePipeline(
      {FeatureSpec{.name = "critic_rating", .type = ColumnType::numeric, .min = 1, .max = 5, .missing_indicator = true},
       FeatureSpec{.name = "user_rating", .type = ColumnType::numeric, .min = 1, .max = 5}},
      "total_earnings", MissingValueSet());
}

// A version folder for the fake loader: model.json marks it as a model, offset.txt gives its offset,
// and a file named "broken" makes the load fail.
inline void write_fake_version(const std::filesystem::path& directory, float offset, bool broken = false) {
  ::vgsales::testing::write_text_file(directory / "model.json", "fake");
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
  return std::shared_ptr<const Predictor>(std::make_shared<FakePredictor>(numeric_pipeline(), offset));
}

}  // namespace vgsales::serve::testing
