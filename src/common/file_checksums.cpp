// SHA256SUMS: "<64 hex digits><two spaces><file name>\n" per file, as sha256sum writes it.
#include "common/file_checksums.h"

#include <openssl/evp.h>

#include <map>
#include <memory>

#include <fmt/format.h>

#include "common/atomic_file.h"

namespace vgsales {
namespace fs = std::filesystem;

namespace {

bool is_hex_digest(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// name -> digest; errors name the line that is not "<digest>  <name>".
Result<std::map<std::string, std::string>> read_checksum_list(const fs::path& folder) {
  const fs::path path = folder / kChecksumFileName;
  std::error_code error;
  if (!fs::exists(path, error))
    return make_error(ErrorKind::invalid_data,
                      path.string() +
                          ": missing, so the files beside it cannot be checked (an incomplete copy, or a "
                          "folder not written by vgsales)");
  VGSALES_ASSIGN_OR_RETURN(const std::string text, read_file_to_string(path));
  std::map<std::string, std::string> digests;
  size_t start = 0;
  int line = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view entry(text.data() + start, end - start);
    start = end + 1;
    ++line;
    // sha256sum writes "  " (text mode) or " *" (binary mode) between digest and name.
    if (entry.size() < 67 || !is_hex_digest(entry.substr(0, 64)) || entry[64] != ' ' ||
        (entry[65] != ' ' && entry[65] != '*'))
      return make_error(ErrorKind::invalid_data,
                        fmt::format("{}:{}: not a '<sha256>  <file>' line (the checksum file is damaged)",
                                    path.string(), line));
    digests[std::string(entry.substr(66))] = std::string(entry.substr(0, 64));
  }
  return digests;
}

Result<void> check_digest(const fs::path& folder, const std::string& name, std::string_view bytes,
                          const std::map<std::string, std::string>& digests) {
  const auto listed = digests.find(name);
  if (listed == digests.end())
    return make_error(ErrorKind::invalid_data, fmt::format("{}: not listed in {}, so it cannot be checked",
                                                           (folder / name).string(), kChecksumFileName));
  if (sha256_hex(bytes) != listed->second)
    return make_error(ErrorKind::invalid_data,
                      fmt::format("{}: damaged: its SHA-256 does not match {} (a disk or copy error, or the file was "
                                  "changed by hand); restore it or retrain",
                                  (folder / name).string(), kChecksumFileName));
  return {};
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

Result<void> write_checksum_file(const fs::path& folder, const std::vector<std::string>& files) {
  std::string text;
  for (const auto& name : files) {
    VGSALES_ASSIGN_OR_RETURN(const std::string bytes, read_file_to_string(folder / name));
    text += sha256_hex(bytes) + "  " + name + "\n";
  }
  return write_file_atomically(folder / kChecksumFileName, text);
}

Result<void> verify_checksum_file(const fs::path& folder, const std::vector<std::string>& required) {
  VGSALES_ASSIGN_OR_RETURN(const auto digests, read_checksum_list(folder));
  for (const auto& name : required)
    if (!digests.count(name))
      return make_error(ErrorKind::invalid_data, fmt::format("{}: does not list {}, which this folder needs",
                                                             (folder / kChecksumFileName).string(), name));
  for (const auto& [name, digest] : digests) {
    std::error_code error;
    if (!fs::is_regular_file(folder / name, error))
      return make_error(ErrorKind::not_found,
                        fmt::format("{}: missing (listed in {})", (folder / name).string(), kChecksumFileName));
    VGSALES_ASSIGN_OR_RETURN(const std::string bytes, read_file_to_string(folder / name));
    VGSALES_TRY(check_digest(folder, name, bytes, digests));
  }
  return {};
}

Result<std::string> read_verified_file(const fs::path& folder, const std::string& name) {
  VGSALES_ASSIGN_OR_RETURN(const auto digests, read_checksum_list(folder));
  std::error_code error;
  if (!fs::is_regular_file(folder / name, error))
    return make_error(ErrorKind::not_found, (folder / name).string() + ": missing");
  VGSALES_ASSIGN_OR_RETURN(std::string bytes, read_file_to_string(folder / name));
  VGSALES_TRY(check_digest(folder, name, bytes, digests));
  return bytes;
}

}  // namespace vgsales
