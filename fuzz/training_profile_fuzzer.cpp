// Fuzzes the training profile's reader (training_profile.json): any bytes. What it accepts must survive a round trip
// and bin cells of every kind into one of each column's bins, and a counter fed those cells must give finite figures.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "data/training_profile.h"
#include "monitor/drift.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vgsales;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto profile = training_profile_from_json(text, "training_profile.json");
  if (!profile.ok()) return 0;
  const auto again = training_profile_from_json(training_profile_to_json(*profile), "again");
  if (!again.ok() || again->columns.size() != profile->columns.size()) std::abort();
  const MissingValueSet missing;
  monitor::DriftCounter counter(*profile, missing);
  const std::vector<RawCell> kinds{RawCell::missing_value(), RawCell::of_number(1.5, "1.5"), RawCell::of_text("a"),
                                   RawCell::of_number(1e300), RawCell::of_text("N/A")};
  for (const RawCell& cell : kinds) {
    std::vector<RawCell> row;
    for (const auto& column : profile->columns) {
      const auto bin = profile_bin(column, cell, missing);
      if (bin.ok() && *bin >= column.bin_count()) std::abort();
      row.push_back(bin.ok() ? cell : RawCell::missing_value());
    }
    (void)counter.add_row(row);
  }
  const auto report = monitor::assess_drift(counter, 0.3);
  if (report.ok())
    for (const auto& column : report->columns)
      if (std::isnan(column.figures.psi) || std::isnan(column.figures.jensen_shannon)) std::abort();
  return 0;
}
