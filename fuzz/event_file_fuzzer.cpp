// Fuzzes the TFRecord / event-file reading behind `vgsales logs`: scan_records on the bytes, then the whole
// inventory (records decoded as tensorflow.Event, summaries described: scalars, histograms, PNG images, text,
// hparams, custom-scalar layouts) on a log directory holding them, and its formatting. The first byte picks the
// mode: even, the rest is an event file as is; odd, the rest is a list of records (a 2-byte little-endian length,
// then that many bytes), framed here with valid CRCs so that the fuzzer reaches the decoding behind the checksums.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "tensorboard/log_inventory.h"
#include "tensorboard/record_reader.h"
#include "tensorboard/record_writer.h"

namespace {

namespace fs = std::filesystem;

std::string framed_records(std::string_view list) {
  std::string file;
  while (list.size() >= 2) {
    const std::size_t length = static_cast<std::uint8_t>(list[0]) | (static_cast<std::uint8_t>(list[1]) << 8);
    list.remove_prefix(2);
    const std::string_view data = list.substr(0, length);
    list.remove_prefix(data.size());
    file += vgsales::tensorboard::encode_record(data);
  }
  return file;
}

// A log directory of this process, holding one event file rewritten for every input.
const fs::path& log_directory() {
  static const fs::path directory = [] {
    // A RAM-backed folder when there is one: the file is rewritten for every input.
    std::error_code ec;
    const fs::path parent = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path made = parent / ("vgsales-event-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(made / "run");
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(log_directory(), ignored);
    });
    return made;
  }();
  return directory;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales::tensorboard;
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string file = (data[0] & 1) ? framed_records(rest) : std::string(rest);
  // The inventory below reads the file from disk (as `vgsales logs` does); when no record survives the CRC checks,
  // scan_records has already seen everything it would, so the slower file round trip is skipped.
  if (scan_records(file).records.empty()) return 0;
  const fs::path path = log_directory() / "run" / "events.out.tfevents.1.fuzz";
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) std::abort();
  if (!file.empty() && std::fwrite(file.data(), 1, file.size(), out) != file.size()) std::abort();
  std::fclose(out);
  auto inventory = inventory_log_directory(log_directory());
  if (!inventory.ok()) std::abort();  // the directory exists: only its files can be damaged
  (void)format_log_inventory(*inventory);
  return 0;
}
