// A client for any server speaking the TF Serving REST predict API (ours, TF Serving, a Vertex proxy).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/predictor.h"

namespace vgsales::serve {

// Rows per POST: big enough to amortise a round trip, small enough to stay far below body limits
// (Vertex AI accepts 1.5 MB).
inline constexpr std::size_t kRestClientBatchRows = 256;

// Sends `cells` (row-major [rows][feature_names.size()]) to `base_url` (http://host[:port][/prefix]) as
// POST {prefix}/v1/models/{model_name}:predict with rows as objects by feature name, in batches; returns one
// prediction per row. A non-200 answer is an error carrying the server's {"error"} text.
Result<std::vector<float>> predict_via_rest(const std::string& base_url, const std::string& model_name,
                                            const std::vector<std::string>& feature_names,
                                            std::span<const FieldValue> cells);

}  // namespace vgsales::serve
