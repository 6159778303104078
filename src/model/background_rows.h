// background.csv: a seeded sample of training rows, raw, in the model's feature columns, saved in the model directory
// at train time (`--background-rows`, covered by SHA256SUMS). Feature attributions (src/explain/) measure each
// column's contribution against the average estimate over these rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "data/feature_pipeline.h"
#include "data/table.h"

namespace vgsales {

inline constexpr const char* kBackgroundFileName = "background.csv";

// The CSV text of `rows` training rows (all of them when the table has fewer) chosen with `seed`, in file order:
// a header of the pipeline's features, then each cell as read (a missing cell is empty). "" for rows = 0.
std::string sample_background_csv(const Table& train, const FeaturePipeline& pipeline, size_t rows, std::uint64_t seed);

// The background rows as raw cells, row-major [rows][features] in the pipeline's feature order.
class BackgroundRows {
 public:
  BackgroundRows() = default;
  BackgroundRows(std::vector<std::string> texts, std::vector<bool> missing, size_t features);
  BackgroundRows(const BackgroundRows& other) : BackgroundRows(other.texts_, other.missing_, other.features_) {}
  BackgroundRows& operator=(const BackgroundRows&) = delete;
  BackgroundRows(BackgroundRows&&) = default;  // the cells point into the strings' buffers, which a move keeps
  BackgroundRows& operator=(BackgroundRows&&) = default;

  size_t rows() const { return features_ == 0 ? 0 : cells_.size() / features_; }
  size_t features() const { return features_; }
  std::span<const RawCell> cells() const { return cells_; }
  std::span<const RawCell> row(size_t r) const {
    return std::span<const RawCell>(cells_).subspan(r * features_, features_);
  }

 private:
  std::vector<std::string> texts_;
  std::vector<bool> missing_;
  size_t features_ = 0;
  std::vector<RawCell> cells_;
};

// Parses background.csv's text for `pipeline` (every feature column by name); errors name `source`, line and column.
Result<BackgroundRows> parse_background_csv(std::string_view csv, const std::string& source,
                                            const FeaturePipeline& pipeline);

// background.csv of a model directory, verified against SHA256SUMS. A directory without one is not_found with a
// message saying why a model may lack it (trained with --background-rows 0, or by an older vgsales).
Result<BackgroundRows> read_background_rows(const std::filesystem::path& model_dir, const FeaturePipeline& pipeline);

}  // namespace vgsales
