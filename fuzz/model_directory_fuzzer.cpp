// Fuzzes a whole model directory as every command loads it (load_model, load_predictor, read_checkpoint): the input
// is model.json, model.safetensors and, optionally, checkpoint.safetensors and SHA256SUMS, separated by kSeparator,
// written into a scratch folder. The first byte chooses: bit 0 clear, SHA256SUMS is computed for the files given
// (so the fuzzer gets past the checksums to the readers and to whether the two files agree); set, it is the last
// part as given (the checksum file's own reader). A loaded model must predict rows (all missing, numbers, text,
// with its interval when it has one) and its checkpoint must load or fail, all without a crash or a sanitizer
// report.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_checksums.h"
#include "model/model_directory.h"
#include "model/predictor.h"
#include "model/training_checkpoint.h"

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSeparator = "\n==> next file <==\n";

const fs::path& scratch_folder() {
  static const fs::path folder = [] {
    std::string pattern = (fs::temp_directory_path() / "vgsales-model-fuzz-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    return fs::path(pattern);
  }();
  return folder;
}

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  for (size_t at; (at = text.find(kSeparator)) != std::string_view::npos; text.remove_prefix(at + kSeparator.size()))
    parts.push_back(text.substr(0, at));
  parts.push_back(text);
  return parts;
}

void predict_rows(const vgsales::Predictor& predictor) {
  using vgsales::RawCell;
  const size_t width = predictor.pipeline().features().size();
  std::vector<RawCell> cells;
  for (size_t i = 0; i < width; ++i) cells.push_back(RawCell::missing_value());
  for (size_t i = 0; i < width; ++i) cells.push_back(RawCell::of_number(3.25, "3.25"));
  for (size_t i = 0; i < width; ++i) cells.push_back(RawCell::of_text("Action"));
  auto label = [](size_t row) { return "row " + std::to_string(row); };
  (void)predictor.predict(cells, label, false);
  if (predictor.has_interval()) (void)predictor.predict(cells, label, true);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales;
  if (size == 0) return 0;
  const bool checksums_given = data[0] & 1;
  std::vector<std::string_view> parts = split(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  const fs::path& folder = scratch_folder();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) fs::remove(entry.path(), ec);

  std::string_view checksums;
  if (checksums_given) {
    checksums = parts.back();
    parts.pop_back();
  }
  const char* names[] = {kMetadataFileName, kWeightsFileName, kCheckpointFileName};
  std::string computed;
  for (size_t i = 0; i < parts.size() && i < 3; ++i) {
    write_file(folder / names[i], parts[i]);
    computed += sha256_hex(parts[i]) + "  " + names[i] + "\n";
  }
  write_file(folder / kChecksumFileName, checksums_given ? checksums : std::string_view(computed));

  Result<LoadedModel> model = load_model(folder);
  if (!model.ok()) return 0;
  (void)read_checkpoint(folder);
  Result<std::shared_ptr<const Predictor>> predictor = load_predictor(folder);
  if (!predictor.ok()) std::abort();  // load_model took these very files
  predict_rows(**predictor);
  return 0;
}
