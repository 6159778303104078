// `vgsales export`: one versioned folder BASE/N holding every serving format, the layout TF Serving,
// Vertex AI and `vgsales serve` watch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace vgsales {

enum class ExportFormat { savedmodel, onnx, torchscript };

// "savedmodel", "onnx", "torchscript" or "all" (every format); anything else is a usage error.
inline const std::vector<std::string>& export_format_names() {
  static const std::vector<std::string> names{"all", "savedmodel", "onnx", "torchscript"};
  return names;
}
Result<std::vector<ExportFormat>> parse_export_formats(const std::string& name);

struct ExportRequest {
  std::filesystem::path model_dir;      // the trained model directory
  std::vector<ExportFormat> formats;    // at least one
  std::filesystem::path base;           // BASE; the folder written is BASE/<version>
  std::optional<std::int64_t> version;  // default: one more than the highest numeric version in BASE
  bool overwrite = false;               // replace an existing BASE/<version>
};

struct ExportSummary {
  std::int64_t version = 0;
  std::filesystem::path folder;    // BASE/<version>
  std::vector<std::string> files;  // file names written, in writing order
};

// The version number `export` uses when none is given: highest integer-named folder in `base` + 1
// (TF Serving's rule for what counts as a version, file_system_storage_path_source.cc), or 1 if there is none or no
// `base`.
Result<std::int64_t> next_export_version(const std::filesystem::path& base);

// Writes every requested format of the model into BASE/<version>, with the model's own files (model.json,
// model.safetensors) so `vgsales serve` and `predict` can use any version folder, and a SHA256SUMS over all of it.
// The folder is filled beside its final place and renamed in one step, so a failure leaves no partial version (and
// an overwritten one intact).
Result<ExportSummary> export_model(const ExportRequest& request);

}  // namespace vgsales
