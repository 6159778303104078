// --delimiter, the same flag in `train`, `predict` and `evaluate`: declared once here.
#pragma once

#include <string>

#include "cli/flag_table.h"

namespace vgsales::cli {

// Registers --delimiter auto|,|;|tab on `flags`, checked by the parser; `storage` starts as "auto".
CLI::Option* add_delimiter_flag(FlagTable& flags, std::string& storage);

// The separator a checked --delimiter value names (kDetectDelimiter for auto).
char delimiter_from_flag(const std::string& value);

}  // namespace vgsales::cli
