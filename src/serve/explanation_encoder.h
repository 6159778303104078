// The :explain answer in Vertex AI's explanation shape (projects.locations.endpoints.explain):
// {"explanations": [{"attributions": [{"baselineOutputValue", "instanceOutputValue", "featureAttributions":
// {column: value}, "outputIndex", "outputName", "approximationError"}]}]}, one explanation per instance and one
// attribution per output (the mean, then the median). `vgsales explain --format json` prints the same text.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "serve/explanation_service.h"

namespace vgsales::serve {

std::string encode_explain_answer(const ExplainAnswer& answer);

// The metadata's "global_importance": {"rows", "baseline", "columns": [{"column", "mean_absolute_attribution",
// "effects": [{"value", "rows", "mean_attribution"}]}]} most important first, or null for a model without
// background rows.
void write_global_importance(rapidjson::Writer<rapidjson::StringBuffer>& writer, const GlobalImportance* summary);

}  // namespace vgsales::serve
