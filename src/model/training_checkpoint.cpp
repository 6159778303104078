// The checkpoint as a safetensors file: per member k, member_k.parameters, member_k.adam.exp_avg and
// member_k.adam.exp_avg_sq, with the members, their epochs and Adam steps, and the output columns as metadata.
#include "model/training_checkpoint.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "common/file_checksums.h"
#include "model/model_directory.h"
#include "model/safetensors.h"

namespace vgsales {

namespace {

constexpr long long kMaximumMembers = 1000;

Result<long long> metadata_integer(const SafetensorsFile& file, const std::string& key, const std::string& source) {
  const auto found = file.metadata.find(key);
  long long value = -1;
  if (found != file.metadata.end()) {
    const auto [end, error] = std::from_chars(found->second.data(), found->second.data() + found->second.size(), value);
    if (error == std::errc() && end == found->second.data() + found->second.size() && value >= 0) return value;
  }
  return make_error(ErrorKind::invalid_data, source + ": metadata '" + key + "' is missing or not a count");
}

std::string member_key(size_t k, const char* name) { return fmt::format("member_{}.{}", k + 1, name); }

}  // namespace

int TrainingCheckpoint::earliest_epoch() const {
  int earliest = members.empty() ? 0 : members.front().epoch;
  for (const auto& member : members) earliest = std::min(earliest, member.epoch);
  return earliest;
}

std::string serialize_checkpoint(const TrainingCheckpoint& checkpoint) {
  SafetensorsFile file;
  file.metadata["format"] = "vgsales-checkpoint";
  file.metadata["members"] = std::to_string(checkpoint.members.size());
  file.metadata["output_columns"] = std::to_string(checkpoint.output_columns);
  for (size_t k = 0; k < checkpoint.members.size(); ++k) {
    const MemberCheckpoint& member = checkpoint.members[k];
    file.metadata[member_key(k, "epoch")] = std::to_string(member.epoch);
    file.metadata[member_key(k, "adam_step")] = std::to_string(member.moments.step);
    const auto count = static_cast<std::int64_t>(member.parameters.size());
    file.tensors[member_key(k, "parameters")] = FloatTensor{{count}, member.parameters};
    if (member.moments.step > 0) {
      file.tensors[member_key(k, "adam.exp_avg")] = FloatTensor{{count}, member.moments.exp_avg};
      file.tensors[member_key(k, "adam.exp_avg_sq")] = FloatTensor{{count}, member.moments.exp_avg_sq};
    }
  }
  return serialize_safetensors(file);
}

Result<TrainingCheckpoint> read_checkpoint(const std::filesystem::path& model_dir) {
  const std::string source = (model_dir / kCheckpointFileName).string();
  VGSALES_ASSIGN_OR_RETURN(const std::string bytes, read_verified_file(model_dir, kCheckpointFileName));
  VGSALES_ASSIGN_OR_RETURN(const SafetensorsFile file, parse_safetensors(bytes, source));
  const auto format = file.metadata.find("format");
  if (format == file.metadata.end() || format->second != "vgsales-checkpoint")
    return make_error(ErrorKind::invalid_data, source + ": not a vgsales checkpoint");
  TrainingCheckpoint checkpoint;
  VGSALES_ASSIGN_OR_RETURN(const long long members, metadata_integer(file, "members", source));
  VGSALES_ASSIGN_OR_RETURN(checkpoint.output_columns, metadata_integer(file, "output_columns", source));
  if (members < 1 || members > kMaximumMembers)
    return make_error(ErrorKind::invalid_data,
                      fmt::format("{}: {} members is not 1 to {}", source, members, kMaximumMembers));
  if (checkpoint.output_columns != 1 && checkpoint.output_columns != 2)
    return make_error(ErrorKind::invalid_data,
                      fmt::format("{}: {} output columns is not 1 or 2", source, checkpoint.output_columns));
  for (size_t k = 0; k < static_cast<size_t>(members); ++k) {
    MemberCheckpoint member;
    VGSALES_ASSIGN_OR_RETURN(const long long epoch, metadata_integer(file, member_key(k, "epoch"), source));
    VGSALES_ASSIGN_OR_RETURN(member.moments.step, metadata_integer(file, member_key(k, "adam_step"), source));
    member.epoch = static_cast<int>(std::min<long long>(epoch, 1'000'000'000));
    const auto found = file.tensors.find(member_key(k, "parameters"));
    if (found == file.tensors.end() || found->second.shape.size() != 1)
      return make_error(ErrorKind::invalid_data,
                        source + ": " + member_key(k, "parameters") + " is missing or not a vector");
    member.parameters = found->second.values;
    const std::int64_t count = found->second.shape[0];
    if (member.moments.step > 0) {
      VGSALES_ASSIGN_OR_RETURN(const FloatTensor* exp_avg,
                               find_tensor(file, member_key(k, "adam.exp_avg"), {count}, source));
      VGSALES_ASSIGN_OR_RETURN(const FloatTensor* exp_avg_sq,
                               find_tensor(file, member_key(k, "adam.exp_avg_sq"), {count}, source));
      member.moments.exp_avg = exp_avg->values;
      member.moments.exp_avg_sq = exp_avg_sq->values;
    }
    checkpoint.members.push_back(std::move(member));
  }
  return checkpoint;
}

}  // namespace vgsales
