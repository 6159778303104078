// Loads one CSV into a Table (the CSV stage alone: parsing, typing, no encoding) and prints a JSON line with the
// seconds, the file size and the rows, for bench/run.sh to set beside pandas.read_csv on the same file.
//   vgsales_csv_load FILE
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "data/table.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: vgsales_csv_load FILE\n");
    return 2;
  }
  const std::filesystem::path path = argv[1];
  const auto start = std::chrono::steady_clock::now();
  auto table = vgsales::load_table(path);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", table.error().message.c_str());
    return 1;
  }
  const auto bytes = std::filesystem::file_size(path);
  std::printf("{\"seconds\": %.6f, \"bytes\": %llu, \"rows\": %zu, \"mb_per_s\": %.1f}\n", seconds,
              static_cast<unsigned long long>(bytes), table->row_count(), static_cast<double>(bytes) / 1e6 / seconds);
  return 0;
}
