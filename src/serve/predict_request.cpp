// The signature names of the request model.
#include "serve/predict_request.h"

namespace vgsales::serve {

const char* signature_name(Signature signature) {
  switch (signature) {
    case Signature::serving_default: return kServingSignatureName;
    case Signature::rows: return kRowsSignatureName;
    case Signature::interval: return kIntervalSignatureName;
    case Signature::encoded: return kEncodedSignatureName;
  }
  return "?";
}

Result<Signature> signature_named(std::string_view name, const Predictor& predictor) {
  if (name.empty()) return Signature::serving_default;
  for (const Signature signature :
       {Signature::serving_default, Signature::rows, Signature::interval, Signature::encoded}) {
    if (name != signature_name(signature)) continue;
    if (signature == Signature::interval && !predictor.has_interval()) break;
    return signature;
  }
  return make_error(ErrorKind::invalid_data, "Serving signature key \"" + std::string(name) + "\" not found.");
}

}  // namespace vgsales::serve
