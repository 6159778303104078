// Model versions in Cloud Storage: BASE/N/ folders of objects, complete once BASE/N/SHA256SUMS exists (writers
// upload it last), or one model directory at BASE itself (version 1). Reading downloads a version's objects at the
// generations one listing saw into a bounded local cache and verifies SHA256SUMS before anything loads them;
// writing uploads a version with its SHA256SUMS last.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/gcs_client.h"
#include "storage/gcs_location.h"
#include "storage/model_version_source.h"

namespace vgsales::storage {

// The objects of one version folder as a listing saw them (full object names, pinned generations).
struct ListedVersion {
  std::string folder_prefix;  // the object-name prefix of the version's folder
  std::vector<GcsObject> objects;
};

struct ModelCacheOptions {
  std::filesystem::path root;                            // default_model_cache_root() unless set
  std::size_t max_version_bytes = std::size_t{2} << 30;  // a larger version is refused before any download
  int max_versions = 3;  // per base: the one just loaded and the two before it stay, older ones are removed
};

// VGSALES_CACHE_DIR, else $XDG_CACHE_HOME/vgsales/gcs, else $HOME/.cache/vgsales/gcs, else
// $TMPDIR (or /tmp)/vgsales-gcs-cache.
std::filesystem::path default_model_cache_root();

class GcsModelVersionSource final : public ModelVersionSource {
 public:
  GcsModelVersionSource(std::shared_ptr<const GcsClient> client, GcsLocation base, ModelCacheOptions cache = {});

  Result<std::vector<StoredVersion>> list_versions() override;
  // Downloads the objects of the last listing's `version`, each at its listed generation: a version re-uploaded
  // meanwhile fails here (the old generation is gone) or in the checksum check, and is tried again at the next
  // listing; its files are never mixed into a served folder.
  Result<std::filesystem::path> materialize(const StoredVersion& version) override;
  std::string describe() const override { return base_.uri(); }

 private:
  Result<void> download_version(const StoredVersion& version, const ListedVersion& listed,
                                const std::filesystem::path& folder) const;
  void evict_except(const std::filesystem::path& keep) const;

  std::shared_ptr<const GcsClient> client_;
  GcsLocation base_;
  ModelCacheOptions cache_;
  std::filesystem::path base_cache_;
  std::mutex mutex_;
  std::map<long long, ListedVersion> listed_;  // the last listing's objects of each complete version
  // Versions refused for their content (checksums, size), by the generations of all their objects: not downloaded
  // again until one of their objects changes.
  std::map<long long, std::pair<std::string, Error>> refused_;
};

// `uri` as a GcsModelVersionSource with the environment's client (make_default_gcs_client) and the default cache.
Result<std::shared_ptr<ModelVersionSource>> open_gcs_model_source(const std::string& uri);

// The local folder of a --model argument: itself when local; for gs:// the highest complete version under it (or
// the model directory it names), downloaded and verified.
Result<std::filesystem::path> local_model_directory(const std::string& model);

// The version `vgsales export --out gs://BASE` writes next: one above every numeric folder under BASE, complete or
// not (a half-uploaded version's number is never reused).
Result<long long> next_free_version(const GcsClient& client, const GcsLocation& base);

// Uploads the files of `folder` to `target` (gs://BASE/N): every file but SHA256SUMS (each refused if it exists
// unless `replace`), then SHA256SUMS, so a reader sees the version complete or not at all. With `replace` the old
// SHA256SUMS is deleted first, so the version reads as incomplete until the new one lands. Returns the file names.
Result<std::vector<std::string>> upload_model_version(const GcsClient& client, const GcsLocation& target,
                                                      const std::filesystem::path& folder, bool replace);

}  // namespace vgsales::storage
