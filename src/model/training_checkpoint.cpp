// The checkpoint as a safetensors file: parameters, adam.exp_avg, adam.exp_avg_sq, with epoch and step as metadata.
#include "model/training_checkpoint.h"

#include <charconv>

#include <fmt/format.h>

#include "common/file_checksums.h"
#include "model/model_directory.h"
#include "model/safetensors.h"

namespace vgsales {

namespace {

Result<long long> metadata_integer(const SafetensorsFile& file, const std::string& key, const std::string& source) {
  const auto found = file.metadata.find(key);
  long long value = -1;
  if (found != file.metadata.end()) {
    const auto [end, error] = std::from_chars(found->second.data(), found->second.data() + found->second.size(), value);
    if (error == std::errc() && end == found->second.data() + found->second.size() && value >= 0) return value;
  }
  return make_error(ErrorKind::invalid_data, source + ": metadata '" + key + "' is missing or not a count");
}

}  // namespace

std::string serialize_checkpoint(const TrainingCheckpoint& checkpoint) {
  SafetensorsFile file;
  file.metadata["format"] = "vgsales-checkpoint";
  file.metadata["epoch"] = std::to_string(checkpoint.epoch);
  file.metadata["adam_step"] = std::to_string(checkpoint.moments.step);
  const auto count = static_cast<std::int64_t>(checkpoint.parameters.size());
  file.tensors["parameters"] = FloatTensor{{count}, checkpoint.parameters};
  if (checkpoint.moments.step > 0) {
    file.tensors["adam.exp_avg"] = FloatTensor{{count}, checkpoint.moments.exp_avg};
    file.tensors["adam.exp_avg_sq"] = FloatTensor{{count}, checkpoint.moments.exp_avg_sq};
  }
  return serialize_safetensors(file);
}

Result<TrainingCheckpoint> read_checkpoint(const std::filesystem::path& model_dir, size_t parameter_count) {
  const std::string source = (model_dir / kCheckpointFileName).string();
  VGSALES_ASSIGN_OR_RETURN(const std::string bytes, read_verified_file(model_dir, kCheckpointFileName));
  VGSALES_ASSIGN_OR_RETURN(const SafetensorsFile file, parse_safetensors(bytes, source));
  const auto format = file.metadata.find("format");
  if (format == file.metadata.end() || format->second != "vgsales-checkpoint")
    return make_error(ErrorKind::invalid_data, source + ": not a vgsales checkpoint");
  TrainingCheckpoint checkpoint;
  VGSALES_ASSIGN_OR_RETURN(const long long epoch, metadata_integer(file, "epoch", source));
  VGSALES_ASSIGN_OR_RETURN(checkpoint.moments.step, metadata_integer(file, "adam_step", source));
  checkpoint.epoch = static_cast<int>(epoch);
  const auto count = static_cast<std::int64_t>(parameter_count);
  VGSALES_ASSIGN_OR_RETURN(const FloatTensor* parameters, find_tensor(file, "parameters", {count}, source));
  checkpoint.parameters = parameters->values;
  if (checkpoint.moments.step > 0) {
    VGSALES_ASSIGN_OR_RETURN(const FloatTensor* exp_avg, find_tensor(file, "adam.exp_avg", {count}, source));
    VGSALES_ASSIGN_OR_RETURN(const FloatTensor* exp_avg_sq, find_tensor(file, "adam.exp_avg_sq", {count}, source));
    checkpoint.moments.exp_avg = exp_avg->values;
    checkpoint.moments.exp_avg_sq = exp_avg_sq->values;
  }
  return checkpoint;
}

}  // namespace vgsales
