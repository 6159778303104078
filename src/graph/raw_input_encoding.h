// How every export encodes raw cells inside the model, mirroring FeaturePipeline::encode_row: the lookup of a
// categorical cell's text, and the graph names of the raw inputs. Shared by the GraphDef, ONNX and TorchScript
// writers so the three encode a row the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/feature_pipeline.h"

namespace vgsales {

// A categorical feature's cell text -> its one-hot slot. `keys` are exact texts (after trimming blanks): every
// category, and every ASCII case variant of each missing-value spelling (the pipeline compares those ignoring ASCII
// case), which take precedence as FeaturePipeline::category_slot gives them. Any other text is `other_slot`.
struct CategoryLookup {
  std::vector<std::string> keys;
  std::vector<std::int64_t> slots;  // per key
  std::int64_t other_slot = 0;
  std::int64_t missing_slot = 0;
  std::int64_t width = 0;  // the feature's one-hot width: categories + other + missing
};
CategoryLookup category_lookup(const FeaturePipeline& pipeline, size_t feature);

// Every spelling of `lower_spelling` that matches it ignoring ASCII case ("na" -> "na", "nA", "Na", "NA"), up to
// kMaxCaseVariants; past that, only the lower-, upper- and first-capital forms (a documented limit).
inline constexpr size_t kMaxCaseVariants = 1024;
std::vector<std::string> ascii_case_variants(const std::string& lower_spelling);

// Names the raw inputs' Placeholder nodes get in the TensorFlow graph: the feature's name when it is a valid node
// name that no other node takes, else the name with other characters as '_' and a numeric suffix. `taken` lists
// the node names and scope names the rest of the graph uses.
std::vector<std::string> raw_input_node_names(const FeaturePipeline& pipeline, const std::vector<std::string>& taken);

// True when the pipeline's encoding has the network's inputs (same width); exporters check before combining them.
bool pipeline_fits_network_width(const FeaturePipeline& pipeline, std::int64_t input_width);

}  // namespace vgsales
