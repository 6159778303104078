// Explaining a decoded request on the served version.
#include "serve/explanation_service.h"

#include <fmt/format.h>

#include "common/number_format.h"

namespace vgsales::serve {

Result<std::shared_ptr<const ShapleyExplainer>> load_explainer(std::shared_ptr<const Predictor> predictor,
                                                               const std::filesystem::path& model_dir) {
  VGSALES_ASSIGN_OR_RETURN(BackgroundRows background, read_background_rows(model_dir, predictor->pipeline()));
  VGSALES_ASSIGN_OR_RETURN(ShapleyExplainer explainer, ShapleyExplainer::create(predictor, std::move(background)));
  return std::make_shared<const ShapleyExplainer>(std::move(explainer));
}

std::shared_ptr<const GlobalImportance> background_importance(const ShapleyExplainer& explainer) {
  ExplainSettings settings;
  settings.sampled_coalition_rows = std::uint64_t{1} << 12;
  const BackgroundRows& rows = explainer.background();
  auto summary_explainer = ShapleyExplainer::create(explainer.shared_predictor(), rows, settings);
  if (!summary_explainer.ok()) return nullptr;
  const std::span<const RawCell> cells =
      rows.cells().first(std::min(rows.rows(), kGlobalImportanceRows) * rows.features());
  auto explained = summary_explainer->explain(cells, [](size_t r) { return fmt::format("row {}", r + 1); });
  if (!explained.ok()) return nullptr;
  return std::make_shared<const GlobalImportance>(summarize_global_importance(explainer.predictor().pipeline(), cells,
                                                                              *explained));
}

const ShapleyExplainer* served_explainer(const ServedModel& model) {
  std::call_once(model.explainer_once, [&model] {
    if (model.explainer || !model.explainer_unavailable.empty() || !model.predictor) return;  // set by its maker
    if (auto loaded = load_explainer(model.predictor, model.directory); loaded.ok())
      model.explainer = std::move(loaded).value();
    else model.explainer_unavailable = loaded.error().message;
  });
  return model.explainer.get();
}

const GlobalImportance* served_global_importance(const ServedModel& model) {
  if (!served_explainer(model)) return nullptr;
  std::call_once(model.global_importance_once,
                 [&model] { model.global_importance = background_importance(*model.explainer); });
  return model.global_importance.get();
}

Result<ExplainAnswer> explain_request(const ServedModel& model, const PredictRequest& request, std::uint64_t max_cost) {
  if (request.signature == Signature::encoded)
    return make_error(ErrorKind::invalid_data,
                      "explain takes raw rows (the model's columns), not the encoded signature's inputs");
  if (!served_explainer(model))
    return make_error(ErrorKind::invalid_data, "this model version cannot explain its estimates: " +
                                                   (model.explainer_unavailable.empty()
                                                        ? std::string("it was loaded without its background rows")
                                                        : model.explainer_unavailable));
  const ShapleyExplainer& explainer = *model.explainer;
  const std::uint64_t per_row = explainer.coalition_rows_per_instance();
  const std::uint64_t rows = request.rows;
  if (rows > 0 && per_row > max_cost / rows)
    return make_error(
        ErrorKind::invalid_data,
        fmt::format("explaining {} instance(s) costs {} coalition rows ({} each), above this server's limit of {} "
                    "per request (--max-explain-cost); send at most {} instance(s) per request",
                    rows, group_thousands(static_cast<long long>(std::min<std::uint64_t>(rows * per_row, INT64_MAX))),
                    group_thousands(static_cast<long long>(per_row)), group_thousands(static_cast<long long>(max_cost)),
                    max_cost / per_row));
  ExplainAnswer answer;
  for (const FeatureSpec& feature : explainer.predictor().pipeline().features()) answer.columns.push_back(feature.name);
  const auto label = [](size_t row) { return fmt::format("instances[{}]", row); };
  VGSALES_ASSIGN_OR_RETURN(answer.explanations, explainer.explain(request.cells, label));
  return answer;
}

}  // namespace vgsales::serve
