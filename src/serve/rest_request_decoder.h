// TF Serving's JSON predict body (docs/serving.md) to the request model: `instances` (rows) or `inputs` (columns), each
// row a list, an object by feature name or {"input": [...]}, and the `signature_name` (serving_default, rows, interval,
// encoded). Error texts follow TF Serving's (util/json_tensor.cc, predict_util.cc) so clients see familiar messages.
#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "common/result.h"
#include "model/predictor.h"
#include "serve/predict_request.h"

namespace vgsales::serve {

// The single input tensor's name in the metadata and in `{"input": ...}` rows and columns.
inline constexpr const char* kInputTensorName = "input";

// A request body parsed once. Decoded raw cells point into it, so it must outlive the PredictRequest decoded from it.
// Small bodies (the common one-row request) parse into buffers inside the object; larger ones grow onto the heap.
class JsonRequestBody {
 public:
  JsonRequestBody();
  JsonRequestBody(const JsonRequestBody&) = delete;
  JsonRequestBody& operator=(const JsonRequestBody&) = delete;

  // Parses `body` iteratively (a hostile deeply nested body cannot exhaust the stack), numbers kept as the text they
  // were written with. An empty body, a parse error or a body that is not an object is invalid_data.
  Result<void> parse(std::string_view body);
  const rapidjson::Value& root() const { return document_; }

 private:
  using Allocator = rapidjson::MemoryPoolAllocator<>;
  char value_buffer_[8192];
  char parse_buffer_[2048];
  Allocator value_allocator_;
  Allocator parse_allocator_;
  rapidjson::GenericDocument<rapidjson::UTF8<>, Allocator, Allocator> document_;
};

// The predict request in `body` (a parsed object) for `predictor`'s model: its signature and its rows, decoded
// against the model's features (raw rows) or its encoded inputs (the encoded signature; serving_default too when an
// all-numeric model with missing-value indicators gets rows of exactly the encoded width). Errors are invalid_data.
Result<PredictRequest> decode_predict_request(const rapidjson::Value& body, const Predictor& predictor);

}  // namespace vgsales::serve
