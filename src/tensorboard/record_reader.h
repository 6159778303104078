// Reads TFRecord files record by record, checking both CRCs, and says where and why reading stopped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vgsales::tensorboard {

struct RecordProblem {
  enum class Kind {
    truncated,       // the file ends inside a record (a killed writer): the rest is not readable
    bad_length_crc,  // the length field is damaged: framing is lost, reading stops
    bad_data_crc,    // the data is damaged: this record is skipped, reading goes on
  };
  Kind kind = Kind::truncated;
  std::uint64_t offset = 0;  // where the record starts in the file
  std::string message;       // one line, with the offset
};

struct Record {
  std::uint64_t offset = 0;  // where the record starts in the file
  std::string data;
};

struct RecordScan {
  std::vector<Record> records;          // every whole record whose CRCs are valid, in file order
  std::vector<RecordProblem> problems;  // empty when the whole file is sound
  std::uint64_t bytes = 0;
};

// Splits `bytes` into records; never fails, every damage becomes a problem.
RecordScan scan_records(std::string_view bytes);

// Reads a file and scans it; only an unreadable file is an error.
Result<RecordScan> read_record_file(const std::filesystem::path& path);

}  // namespace vgsales::tensorboard
