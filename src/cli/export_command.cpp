// `vgsales export`: writes BASE/N with the SavedModel, frozen graph, ONNX and TorchScript files of a trained model.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/flag_table.h"
#include "export/export_folder.h"
#include "model/model_directory.h"
#include "storage/gcs_model_store.h"

namespace vgsales::cli {
namespace {

struct ExportOptions {
  std::string model_dir;
  std::string format = "all";
  std::string base;
  std::int64_t version = -1;  // -1: next free version
  bool overwrite = false;
};

// A local folder for one export to gs://, removed with everything in it when the export ends.
class ScratchFolder {
 public:
  static Result<ScratchFolder> create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/vgsales-export.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      return make_error(ErrorKind::io, "cannot create a scratch folder under " + pattern + " for the upload");
    }
    return ScratchFolder(pattern);
  }
  ScratchFolder(ScratchFolder&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchFolder(const ScratchFolder&) = delete;
  ~ScratchFolder() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchFolder(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Writes the version into a scratch folder, then uploads it with its SHA256SUMS last (storage/gcs_model_store.h).
Result<void> run_export_to_gcs(const ExportOptions& options, ExportRequest request) {
  VGSALES_ASSIGN_OR_RETURN(const storage::GcsLocation base, storage::parse_gcs_uri(options.base));
  VGSALES_ASSIGN_OR_RETURN(const auto client, storage::make_default_gcs_client());
  std::int64_t version = options.version;
  if (version < 0) {
    VGSALES_ASSIGN_OR_RETURN(version, storage::next_free_version(*client, base));
  }
  const storage::GcsLocation target = base.child(std::to_string(version));
  if (!options.overwrite) {
    VGSALES_ASSIGN_OR_RETURN(const auto existing, client->list_objects(target.bucket, target.prefix));
    if (!existing.empty()) {
      return make_error(ErrorKind::already_exists,
                        target.uri() + " already exists; pick another --version or pass --overwrite");
    }
  }
  VGSALES_ASSIGN_OR_RETURN(const ScratchFolder scratch, ScratchFolder::create());
  request.base = scratch.path();
  request.version = version;
  VGSALES_ASSIGN_OR_RETURN(const ExportSummary summary, export_model(request));
  VGSALES_ASSIGN_OR_RETURN(const auto files,
                           storage::upload_model_version(*client, target, summary.folder, options.overwrite));
  fmt::print("exported version {} to {}: {}\n", version, target.uri(), fmt::join(files, " "));
  return {};
}

Result<void> run_export(const ExportOptions& options) {
  VGSALES_ASSIGN_OR_RETURN(const std::vector<ExportFormat> formats, parse_export_formats(options.format));
  ExportRequest request;
  VGSALES_ASSIGN_OR_RETURN(request.model_dir, storage::local_model_directory(options.model_dir));
  request.formats = formats;
  request.base = options.base;
  if (options.version >= 0) request.version = options.version;
  request.overwrite = options.overwrite;
  if (storage::is_gcs_uri(options.base)) return run_export_to_gcs(options, std::move(request));
  VGSALES_ASSIGN_OR_RETURN(const ExportSummary summary, export_model(request));
  fmt::print("exported version {} to {}: {}\n", summary.version, summary.folder.string(),
             fmt::join(summary.files, " "));
  return {};
}

}  // namespace

void register_export_command(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command =
      app.add_subcommand("export",
                         "Write a versioned serving folder BASE/N (SavedModel, frozen graph, ONNX, TorchScript)");
  FlagTable flags(command);
  flags.required("--model", "DIR", options->model_dir, "trained model directory");
  flags.required("--out", "BASE", options->base,
                 "export base; writes `BASE/N/`; a `gs://BUCKET/PATH` base gets the files uploaded, SHA256SUMS last");
  flags
      .option("--format", "all|savedmodel|onnx|torchscript", options->format,
              "`savedmodel` (saved_model.pb, frozen_graph.pb, frozen_graph.encoded.pb), `onnx` (model.onnx, "
              "model.encoded.onnx), `torchscript` (model.pt); every version folder also holds model.json, "
              "model.safetensors and SHA256SUMS")
      ->check(CLI::IsMember(export_format_names()));
  flags.described("--version", "N", options->version, "highest numeric folder in BASE + 1", "version folder number")
      ->check(CLI::Range(std::int64_t{0}, std::numeric_limits<std::int64_t>::max()));
  flags.flag("--overwrite", options->overwrite, "replace an existing `BASE/N` (refused otherwise, exit 1)");
  command->callback([options, &chosen] { chosen = [options] { return run_export(*options); }; });
}

}  // namespace vgsales::cli
