// Where model versions come from, seen the same way for a local folder and for gs://: list the versions, then bring
// one to a local folder that load_predictor can read. The server's version polling and `predict`/`evaluate` use
// this and nothing else of Cloud Storage.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace vgsales::storage {

struct StoredVersion {
  long long version = 0;
  std::string location;  // a local folder, or gs://bucket/path/N
};

class ModelVersionSource {
 public:
  virtual ~ModelVersionSource() = default;
  // The complete versions, highest first (an empty list when there are none yet).
  virtual Result<std::vector<StoredVersion>> list_versions() = 0;
  // A local folder holding `version`, verified against its SHA256SUMS where it had to be copied.
  virtual Result<std::filesystem::path> materialize(const StoredVersion& version) = 0;
  virtual std::string describe() const = 0;
};

// A folder's name is a version when it is all decimal digits and fits a long long (TF Serving's rule: "007" is 7).
bool parse_version_name(const std::string& name, long long& version);

}  // namespace vgsales::storage
