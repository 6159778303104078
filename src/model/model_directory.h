// The model directory: the one artifact `train` writes and every other command reads, LibTorch-free.
//   model.json              pipeline, architecture, settings, metrics, versions (model_metadata.h)
//   model.safetensors       the network's weights
//   checkpoint.safetensors  weights and Adam state of the kept epoch, for `train --resume`
//   background.csv          optional: training rows that feature attributions start from (background_rows.h)
//   training_profile.json   the training rows' distribution per feature, for `vgsales monitor` (format 4; optional)
//   SHA256SUMS              checksums of the files above, verified on every load
// Export folders (BASE/N) hold the same files plus the serving formats (model.pt among them).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/file_checksums.h"
#include "common/result.h"
#include "data/training_profile.h"
#include "model/model_metadata.h"
#include "model/portable_network.h"

namespace vgsales {

inline constexpr const char* kMetadataFileName = "model.json";
inline constexpr const char* kWeightsFileName = "model.safetensors";
inline constexpr const char* kCheckpointFileName = "checkpoint.safetensors";
inline constexpr const char* kTorchScriptFileName = "model.pt";
inline constexpr const char* kTrainingProfileFileName = "training_profile.json";

// Checks that `model_dir` is a model directory of this format; errors name what is missing and why.
Result<void> check_model_directory(const std::filesystem::path& model_dir);

// model.json, verified against SHA256SUMS and parsed.
Result<ModelMetadata> read_model_metadata(const std::filesystem::path& model_dir);

struct LoadedModel {
  ModelMetadata metadata;
  PortableNetwork network;
};
// model.json and the weights, both verified, checked against each other.
Result<LoadedModel> load_model(const std::filesystem::path& model_dir);

// The training profile (data/training_profile.h), verified against SHA256SUMS; std::nullopt for a model written
// before profiles existed (no file, and none listed in SHA256SUMS). A listed file that is missing or damaged is an
// error.
Result<std::optional<TrainingProfile>> read_training_profile(const std::filesystem::path& model_dir);

// The weights file's bytes: layer_1.weight, layer_1.bias, ..., output.weight, output.bias; for an ensemble the same
// per member, prefixed member_1., member_2., ...
std::string serialize_weights(const PortableNetwork& network);
// Each member's layers from a weights file, shaped as model.json's architecture says.
Result<std::vector<DenseStack>> parse_weights(std::string_view bytes, const std::string& source,
                                              const ModelMetadata& metadata);

// Writes model.json and model.safetensors into `folder` (a staging folder); seal_model_directory() then writes
// SHA256SUMS over every model file present.
Result<void> write_model_files(const std::filesystem::path& folder, const ModelMetadata& metadata,
                               const PortableNetwork& network);
Result<void> seal_model_directory(const std::filesystem::path& folder);

}  // namespace vgsales
