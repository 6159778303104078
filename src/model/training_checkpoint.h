// checkpoint.safetensors: what `train --resume` continues from. For every member of the ensemble it pairs the kept
// epoch's weights with the Adam state of that same epoch, so a run that kept an earlier epoch (holdout, patience)
// resumes each member from exactly that point.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/fused_dense_network.h"

namespace vgsales {

struct MemberCheckpoint {
  std::vector<float> parameters;  // flat, DenseStackLayout order
  AdamMoments moments;            // empty moments before the first step
  int epoch = 0;                  // the epoch these weights ended (the member resumes with epoch + 1)
};

struct TrainingCheckpoint {
  std::vector<MemberCheckpoint> members;
  std::int64_t output_columns = 1;  // 2 when the members were trained with a median head
  // The earliest epoch a member kept: a resumed run has work to do only below --epochs.
  int earliest_epoch() const;
};

std::string serialize_checkpoint(const TrainingCheckpoint& checkpoint);
// The checkpoint of `model_dir`, verified against its SHA256SUMS. Each member's parameter count is checked against
// the network the checkpoint declares (its output columns) when it is rebuilt by the trainer.
Result<TrainingCheckpoint> read_checkpoint(const std::filesystem::path& model_dir);

}  // namespace vgsales
