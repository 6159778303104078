// The --delimiter flag and its check.
#include "cli/delimiter_flag.h"

#include "data/csv_dialect.h"

namespace vgsales::cli {

CLI::Option* add_delimiter_flag(FlagTable& flags, std::string& storage) {
  if (storage.empty()) storage = "auto";
  const CLI::Validator check(
      [](std::string& value) {
        const auto parsed = parse_delimiter_flag(value);
        return parsed.ok() ? std::string() : parsed.error().message;
      },
      "", "delimiter");
  return flags
      .option("--delimiter", "auto|,|;|tab", storage,
              "field separator; `auto` picks comma, semicolon or tab from the header line (and says so when it is "
              "not a comma)")
      ->check(check);
}

char delimiter_from_flag(const std::string& value) {
  const auto parsed = parse_delimiter_flag(value);
  return parsed.ok() ? parsed.value() : kDetectDelimiter;
}

}  // namespace vgsales::cli
