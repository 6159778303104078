// The :explain answer in Vertex AI's explanation shape (projects.locations.endpoints.explain):
// {"explanations": [{"attributions": [{"baselineOutputValue", "instanceOutputValue", "featureAttributions":
// {column: value}, "outputIndex", "outputName", "approximationError"}]}]}, one explanation per instance and one
// attribution per output (the mean, then the median). `vgsales explain --format json` prints the same text.
#pragma once

#include <string>

#include "serve/explanation_service.h"

namespace vgsales::serve {

std::string encode_explain_answer(const ExplainAnswer& answer);

}  // namespace vgsales::serve
