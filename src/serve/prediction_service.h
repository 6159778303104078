// The one prediction service behind every protocol: finds the servable a request names and runs its predictor on a
// decoded PredictRequest. Knows no protocol: failures are Errors, which each protocol maps to its own status.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "serve/predict_request.h"
#include "serve/version_manager.h"

namespace vgsales::serve {

class PredictionService {
 public:
  // The live version, or nullptr before the first load (VersionManager::current in the server).
  using ModelSource = std::function<std::shared_ptr<const ServedModel>()>;
  // Told of every answered raw-row request (the prediction log, serve --prediction_log); must not block.
  using PredictionObserver = std::function<void(const ServedModel&, const PredictRequest&, const PredictAnswer&)>;

  // `model_name` is the one model served, as TF Serving's --model_name.
  PredictionService(std::string model_name, ModelSource current_model, PredictionObserver observer = {});

  const std::string& model_name() const { return model_name_; }
  // The live version, or nullptr before the first load.
  std::shared_ptr<const ServedModel> current() const { return current_model_(); }

  // The live version if it is `spec` (its name, and its version when one is given); else not_found with TF Serving's
  // "Servable not found for request: Latest(NAME)" or "...: Specific(NAME, VERSION)". Requests hold the answer for
  // their whole duration, so a version swap never changes the model between decoding and predicting.
  Result<std::shared_ptr<const ServedModel>> find(const ModelSpec& spec) const;

  // Runs `model` on `request` (decoded for this model's features): invalid_data names the bad cell's row as
  // "instances[i]" for rows or "inputs row i" for columns.
  Result<PredictAnswer> predict(const ServedModel& model, const PredictRequest& request) const;

 private:
  std::string model_name_;
  ModelSource current_model_;
  PredictionObserver observer_;
};

}  // namespace vgsales::serve
