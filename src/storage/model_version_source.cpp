// The version-name rule shared by local folders and Cloud Storage.
#include "storage/model_version_source.h"

#include <algorithm>
#include <charconv>

namespace vgsales::storage {

bool parse_version_name(const std::string& name, long long& version) {
  if (name.empty() || name.size() > 18) return false;
  if (!std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
  return ec == std::errc{} && end == name.data() + name.size();
}

}  // namespace vgsales::storage
