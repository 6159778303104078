// The model directory: the one artifact `train` writes and every other command reads.
//   model.pt        TorchScript module: raw features [N, F] float32 -> target units [N, 1]
//   model.json      schema, scaling, architecture, settings, metrics, versions (see docs/model-format.md)
//   checkpoint.pt   weights + Adam state + epoch, for `train --resume`
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "model/portable_network.h"

namespace vgsales {

inline constexpr const char* kModelFileName = "model.pt";
inline constexpr const char* kMetadataFileName = "model.json";
inline constexpr const char* kCheckpointFileName = "checkpoint.pt";

// Checks that `model_dir` holds a readable model.json and model.pt; errors name the missing file.
Result<void> check_model_directory(const std::filesystem::path& model_dir);

struct ModelMetadata;  // model/model_metadata.h

// The trained network's weights, scaling and names, read from model_dir (model.json + model.pt).
Result<PortableNetwork> load_portable_network(const std::filesystem::path& model_dir);
// The same, for a caller that has already read model_dir's model.json.
Result<PortableNetwork> load_portable_network(const std::filesystem::path& model_dir, const ModelMetadata& metadata);

// model.json, parsed and checked for the fields every reader relies on.
Result<ModelMetadata> read_model_metadata(const std::filesystem::path& model_dir);

}  // namespace vgsales

namespace vgsales {
// Writes `network` as a TorchScript module taking raw encoded features [N, F] float32 and returning
// the target in its own units [N, 1]; model.json rides along inside the archive as an extra file.
Result<void> write_torchscript_model(const PortableNetwork& network, const std::string& metadata_json,
                                     const std::filesystem::path& path);
}  // namespace vgsales
