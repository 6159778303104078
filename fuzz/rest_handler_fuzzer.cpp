// Fuzzes the REST handler over a whole request: the input is "METHOD TARGET\n" followed by the body, handed to
// RestHandler::handle as the server would, for a model with categorical features (the cell path), an all-numeric
// one (the numeric path) and an all-numeric one with a missing-value indicator (whose default signature also reads
// the encoded layout), all the fake predictor of tests/serve. Every request must get an answer
// with a valid status and a JSON body, never a crash. Inputs it once failed on are replayed by
// tests/serve/rest_handler_test.cpp from tests/serve/fuzz_regressions/rest_handler_fuzzer/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include <rapidjson/document.h>

#include "serve/fake_predictor.h"
#include "serve/rest_handler.h"

namespace {

using namespace vgsales;
using namespace vgsales::serve;

RestHandler make_handler(FeaturePipeline pipeline) {
  auto model = std::make_shared<ServedModel>();
  model->version = 3;
  model->directory = "/models/vgsales/3";
  model->predictor = std::make_shared<serve::testing::FakePredictor>(std::move(pipeline), 0.5f);
  return RestHandler(
      {"vgsales", "/health", "/predict"}, [model] { return model; }, [] { return std::string("vgsales_up 1\n"); });
}

void check(const RestResponse& response) {
  if (response.status < 200 || response.status > 599) std::abort();
  if (response.content_type == "application/json") {
    // JSON with TF Serving's NaN / Infinity tokens (a model may output them), nothing else.
    rapidjson::Document document;
    document.Parse<rapidjson::kParseNanAndInfFlag>(response.body.c_str(), response.body.size());
    if (document.HasParseError()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const RestHandler mixed = make_handler(serve::testing::mixed_pipeline());
  static const RestHandler numeric = make_handler(serve::testing::numeric_pipeline());
  static const RestHandler indicated = make_handler(serve::testing::numeric_pipeline_with_missing_indicator());
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t line_end = input.find('\n');
  const std::string_view line = input.substr(0, line_end);
  const std::string_view body = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
  const std::size_t space = line.find(' ');
  const std::string_view method = line.substr(0, space);
  const std::string_view target = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  check(mixed.handle(RestRequest{method, target, body}));
  check(numeric.handle(RestRequest{method, target, body}));
  check(indicated.handle(RestRequest{method, target, body}));
  return 0;
}
