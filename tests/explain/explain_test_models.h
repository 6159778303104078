// Small models for the explain tests: a Predictor whose answer is a known non-linear function of the raw columns
// (the real feature pipeline in front), and background rows made in the test.
#pragma once

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "model/background_rows.h"
#include "model/predictor.h"

namespace vgsales::testing {

// f = sum_i w_i x_i + x0 * x1 + 3 * max(x2 - 1, 0) * x3 + 50 * [genre = "Action"] * x0 + offset, with each numeric
// x_i the encoded (unscaled) value, so interactions make every coalition matter. The median is f + 7.
class FormulaPredictor : public Predictor {
 public:
  explicit FormulaPredictor(FeaturePipeline pipeline, bool interval = false) {
    metadata_.pipeline = std::move(pipeline);
    metadata_.output_name = "earnings";
    metadata_.shifts.has_interval = interval;
  }
  const ModelMetadata& metadata() const override { return metadata_; }
  void predict_encoded(std::span<const float> encoded, const EstimateSpans& out) const override {
    const size_t width = pipeline().encoded_width();
    for (size_t r = 0; r < out.mean.size(); ++r) {
      const double f = formula(encoded.subspan(r * width, width));
      out.mean[r] = static_cast<float>(f);
      if (!out.median.empty()) {
        out.median[r] = static_cast<float>(f + 7);
        out.lower[r] = static_cast<float>(f);
        out.upper[r] = static_cast<float>(f + 9);
      }
    }
  }
  // The formula on one encoded row; the tests' brute force calls it on raw numbers laid out the same way.
  double formula(std::span<const float> row) const {
    std::vector<double> x;
    double action = 0;
    for (size_t f = 0; f < pipeline().features().size(); ++f) {
      const FeatureSpec& spec = pipeline().features()[f];
      if (spec.type == ColumnType::categorical) action = row[pipeline().encoded_offset(f)];
      else x.push_back(row[pipeline().encoded_offset(f)]);
    }
    double f = 10;
    for (size_t i = 0; i < x.size(); ++i) f += static_cast<double>(i + 1) * x[i];
    if (x.size() >= 2) f += x[0] * x[1];
    if (x.size() >= 4) f += 3 * std::max(x[2] - 1, 0.0) * x[3];
    if (!x.empty()) f += 50 * action * x[0];
    return f;
  }

 private:
  ModelMetadata metadata_;
};

// `columns` numeric columns named x0, x1, ... (values 0 to 4), then "genre" when `with_genre`.
inline FeaturePipeline formula_pipeline(size_t columns, bool with_genre) {
  std::vector<FeatureSpec> features;
  for (size_t i = 0; i < columns; ++i)
    features.push_back(FeatureSpec{.name = "x" + std::to_string(i), .type = ColumnType::numeric, .min = 0, .max = 4});
  if (with_genre)
    features.push_back(FeatureSpec{.name = "genre",
                                   .type = ColumnType::categorical,
                                   .categories = {"Action", "Sports"}});
  return FeaturePipeline(std::move(features), "total_earnings", MissingValueSet());
}

// Random rows as cell texts: whole numbers 0 to `levels - 1` for numeric columns (few levels make many background
// rows share a column's value with the instance), genres from a short list with a missing one now and then.
inline std::vector<std::string> random_cell_texts(const FeaturePipeline& pipeline, size_t rows, int levels,
                                                  std::uint64_t seed) {
  std::mt19937_64 random(seed);
  const std::vector<std::string> genres{"Action", "Sports", "Puzzle", ""};
  std::vector<std::string> texts;
  for (size_t r = 0; r < rows; ++r)
    for (const FeatureSpec& feature : pipeline.features()) {
      if (feature.type == ColumnType::categorical) texts.push_back(genres[random() % genres.size()]);
      else texts.push_back(std::to_string(static_cast<int>(random() % static_cast<std::uint64_t>(levels))));
    }
  return texts;
}

inline BackgroundRows background_of(const std::vector<std::string>& texts, size_t features) {
  std::vector<bool> missing;
  for (const std::string& text : texts) missing.push_back(text.empty());
  return BackgroundRows(texts, missing, features);
}

inline std::vector<RawCell> cells_of(const std::vector<std::string>& texts) {
  std::vector<RawCell> cells;
  for (const std::string& text : texts)
    cells.push_back(text.empty() ? RawCell::missing_value() : RawCell::of_text(text));
  return cells;
}

}  // namespace vgsales::testing
