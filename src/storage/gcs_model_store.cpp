// Model versions in Cloud Storage: listing, the verified download into the cache, and the upload.
#include "storage/gcs_model_store.h"

#include <algorithm>
#include <cstdlib>

#include "common/atomic_file.h"
#include "common/file_checksums.h"

namespace vgsales::storage {
namespace fs = std::filesystem;

namespace {

constexpr const char* kModelFileName = "model.json";  // model/model_directory.h's kMetadataFileName

bool is_placeholder(const std::string& relative) { return relative.empty() || relative.back() == '/'; }

bool has_object(const ListedVersion& version, const std::string& relative) {
  return std::any_of(version.objects.begin(), version.objects.end(),
                     [&](const GcsObject& o) { return o.name == version.folder_prefix + relative; });
}

// Groups a listing of BASE/ into BASE/N/ folders and BASE's own objects.
std::map<long long, ListedVersion> group_by_version(const std::vector<GcsObject>& objects, const std::string& prefix,
                                                    ListedVersion& top_level) {
  std::map<long long, ListedVersion> versions;
  top_level.folder_prefix = prefix;
  for (const GcsObject& object : objects) {
    const std::string relative = object.name.substr(prefix.size());
    if (is_placeholder(relative)) continue;  // "folder/" objects the console creates
    const auto slash = relative.find('/');
    long long version = 0;
    if (slash == std::string::npos) {
      top_level.objects.push_back(object);
    } else if (parse_version_name(relative.substr(0, slash), version)) {
      ListedVersion& listed = versions[version];
      listed.folder_prefix = prefix + relative.substr(0, slash + 1);
      listed.objects.push_back(object);
    }
  }
  return versions;
}

// An object's path inside its version folder, refused if it could escape the folder.
Result<fs::path> relative_path(const std::string& relative, const std::string& uri) {
  fs::path path;
  std::size_t start = 0;
  while (start <= relative.size()) {
    const auto end = std::min(relative.find('/', start), relative.size());
    const std::string segment = relative.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return make_error(ErrorKind::invalid_data, uri + ": an object name with an empty, '.' or '..' segment");
    }
    path /= segment;
    start = end + 1;
  }
  return path;
}

long long checksum_generation(const ListedVersion& version) {
  for (const GcsObject& object : version.objects) {
    if (object.name == version.folder_prefix + kChecksumFileName) return object.generation;
  }
  return 0;
}

// Names and generations of a version's objects: equal fingerprints, equal bytes.
std::string fingerprint(const ListedVersion& listed) {
  std::string text;
  for (const GcsObject& object : listed.objects) text += object.name + "#" + std::to_string(object.generation) + "\n";
  return text;
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

}  // namespace

fs::path default_model_cache_root() {
  if (const std::string dir = env_or_empty("VGSALES_CACHE_DIR"); !dir.empty()) return dir;
  if (const std::string xdg = env_or_empty("XDG_CACHE_HOME"); !xdg.empty()) return fs::path(xdg) / "vgsales" / "gcs";
  if (const std::string home = env_or_empty("HOME"); !home.empty())
    return fs::path(home) / ".cache" / "vgsales" / "gcs";
  const std::string tmp = env_or_empty("TMPDIR");
  return fs::path(tmp.empty() ? "/tmp" : tmp) / "vgsales-gcs-cache";
}

GcsModelVersionSource::GcsModelVersionSource(std::shared_ptr<const GcsClient> client, GcsLocation base,
                                             ModelCacheOptions cache)
    : client_(std::move(client)), base_(std::move(base)), cache_(std::move(cache)) {
  if (cache_.root.empty()) cache_.root = default_model_cache_root();
  std::string folder = base_.prefix;
  if (!folder.empty()) folder.pop_back();
  base_cache_ = cache_.root / base_.bucket / (folder.empty() ? "_bucket_root" : folder);
}

Result<std::vector<StoredVersion>> GcsModelVersionSource::list_versions() {
  VGSALES_ASSIGN_OR_RETURN(const auto objects, client_->list_objects(base_.bucket, base_.prefix));
  ListedVersion top_level;
  auto grouped = group_by_version(objects, base_.prefix, top_level);
  std::vector<StoredVersion> versions;
  std::map<long long, ListedVersion> kept;
  for (auto& [number, listed] : grouped) {
    if (!has_object(listed, kChecksumFileName)) continue;  // still being uploaded: SHA256SUMS comes last
    versions.push_back({number, base_.child(std::to_string(number)).uri()});
    kept.emplace(number, std::move(listed));
  }
  // A plain model directory at BASE (AIP_STORAGE_URI names the version folder itself) is version 1.
  if (kept.empty() && has_object(top_level, kModelFileName) && has_object(top_level, kChecksumFileName)) {
    versions.push_back({1, base_.uri()});
    kept.emplace(1, std::move(top_level));
  }
  std::sort(versions.begin(), versions.end(),
            [](const StoredVersion& a, const StoredVersion& b) { return a.version > b.version; });
  std::lock_guard lock(mutex_);
  listed_ = std::move(kept);
  return versions;
}

Result<fs::path> GcsModelVersionSource::materialize(const StoredVersion& version) {
  ListedVersion listed;
  {
    std::lock_guard lock(mutex_);
    const auto found = listed_.find(version.version);
    if (found == listed_.end()) {
      return make_error(ErrorKind::not_found, version.location + " was not in the last listing of " + base_.uri());
    }
    listed = found->second;
    const auto refused = refused_.find(version.version);
    if (refused != refused_.end() && refused->second.first == fingerprint(listed)) return refused->second.second;
  }
  const long long generation = checksum_generation(listed);
  // One cache folder per version and SHA256SUMS generation: a re-uploaded version gets a folder of its own.
  const fs::path folder = base_cache_ / (std::to_string(version.version) + "-g" + std::to_string(generation));
  std::error_code ec;
  if (fs::is_directory(folder, ec) && verify_checksum_file(folder, {kModelFileName}).ok()) {
    fs::last_write_time(folder, fs::file_time_type::clock::now(), ec);  // most recently used
    evict_except(folder);
    return folder;
  }
  auto downloaded = download_version(version, listed, folder);
  if (!downloaded.ok()) {
    if (downloaded.error().kind == ErrorKind::invalid_data) {
      std::lock_guard lock(mutex_);
      refused_[version.version] = {fingerprint(listed), downloaded.error()};
    }
    return downloaded.error();
  }
  evict_except(folder);
  return folder;
}

Result<void> GcsModelVersionSource::download_version(const StoredVersion& version, const ListedVersion& listed,
                                                     const fs::path& folder) const {
  std::size_t total = 0;
  for (const GcsObject& object : listed.objects) total += static_cast<std::size_t>(std::max(0LL, object.size));
  if (total > cache_.max_version_bytes) {
    return make_error(ErrorKind::invalid_data, version.location + " holds " + std::to_string(total) +
                                                   " bytes, more than the cache's limit of " +
                                                   std::to_string(cache_.max_version_bytes));
  }
  std::error_code ec;
  fs::create_directories(folder.parent_path(), ec);
  if (ec)
    return make_error(ErrorKind::io,
                      "cannot create the model cache " + folder.parent_path().string() + ": " + ec.message());
  VGSALES_ASSIGN_OR_RETURN(StagingDirectory staging, StagingDirectory::create_beside(folder));
  for (const GcsObject& object : listed.objects) {
    VGSALES_ASSIGN_OR_RETURN(const fs::path relative,
                             relative_path(object.name.substr(listed.folder_prefix.size()), version.location));
    VGSALES_ASSIGN_OR_RETURN(const std::string bytes,
                             client_->download(base_.bucket, object, cache_.max_version_bytes));
    fs::create_directories((staging.path() / relative).parent_path(), ec);
    VGSALES_TRY(write_file_atomically(staging.path() / relative, bytes));
  }
  auto verified = verify_checksum_file(staging.path(), {kModelFileName});
  if (!verified.ok()) {
    return make_error(ErrorKind::invalid_data,
                      version.location +
                          " is refused, its files do not match its SHA256SUMS: " + verified.error().message);
  }
  return staging.commit();
}

void GcsModelVersionSource::evict_except(const fs::path& keep) const {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  for (fs::directory_iterator it(base_cache_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.' || it->path() == keep || !it->is_directory(ec)) continue;
    entries.emplace_back(fs::last_write_time(it->path(), ec), it->path());
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = static_cast<std::size_t>(std::max(0, cache_.max_versions - 1)); i < entries.size(); ++i) {
    fs::remove_all(entries[i].second, ec);
  }
}

Result<std::shared_ptr<ModelVersionSource>> open_gcs_model_source(const std::string& uri) {
  VGSALES_ASSIGN_OR_RETURN(GcsLocation location, parse_gcs_uri(uri));
  VGSALES_ASSIGN_OR_RETURN(std::shared_ptr<GcsClient> client, make_default_gcs_client());
  return std::shared_ptr<ModelVersionSource>(std::make_shared<GcsModelVersionSource>(client, std::move(location)));
}

Result<fs::path> local_model_directory(const std::string& model) {
  if (!is_gcs_uri(model)) return fs::path(model);
  VGSALES_ASSIGN_OR_RETURN(const auto source, open_gcs_model_source(model));
  VGSALES_ASSIGN_OR_RETURN(const auto versions, source->list_versions());
  if (versions.empty()) {
    return make_error(ErrorKind::not_found, "no complete model under " + model +
                                                " (a version folder is complete once its SHA256SUMS is uploaded)");
  }
  return source->materialize(versions.front());
}

Result<long long> next_free_version(const GcsClient& client, const GcsLocation& base) {
  VGSALES_ASSIGN_OR_RETURN(const auto objects, client.list_objects(base.bucket, base.prefix));
  ListedVersion top_level;
  const auto grouped = group_by_version(objects, base.prefix, top_level);
  return grouped.empty() ? 1 : grouped.rbegin()->first + 1;
}

Result<std::vector<std::string>> upload_model_version(const GcsClient& client, const GcsLocation& target,
                                                      const fs::path& folder, bool replace) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(fs::relative(it->path(), folder).generic_string());
  }
  if (ec) return make_error(ErrorKind::io, "cannot list " + folder.string() + ": " + ec.message());
  const auto sums = std::find(files.begin(), files.end(), kChecksumFileName);
  if (sums == files.end()) return make_error(ErrorKind::invalid_data, folder.string() + " has no SHA256SUMS to upload");
  files.erase(sums);
  std::sort(files.begin(), files.end());
  files.push_back(kChecksumFileName);  // last: the marker readers wait for
  if (replace) VGSALES_TRY(client.remove(target.bucket, target.prefix + kChecksumFileName));
  for (const std::string& file : files) {
    VGSALES_ASSIGN_OR_RETURN(const std::string bytes, read_file_to_string(folder / file));
    VGSALES_TRY(client.upload(target.bucket, target.prefix + file, bytes, !replace));
  }
  return files;
}

}  // namespace vgsales::storage
