// `vgsales export`: writes BASE/N with the SavedModel, frozen graph, ONNX and TorchScript files of a trained model.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/flag_table.h"
#include "export/export_folder.h"
#include "model/model_directory.h"

namespace vgsales::cli {
namespace {

struct ExportOptions {
  std::string model_dir;
  std::string format = "all";
  std::string base;
  std::int64_t version = -1;  // -1: next free version
  bool overwrite = false;
};

Result<void> run_export(const ExportOptions& options) {
  VGSALES_ASSIGN_OR_RETURN(const std::vector<ExportFormat> formats, parse_export_formats(options.format));
  ExportRequest request;
  request.model_dir = options.model_dir;
  request.formats = formats;
  request.base = options.base;
  if (options.version >= 0) request.version = options.version;
  request.overwrite = options.overwrite;
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
  flags.required("--out", "BASE", options->base, "export base; writes `BASE/N/`");
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
