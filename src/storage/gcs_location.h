// gs://BUCKET/PATH, the one spelling of a Cloud Storage folder anywhere a model or an export base is named.
#pragma once

#include <string>

#include "common/result.h"

namespace vgsales::storage {

struct GcsLocation {
  std::string bucket;
  std::string prefix;  // the folder's object-name prefix: "" for the bucket's root, else "path/to/folder/"

  std::string uri() const;  // gs://bucket/path/to/folder
  GcsLocation child(const std::string& name) const { return {bucket, prefix + name + "/"}; }
};

// True for anything starting with gs:// (the caller then parses it or reports why it cannot).
bool is_gcs_uri(const std::string& text);

// Parses gs://BUCKET[/PATH[/]]: the bucket name as Cloud Storage allows it (3 to 222 characters of a-z, 0-9, -, _
// and ., starting and ending with a letter or digit), a path without empty, "." or ".." segments.
Result<GcsLocation> parse_gcs_uri(const std::string& text);

}  // namespace vgsales::storage
