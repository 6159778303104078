// The role a data split plays in training: one enum, and the one name table the metrics maps, model.json, the
// printout and TensorBoard key the splits with.
#pragma once

#include <string>
#include <vector>

namespace vgsales {

enum class SplitRole {
  train,       // the rows the optimizer steps on
  validation,  // held out to pick each member's epoch and calibrate the estimates
  test,        // held out to report on, never to choose anything
};

// "train", "validation", "test".
std::string split_role_name(SplitRole role);

// The held-out split with `role` among `held_out` (any type with a `role`), or nullptr.
template <typename Split>
const Split* find_split(const std::vector<Split>& held_out, SplitRole role) {
  const Split* found = nullptr;
  for (const auto& split : held_out)
    if (split.role == role) found = &split;
  return found;
}

// The split the per-epoch detail and the last predicted-vs-actual plot show: test, else validation, else train.
template <typename Split>
const Split& displayed_split(const Split& train, const std::vector<Split>& held_out) {
  const Split* shown = &train;
  for (const auto& split : held_out)
    if (split.role == SplitRole::test || (split.role == SplitRole::validation && shown == &train)) shown = &split;
  return *shown;
}

}  // namespace vgsales
