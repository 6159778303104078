// Reading and writing the model directory.
#include "model/model_directory.h"

#include <fmt/format.h>

#include <cmath>

#include "common/atomic_file.h"
#include "model/background_rows.h"
#include "model/safetensors.h"

namespace vgsales {
namespace fs = std::filesystem;

Result<void> check_model_directory(const fs::path& model_dir) {
  std::error_code ec;
  if (!fs::exists(model_dir, ec))
    return make_error(ErrorKind::not_found, model_dir.string() + ": no such model directory");
  if (!fs::is_directory(model_dir, ec))
    return make_error(ErrorKind::invalid_data, model_dir.string() + ": is a file, expected a model directory");
  if (!fs::is_regular_file(model_dir / kWeightsFileName, ec) &&
      fs::is_regular_file(model_dir / kTorchScriptFileName, ec) &&
      !fs::is_regular_file(model_dir / kChecksumFileName, ec))
    return make_error(ErrorKind::invalid_data,
                      model_dir.string() +
                          ": written by an older vgsales (model.pt without model.safetensors); "
                          "retrain it with `vgsales train`");
  for (const char* name : {kMetadataFileName, kWeightsFileName, kChecksumFileName})
    if (!fs::is_regular_file(model_dir / name, ec))
      return make_error(ErrorKind::not_found,
                        (model_dir / name).string() +
                            ": missing (not a complete model directory written by `vgsales train` "
                            "or `vgsales export`)");
  return {};
}

Result<ModelMetadata> read_model_metadata(const fs::path& model_dir) {
  VGSALES_TRY(check_model_directory(model_dir));
  VGSALES_ASSIGN_OR_RETURN(const std::string text, read_verified_file(model_dir, kMetadataFileName));
  return metadata_from_json(text, (model_dir / kMetadataFileName).string());
}

Result<std::optional<TrainingProfile>> read_training_profile(const fs::path& model_dir) {
  VGSALES_TRY(check_model_directory(model_dir));
  std::error_code ec;
  if (!fs::exists(model_dir / kTrainingProfileFileName, ec)) {
    // Absent: fine for an older model, unless SHA256SUMS says it should be there (then it was lost).
    VGSALES_ASSIGN_OR_RETURN(const std::string sums, read_file_to_string(model_dir / kChecksumFileName));
    if (sums.find(std::string("  ") + kTrainingProfileFileName) != std::string::npos)
      return make_error(ErrorKind::invalid_data, (model_dir / kTrainingProfileFileName).string() +
                                                     ": listed in SHA256SUMS but missing (an incomplete copy?)");
    return std::optional<TrainingProfile>{};
  }
  VGSALES_ASSIGN_OR_RETURN(const std::string text, read_verified_file(model_dir, kTrainingProfileFileName));
  VGSALES_ASSIGN_OR_RETURN(TrainingProfile profile,
                           training_profile_from_json(text, (model_dir / kTrainingProfileFileName).string()));
  return std::optional<TrainingProfile>(std::move(profile));
}

Result<LoadedModel> load_model(const fs::path& model_dir) {
  LoadedModel model;
  VGSALES_ASSIGN_OR_RETURN(model.metadata, read_model_metadata(model_dir));
  VGSALES_ASSIGN_OR_RETURN(const std::string bytes, read_verified_file(model_dir, kWeightsFileName));
  model.network = network_frame(model.metadata.pipeline, model.metadata.output_name, model.metadata.shifts);
  VGSALES_ASSIGN_OR_RETURN(std::vector<DenseStack> members,
                           parse_weights(bytes, (model_dir / kWeightsFileName).string(), model.metadata));
  set_members(model.network, std::move(members));
  return model;
}

namespace {

// "layer_1", ..., "output" for a single network; "member_1.layer_1", ... for each member of an ensemble.
std::string tensor_prefix(size_t member, size_t members, size_t layer, size_t layers) {
  const std::string name = layer_display_name(layer, layers);
  return members == 1 ? name : fmt::format("member_{}.{}", member + 1, name);
}

}  // namespace

std::string serialize_weights(const PortableNetwork& network) {
  SafetensorsFile file;
  file.metadata["format"] = "vgsales-weights";
  const std::vector<const DenseStack*> stacks = network.stacks();
  file.metadata["members"] = std::to_string(stacks.size());
  for (size_t k = 0; k < stacks.size(); ++k)
    for (size_t i = 0; i < stacks[k]->size(); ++i) {
      const DenseLayer& layer = (*stacks[k])[i];
      const std::string name = tensor_prefix(k, stacks.size(), i, stacks[k]->size());
      file.tensors[name + ".weight"] = FloatTensor{{layer.output_size, layer.input_size}, layer.weight};
      file.tensors[name + ".bias"] = FloatTensor{{layer.output_size}, layer.bias};
    }
  return serialize_safetensors(file);
}

Result<std::vector<DenseStack>> parse_weights(std::string_view bytes, const std::string& source,
                                              const ModelMetadata& metadata) {
  VGSALES_ASSIGN_OR_RETURN(const SafetensorsFile file, parse_safetensors(bytes, source));
  const auto format = file.metadata.find("format");
  if (format == file.metadata.end() || format->second != "vgsales-weights")
    return make_error(ErrorKind::invalid_data, source + ": not a vgsales weights file (no format vgsales-weights)");
  std::vector<std::int64_t> widths(metadata.settings.hidden_layers.begin(), metadata.settings.hidden_layers.end());
  widths.push_back(metadata.output_width());
  const auto members = static_cast<size_t>(metadata.members);
  std::vector<DenseStack> stacks;
  for (size_t k = 0; k < members; ++k) {
    DenseStack layers;
    std::int64_t inputs = static_cast<std::int64_t>(metadata.pipeline.encoded_width());
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string name = tensor_prefix(k, members, i, widths.size());
      DenseLayer layer;
      layer.input_size = inputs;
      layer.output_size = widths[i];
      layer.relu = i + 1 != widths.size();
      VGSALES_ASSIGN_OR_RETURN(const FloatTensor* weight,
                               find_tensor(file, name + ".weight", {layer.output_size, layer.input_size}, source));
      VGSALES_ASSIGN_OR_RETURN(const FloatTensor* bias, find_tensor(file, name + ".bias", {layer.output_size}, source));
      layer.weight = weight->values;
      layer.bias = bias->values;
      for (const auto* values : {&layer.weight, &layer.bias})
        for (float v : *values)
          if (!std::isfinite(v))
            return make_error(ErrorKind::invalid_data, source + ": " + name + " holds a non-finite value");
      layers.push_back(std::move(layer));
      inputs = widths[i];
    }
    stacks.push_back(std::move(layers));
  }
  if (file.tensors.size() != 2 * widths.size() * members)
    return make_error(ErrorKind::invalid_data, fmt::format("{}: holds {} tensors, model.json's architecture has {}",
                                                           source, file.tensors.size(), 2 * widths.size() * members));
  return stacks;
}

Result<void> write_model_files(const fs::path& folder, const ModelMetadata& metadata, const PortableNetwork& network) {
  VGSALES_TRY(write_file_atomically(folder / kMetadataFileName, metadata_to_json(metadata)));
  return write_file_atomically(folder / kWeightsFileName, serialize_weights(network));
}

Result<void> seal_model_directory(const fs::path& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const char* name :
       {kMetadataFileName, kWeightsFileName, kCheckpointFileName, kBackgroundFileName, kTrainingProfileFileName})
    if (fs::is_regular_file(folder / name, ec)) files.emplace_back(name);
  return write_checksum_file(folder, files);
}

}  // namespace vgsales
