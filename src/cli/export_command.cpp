// `vgsales export`: writes BASE/N with the SavedModel, frozen graph, ONNX and TorchScript files of a trained model.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.h"
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
  VGSALES_TRY(check_model_directory(options.model_dir));
  VGSALES_ASSIGN_OR_RETURN(const PortableNetwork network, load_portable_network(options.model_dir));
  ExportRequest request;
  request.model_dir = options.model_dir;
  request.formats = formats;
  request.base = options.base;
  if (options.version >= 0) request.version = options.version;
  request.overwrite = options.overwrite;
  VGSALES_ASSIGN_OR_RETURN(const ExportSummary summary, export_network(network, request));
  fmt::print("exported version {} to {}: {}\n", summary.version, summary.folder.string(), fmt::join(summary.files, " "));
  return {};
}

}  // namespace

void register_export_command(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command = app.add_subcommand(
      "export", "Write a versioned serving folder BASE/N (SavedModel, frozen graph, ONNX, TorchScript)");
  command->add_option("--model", options->model_dir, "Trained model directory (from `vgsales train`)")->required();
  command->add_option("--format", options->format, "Which format(s) to write")
      ->check(CLI::IsMember(export_format_names()))
      ->capture_default_str();
  command->add_option("--out", options->base, "Export base folder; the version folder BASE/N is created in it")
      ->required();
  command->add_option("--version", options->version,
                      "Version number N (default: one more than the highest version in BASE, or 1)")
      ->check(CLI::Range(std::int64_t{0}, std::numeric_limits<std::int64_t>::max()));
  command->add_flag("--overwrite", options->overwrite, "Replace BASE/N if it already exists");
  command->callback([options, &chosen] { chosen = [options] { return run_export(*options); }; });
}

}  // namespace vgsales::cli
