// The :explain service: a decoded :predict request's rows explained by the served version's ShapleyExplainer, within
// the per-request cost limit. Knows no protocol: failures are Errors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "explain/global_importance.h"
#include "explain/shapley_explainer.h"
#include "serve/predict_request.h"
#include "serve/version_manager.h"

namespace vgsales::serve {

// Coalition rows one :explain request may cost at most (rows × coalition rows per row), --max-explain-cost.
inline constexpr std::uint64_t kDefaultMaximumExplainCost = std::uint64_t{1} << 22;

struct ExplainAnswer {
  std::vector<std::string> columns;  // the model's features, the attributions' keys
  std::vector<InstanceExplanation> explanations;
};

// The explainer of a model directory: its predictor with its background.csv (an error saying why there is none).
Result<std::shared_ptr<const ShapleyExplainer>> load_explainer(std::shared_ptr<const Predictor> predictor,
                                                               const std::filesystem::path& model_dir);

// Rows of background.csv the served global importance explains: a summary for the page's About, computed once per
// version on its first metadata request (the reference model's 32 rows take about a tenth of a second).
inline constexpr size_t kGlobalImportanceRows = 32;

// The global importance over the first kGlobalImportanceRows background rows (sampled values with a small budget
// where the exact ones would be costly); nullptr when the rows cannot be explained.
std::shared_ptr<const GlobalImportance> background_importance(const ShapleyExplainer& explainer);

// `model`'s explainer, loaded from its directory on the first call (a version without, or with a damaged,
// background.csv still predicts; only :explain says why it cannot); nullptr with explainer_unavailable set.
const ShapleyExplainer* served_explainer(const ServedModel& model);

// `model`'s global importance, computed on the first call and kept with the version; nullptr without an explainer.
const GlobalImportance* served_global_importance(const ServedModel& model);

// Explains `request`'s raw rows on `model`. invalid_data for the encoded signature, for a model that cannot explain
// (no background.csv) and for a request whose rows × coalition rows exceed `max_cost`, naming the limit.
Result<ExplainAnswer> explain_request(const ServedModel& model, const PredictRequest& request, std::uint64_t max_cost);

}  // namespace vgsales::serve
