// Parsing gs:// URIs.
#include "storage/gcs_location.h"

#include <algorithm>

namespace vgsales::storage {
namespace {

bool valid_bucket_name(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 222) return false;
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  };
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return std::all_of(bucket.begin(), bucket.end(), allowed) && alnum(bucket.front()) && alnum(bucket.back());
}

}  // namespace

std::string GcsLocation::uri() const {
  std::string path = prefix;
  if (!path.empty() && path.back() == '/') path.pop_back();
  return "gs://" + bucket + (path.empty() ? "" : "/" + path);
}

bool is_gcs_uri(const std::string& text) { return text.rfind("gs://", 0) == 0; }

Result<GcsLocation> parse_gcs_uri(const std::string& text) {
  if (!is_gcs_uri(text)) return make_error(ErrorKind::usage, "'" + text + "' is not a gs://BUCKET/PATH URI");
  const std::string rest = text.substr(5);
  const auto slash = rest.find('/');
  GcsLocation location;
  location.bucket = rest.substr(0, slash);
  if (!valid_bucket_name(location.bucket)) {
    return make_error(ErrorKind::usage,
                      "'" + text + "': '" + location.bucket +
                          "' is not a Cloud Storage bucket name (3-222 characters: a-z, 0-9, -, _, .)");
  }
  std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::size_t start = 0;
  while (!path.empty() && start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const std::string segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return make_error(ErrorKind::usage, "'" + text + "': the path may not hold empty, '.' or '..' segments");
    }
    start = end + 1;
  }
  location.prefix = path.empty() ? "" : path + "/";
  return location;
}

}  // namespace vgsales::storage
