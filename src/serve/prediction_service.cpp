// The servable lookup and the prediction for every protocol.
#include "serve/prediction_service.h"

#include <charconv>
#include <utility>

namespace vgsales::serve {

PredictionService::PredictionService(std::string model_name, ModelSource current_model, PredictionObserver observer)
    : model_name_(std::move(model_name)), current_model_(std::move(current_model)), observer_(std::move(observer)) {}

Result<std::shared_ptr<const ServedModel>> PredictionService::find(const ModelSpec& spec) const {
  auto model = current_model_();
  const std::string request_text = spec.version.empty() ? "Latest(" + spec.name + ")"
                                                        : "Specific(" + spec.name + ", " + spec.version + ")";
  // One model is served; any other name is not found, as TF Serving answers for an unknown servable.
  if (!model || spec.name != model_name_)
    return make_error(ErrorKind::not_found, "Servable not found for request: " + request_text);
  if (!spec.version.empty()) {
    long long version = -1;
    const auto [end, ec] = std::from_chars(spec.version.data(), spec.version.data() + spec.version.size(), version);
    if (ec != std::errc{} || version != model->version) {
      return make_error(ErrorKind::not_found, "Servable not found for request: " + request_text);
    }
  }
  return model;
}

Result<PredictAnswer> PredictionService::predict(const ServedModel& model, const PredictRequest& request) const {
  const Predictor& predictor = *model.predictor;
  PredictAnswer answer;
  answer.layout = request.layout;
  answer.interval = request.signature == Signature::interval;
  answer.output_name = predictor.metadata().output_name;
  answer.rows = request.rows;
  if (request.signature == Signature::encoded) {
    answer.predictions.values.resize(request.rows);
    predictor.predict_encoded(request.encoded, EstimateSpans{answer.predictions.values});
    return answer;
  }
  const bool columns = request.layout == RowLayout::columns;
  VGSALES_ASSIGN_OR_RETURN(answer.predictions, predictor.predict(
                                                   request.cells,
                                                   [columns](size_t row) {
                                                     return columns ? "inputs row " + std::to_string(row)
                                                                    : "instances[" + std::to_string(row) + "]";
                                                   },
                                                   answer.interval));
  if (observer_) observer_(model, request, answer);
  return answer;
}

}  // namespace vgsales::serve
