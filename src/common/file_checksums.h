// SHA-256 checksums of the files an artifact folder holds, kept in a SHA256SUMS file in coreutils' format (so
// `sha256sum -c SHA256SUMS` checks a folder too). Every reader verifies them before trusting a byte: a disk or copy
// error in a model is reported, never used.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vgsales {

inline constexpr const char* kChecksumFileName = "SHA256SUMS";

// Lower-case hex SHA-256 of `bytes` (OpenSSL's implementation).
std::string sha256_hex(std::string_view bytes);

// Writes `folder`/SHA256SUMS listing `files` (names inside `folder`) with their checksums, atomically.
Result<void> write_checksum_file(const std::filesystem::path& folder, const std::vector<std::string>& files);

// Checks `folder`/SHA256SUMS: it must list every name in `required`, and every file it lists must exist and match.
// Errors name the file at fault and say what to do.
Result<void> verify_checksum_file(const std::filesystem::path& folder, const std::vector<std::string>& required);

// Reads `folder`/`name` and checks it against the folder's SHA256SUMS in one go (the bytes are returned, so a file
// is never read twice or changed between the check and the use).
Result<std::string> read_verified_file(const std::filesystem::path& folder, const std::string& name);

}  // namespace vgsales
