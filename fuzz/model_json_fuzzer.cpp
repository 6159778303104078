// Fuzzes model.json's reader and the feature pipeline's load (metadata_from_json, read_pipeline_json inside it):
// any bytes as model.json. What it accepts must survive a round trip (written by metadata_to_json and read back:
// what train writes, every command must read), and its pipeline must encode rows (all
// missing, numbers, text, each feature's first category) and frame a network without a crash or a sanitizer report.
// The SHA256SUMS check comes first on disk; this is what a folder with matching checksums but hostile contents
// (or a bug in our own writer) would meet.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "model/model_metadata.h"
#include "model/portable_network.h"

namespace {

void encode_rows(const vgsales::FeaturePipeline& pipeline) {
  using vgsales::RawCell;
  const auto& features = pipeline.features();
  std::vector<float> encoded(pipeline.encoded_width());
  long long unseen = 0;
  std::vector<std::vector<RawCell>> rows(4);
  for (const auto& feature : features) {
    rows[0].push_back(RawCell::missing_value());
    rows[1].push_back(RawCell::of_number(1.5, "1.5"));
    rows[2].push_back(RawCell::of_text(" a "));
    rows[3].push_back(feature.categories.empty() ? RawCell::of_text("1e400") : RawCell::of_text(feature.categories[0]));
  }
  for (const auto& row : rows) (void)pipeline.encode_row(row, encoded, unseen);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Result<ModelMetadata> metadata = metadata_from_json(text, "model.json");
  if (!metadata.ok()) {
    if (metadata.error().message.find("model.json") == std::string::npos) {  // errors name the file
      std::fprintf(stderr, "an error that does not name model.json: %s\n", metadata.error().message.c_str());
      std::abort();
    }
    return 0;
  }
  const std::string written = metadata_to_json(*metadata);
  Result<ModelMetadata> again = metadata_from_json(written, "model.json");
  // The reader takes what the writer wrote, and reads it as it was.
  if (!again.ok()) {
    std::fprintf(stderr, "model.json accepted, its rewrite rejected: %s\n%s\n", again.error().message.c_str(),
                 written.c_str());
    std::abort();
  }
  // Not compared byte for byte: RapidJSON 1.1.0's default number parsing may read a double one unit in the last
  // place off (its full-precision mode trips UBSan in internal/diyfp.h), so a rewrite may differ in a last digit.
  encode_rows(metadata->pipeline);
  (void)network_frame(metadata->pipeline, metadata->output_name, metadata->shifts);
  return 0;
}
