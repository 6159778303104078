// The categorical lookups and raw input names every raw-row export shares; see raw_input_encoding.h.
#include "graph/raw_input_encoding.h"

#include <set>
#include <unordered_set>

namespace vgsales {

std::vector<std::string> ascii_case_variants(const std::string& lower_spelling) {
  std::vector<size_t> letters;
  for (size_t i = 0; i < lower_spelling.size(); ++i)
    if (lower_spelling[i] >= 'a' && lower_spelling[i] <= 'z') letters.push_back(i);
  const auto upper = [](char c) { return static_cast<char>(c - 'a' + 'A'); };
  std::vector<std::string> variants;
  if (letters.size() >= 64 || (size_t{1} << letters.size()) > kMaxCaseVariants) {
    std::string all_upper = lower_spelling, capital = lower_spelling;
    for (size_t i : letters) all_upper[i] = upper(all_upper[i]);
    capital[letters.front()] = upper(capital[letters.front()]);
    return {lower_spelling, all_upper, capital};
  }
  for (size_t mask = 0; mask < (size_t{1} << letters.size()); ++mask) {
    std::string variant = lower_spelling;
    for (size_t bit = 0; bit < letters.size(); ++bit)
      if (mask & (size_t{1} << bit)) variant[letters[bit]] = upper(variant[letters[bit]]);
    variants.push_back(std::move(variant));
  }
  return variants;
}

CategoryLookup category_lookup(const FeaturePipeline& pipeline, size_t feature) {
  const FeatureSpec& spec = pipeline.features()[feature];
  CategoryLookup lookup;
  lookup.other_slot = static_cast<std::int64_t>(spec.other_slot());
  lookup.missing_slot = static_cast<std::int64_t>(spec.missing_slot());
  lookup.width = static_cast<std::int64_t>(spec.encoded_width());
  std::unordered_set<std::string> seen;
  // Missing spellings first: category_slot() checks them before the vocabulary.
  for (const std::string& spelling : pipeline.missing_values().spellings())
    for (std::string& variant : ascii_case_variants(spelling))
      if (seen.insert(variant).second) {
        lookup.keys.push_back(std::move(variant));
        lookup.slots.push_back(lookup.missing_slot);
      }
  // Rare categories are left out: like unseen text, they read as "other".
  for (size_t i = 0; i < spec.categories.size(); ++i)
    if (seen.insert(spec.categories[i]).second) {
      lookup.keys.push_back(spec.categories[i]);
      lookup.slots.push_back(static_cast<std::int64_t>(i));
    }
  return lookup;
}

namespace {

bool is_node_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

}  // namespace

std::vector<std::string> raw_input_node_names(const FeaturePipeline& pipeline, const std::vector<std::string>& taken) {
  std::set<std::string> used(taken.begin(), taken.end());
  const auto reserved = [&](const std::string& name) { return used.count(name) != 0; };
  std::vector<std::string> names;
  for (size_t f = 0; f < pipeline.features().size(); ++f) {
    const std::string& feature = pipeline.features()[f].name;
    std::string name;
    for (char c : feature) name += is_node_name_char(c) ? c : '_';
    // TensorFlow node names start with a letter, digit or '.' (tensorflow/core/graph/graph.cc, IsValidNodeName).
    if (name.empty() || name.front() == '_' || name.front() == '-') name = "feature" + name;
    if (reserved(name)) {
      const std::string stem = name;
      for (int k = 1; reserved(name); ++k) name = stem + "_" + std::to_string(k);
    }
    used.insert(name);
    names.push_back(std::move(name));
  }
  return names;
}

bool pipeline_fits_network_width(const FeaturePipeline& pipeline, std::int64_t input_width) {
  return static_cast<std::int64_t>(pipeline.encoded_width()) == input_width && !pipeline.features().empty();
}

}  // namespace vgsales
