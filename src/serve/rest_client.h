// A client for any server speaking the TF Serving REST predict API (ours, TF Serving, a Vertex proxy).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "data/cell_parsing.h"
#include "model/predictor.h"

namespace vgsales::serve {

// Rows per POST: big enough to amortise a round trip, small enough to stay far below body limits
// (Vertex AI accepts 1.5 MB).
inline constexpr std::size_t kRestClientBatchRows = 256;

// A feature the remote model takes, and whether its values travel as JSON numbers or as strings.
struct RemoteFeature {
  std::string name;
  bool numeric = true;
};

// What the client learns of a served model from its metadata.
struct RemoteModel {
  std::vector<RemoteFeature> features;
  std::string target_name;    // vgsales's "target_name", else the serving_default signature's first output
  bool has_interval = false;  // the server lists an "interval" signature (mean, median and interval bounds)
};

class RestClient {
 public:
  // `base_url` is http://host[:port][/prefix]; nothing is sent until the first call.
  static Result<RestClient> open(const std::string& base_url);
  RestClient(RestClient&&) noexcept;
  ~RestClient();

  // The model's features, from GET {prefix}/v1/models/{model}/metadata: vgsales's own "features" list, else the
  // named inputs of the serving_default signature (DT_STRING ones as text).
  Result<RemoteModel> describe(const std::string& model_name);

  // POST {prefix}/v1/models/{model}:predict with rows as objects by feature name, in batches. `cells` holds one text
  // per feature per row (row-major), exactly as read: a numeric feature's number goes as the JSON number it spells,
  // a missing value (one of `missing`) as null, anything else as a string. A non-200 answer is an error carrying
  // the server's {"error"} text. With `interval` the request names the "interval" signature and the answer's
  // median and bounds fill the Predictions too.
  Result<Predictions> predict(const std::string& model_name, const std::vector<RemoteFeature>& features,
                              std::span<const std::string_view> cells, const MissingValueSet& missing,
                              bool interval = false);

 private:
  class Connection;
  explicit RestClient(std::unique_ptr<Connection> connection, std::string prefix);
  std::unique_ptr<Connection> connection_;
  std::string prefix_;
};

}  // namespace vgsales::serve
