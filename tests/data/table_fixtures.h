// Shared by the data tests: a table loaded from CSV text written into a temporary folder.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "data/table.h"
#include "support/test_support.h"

namespace vgsales::testing {

inline Table load_text(const TemporaryDirectory& dir, const std::string& text, const std::string& name = "t.csv",
                       const TableLoadOptions& options = {}) {
  auto table = load_table(write_text_file(dir / name, text), options);
  EXPECT_TRUE(table.ok()) << table.error().message;
  return std::move(table).value();
}

}  // namespace vgsales::testing
