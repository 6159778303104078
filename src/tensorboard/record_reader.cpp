// The reading half of TFRecord framing; the checks mirror TensorBoard's Rust reader (tf_record.rs):
// the length CRC must hold for framing to be trusted, a bad data CRC spoils one record only.
#include "tensorboard/record_reader.h"

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "tensorboard/crc32c.h"
#include "tensorboard/record_writer.h"

namespace vgsales::tensorboard {
namespace {

std::uint64_t read_little_endian(std::string_view bytes, std::size_t offset, int count) {
  std::uint64_t value = 0;
  for (int index = 0; index < count; ++index) {
    value |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(bytes[offset + index])) << (8 * index);
  }
  return value;
}

}  // namespace

RecordScan scan_records(std::string_view bytes) {
  RecordScan scan;
  scan.bytes = bytes.size();
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    const std::size_t remaining = bytes.size() - offset;
    if (remaining < kRecordHeaderBytes) {
      scan.problems.push_back({RecordProblem::Kind::truncated, offset,
                               fmt::format("truncated record header at offset {} ({} of {} bytes)", offset, remaining,
                                           kRecordHeaderBytes)});
      break;
    }
    const std::uint64_t length = read_little_endian(bytes, offset, 8);
    const auto length_crc = static_cast<std::uint32_t>(read_little_endian(bytes, offset + 8, 4));
    if (masked_crc32c(bytes.substr(offset, 8)) != length_crc) {
      scan.problems.push_back({RecordProblem::Kind::bad_length_crc, offset,
                               fmt::format("corrupt record at offset {}: length CRC mismatch", offset)});
      break;
    }
    const std::uint64_t available = remaining - kRecordHeaderBytes;
    if (length > available || available - length < kRecordFooterBytes) {
      scan.problems.push_back({RecordProblem::Kind::truncated, offset,
                               fmt::format("truncated record at offset {}: needs {} bytes, file has {}", offset,
                                           length + kRecordHeaderBytes + kRecordFooterBytes, remaining)});
      break;
    }
    const std::string_view data = bytes.substr(offset + kRecordHeaderBytes, length);
    const auto data_crc =
        static_cast<std::uint32_t>(read_little_endian(bytes, offset + kRecordHeaderBytes + length, 4));
    if (masked_crc32c(data) != data_crc) {
      scan.problems.push_back({RecordProblem::Kind::bad_data_crc, offset,
                               fmt::format("corrupt record at offset {}: data CRC mismatch ({} bytes skipped)", offset,
                                           length)});
    } else {
      scan.records.push_back({offset, std::string(data)});
    }
    offset += kRecordHeaderBytes + length + kRecordFooterBytes;
  }
  return scan;
}

Result<RecordScan> read_record_file(const std::filesystem::path& path) {
  VGSALES_ASSIGN_OR_RETURN(const std::string bytes, read_file_to_string(path));
  return scan_records(bytes);
}

}  // namespace vgsales::tensorboard
