// Writes the versioned export folder; see export_folder.h.
#include "export/export_folder.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <system_error>

#include "common/atomic_file.h"
#include "common/file_checksums.h"
#include "export/onnx_export.h"
#include "export/saved_model_export.h"
#include "export/torchscript_plugin.h"
#include "model/background_rows.h"
#include "model/model_directory.h"

namespace vgsales {
namespace fs = std::filesystem;
namespace {

// background.csv travels with the model when it has one, so a server on the export can explain its estimates.
Result<std::optional<std::string>> read_background_if_present(const fs::path& model_dir) {
  std::error_code ec;
  if (!fs::is_regular_file(model_dir / kBackgroundFileName, ec)) return std::optional<std::string>{};
  VGSALES_ASSIGN_OR_RETURN(std::string text, read_verified_file(model_dir, kBackgroundFileName));
  return std::optional<std::string>{std::move(text)};
}

// TF Serving takes any child folder whose whole name parses as an integer as a version.
std::optional<std::int64_t> parse_version_name(const std::string& name) {
  std::int64_t value = 0;
  const char* end = name.data() + name.size();
  const auto [stop, error] = std::from_chars(name.data(), end, value);
  if (name.empty() || error != std::errc{} || stop != end || value < 0) return std::nullopt;
  return value;
}

bool wants(const std::vector<ExportFormat>& formats, ExportFormat format) {
  return std::find(formats.begin(), formats.end(), format) != formats.end();
}

Result<void> write_into(const fs::path& folder, const std::string& name, const std::string& bytes,
                        std::vector<std::string>& written) {
  VGSALES_TRY(write_file_atomically(folder / name, bytes));
  written.push_back(name);
  return {};
}

}  // namespace

Result<std::vector<ExportFormat>> parse_export_formats(const std::string& name) {
  if (name == "all")
    return std::vector<ExportFormat>{ExportFormat::savedmodel, ExportFormat::onnx, ExportFormat::torchscript};
  if (name == "savedmodel") return std::vector<ExportFormat>{ExportFormat::savedmodel};
  if (name == "onnx") return std::vector<ExportFormat>{ExportFormat::onnx};
  if (name == "torchscript") return std::vector<ExportFormat>{ExportFormat::torchscript};
  return make_error(ErrorKind::usage,
                    fmt::format("--format: unknown export format '{}' (use all, savedmodel, onnx or torchscript)",
                                name));
}

Result<std::int64_t> next_export_version(const fs::path& base) {
  std::error_code error;
  if (!fs::exists(base, error)) return std::int64_t{1};
  if (!fs::is_directory(base, error)) {
    return make_error(ErrorKind::io, fmt::format("{}: export base exists but is not a directory", base.string()));
  }
  std::int64_t highest = 0;
  fs::directory_iterator entries(base, error);
  if (error) return make_error(ErrorKind::io, fmt::format("{}: cannot list: {}", base.string(), error.message()));
  for (const fs::directory_entry& entry : entries) {
    if (!entry.is_directory(error)) continue;
    if (const auto version = parse_version_name(entry.path().filename().string()))
      highest = std::max(highest, *version);
  }
  return highest + 1;
}

Result<ExportSummary> export_model(const ExportRequest& request) {
  if (request.formats.empty()) return make_error(ErrorKind::usage, "no export format requested");
  VGSALES_ASSIGN_OR_RETURN(const LoadedModel model, load_model(request.model_dir));
  ExportSummary summary;
  if (request.version) {
    if (*request.version < 0) {
      return make_error(ErrorKind::usage,
                        fmt::format("--version {}: versions are non-negative integers", *request.version));
    }
    summary.version = *request.version;
  } else {
    VGSALES_ASSIGN_OR_RETURN(summary.version, next_export_version(request.base));
  }
  summary.folder = request.base / std::to_string(summary.version);
  std::error_code error;
  if (fs::exists(summary.folder, error) && !request.overwrite) {
    return make_error(ErrorKind::already_exists,
                      fmt::format("{} already exists; pass --overwrite to replace it or choose another --version",
                                  summary.folder.string()));
  }

  // Build every artifact in memory first: a bad network fails before anything touches the disk.
  // Every format takes raw rows through the model's own feature pipeline, and keeps a packed-input variant.
  const FeaturePipeline& pipeline = model.metadata.pipeline;
  std::optional<TensorFlowExportFiles> tensorflow_files;
  std::optional<std::string> onnx_bytes, encoded_onnx_bytes;
  if (wants(request.formats, ExportFormat::savedmodel)) {
    VGSALES_ASSIGN_OR_RETURN(tensorflow_files, serialize_tensorflow_export(model.network, &pipeline));
  }
  if (wants(request.formats, ExportFormat::onnx)) {
    VGSALES_ASSIGN_OR_RETURN(onnx_bytes, serialize_onnx_model(model.network, &pipeline));
    VGSALES_ASSIGN_OR_RETURN(encoded_onnx_bytes, serialize_onnx_model(model.network));
  }
  VGSALES_ASSIGN_OR_RETURN(const std::string metadata, read_verified_file(request.model_dir, kMetadataFileName));
  VGSALES_ASSIGN_OR_RETURN(const std::string weights, read_verified_file(request.model_dir, kWeightsFileName));
  VGSALES_ASSIGN_OR_RETURN(const std::optional<std::string> background, read_background_if_present(request.model_dir));
  // The training profile travels with the model, so a server of the export can report drift (format 4; optional).
  std::optional<std::string> profile;
  if (fs::exists(request.model_dir / kTrainingProfileFileName, error)) {
    VGSALES_ASSIGN_OR_RETURN(profile, read_verified_file(request.model_dir, kTrainingProfileFileName));
  }

  fs::create_directories(request.base, error);
  if (error) {
    return make_error(ErrorKind::io,
                      fmt::format("{}: cannot create the export base: {}", request.base.string(), error.message()));
  }
  VGSALES_ASSIGN_OR_RETURN(StagingDirectory staging, StagingDirectory::create_beside(summary.folder));
  VGSALES_TRY(write_into(staging.path(), kMetadataFileName, metadata, summary.files));
  VGSALES_TRY(write_into(staging.path(), kWeightsFileName, weights, summary.files));
  if (background) VGSALES_TRY(write_into(staging.path(), kBackgroundFileName, *background, summary.files));
  if (profile) VGSALES_TRY(write_into(staging.path(), kTrainingProfileFileName, *profile, summary.files));
  if (tensorflow_files) {
    VGSALES_TRY(write_into(staging.path(), kSavedModelFileName, tensorflow_files->saved_model, summary.files));
    VGSALES_TRY(write_into(staging.path(), kFrozenGraphFileName, tensorflow_files->frozen_graph, summary.files));
    VGSALES_TRY(write_into(staging.path(), kEncodedFrozenGraphFileName, tensorflow_files->encoded_frozen_graph,
                           summary.files));
  }
  if (onnx_bytes) {
    VGSALES_TRY(write_into(staging.path(), kOnnxFileName, *onnx_bytes, summary.files));
    VGSALES_TRY(write_into(staging.path(), kEncodedOnnxFileName, *encoded_onnx_bytes, summary.files));
  }
  if (wants(request.formats, ExportFormat::torchscript)) {
    VGSALES_TRY(write_torchscript_with_plugin(request.model_dir, staging.path() / kTorchScriptFileName));
    summary.files.push_back(kTorchScriptFileName);
  }
  VGSALES_TRY(write_checksum_file(staging.path(), summary.files));
  summary.files.push_back(kChecksumFileName);
  // Checked again just before the rename: another export may have taken this version meanwhile, and
  // commit() would replace it.
  if (fs::exists(summary.folder, error) && !request.overwrite) {
    return make_error(ErrorKind::already_exists,
                      fmt::format("{} appeared while exporting; pass --overwrite to replace it or choose another "
                                  "--version",
                                  summary.folder.string()));
  }
  VGSALES_TRY(staging.commit());
  return summary;
}

}  // namespace vgsales
