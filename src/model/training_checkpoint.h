// checkpoint.safetensors: what `train --resume` continues from. It pairs the kept epoch's weights with the Adam
// state of that same epoch, so a run that kept an earlier epoch (validation split, early stopping) resumes from
// exactly that point.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/fused_dense_network.h"

namespace vgsales {

struct TrainingCheckpoint {
  std::vector<float> parameters;  // flat, DenseStackLayout order
  AdamMoments moments;            // empty moments before the first step
  int epoch = 0;                  // the epoch these weights ended (training resumes with epoch + 1)
};

std::string serialize_checkpoint(const TrainingCheckpoint& checkpoint);
// The checkpoint of `model_dir`, verified against its SHA256SUMS, for a network of `parameter_count` parameters.
Result<TrainingCheckpoint> read_checkpoint(const std::filesystem::path& model_dir, size_t parameter_count);

}  // namespace vgsales
