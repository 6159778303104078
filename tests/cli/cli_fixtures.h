// Running the vgsales binary in tests.
#pragma once

#include <string>

#include "data/synthetic_sales.h"
#include "support/test_support.h"

namespace vgsales::testing {

inline CommandOutput run_vgsales(const std::string& arguments) {
  return run_command(shell_quote(vgsales_binary().string()) + " " + arguments);
}

inline std::string q(const std::filesystem::path& path) { return shell_quote(path.string()); }

// A trained model in dir/model from synthetic data (train.csv, test.csv beside it).
inline void make_cli_model(const TemporaryDirectory& dir, const std::string& extra = "") {
  ASSERT_TRUE(write_synthetic_sales(dir / "train.csv", {.rows = 300, .seed = 1}).ok());
  ASSERT_TRUE(write_synthetic_sales(dir / "test.csv", {.rows = 100, .seed = 2}).ok());
  const auto result = run_vgsales("train --train " + q(dir / "train.csv") + " --test " + q(dir / "test.csv") +
                                  " --target total_earnings --out " + q(dir / "model") +
                                  " --epochs 20 --layers 8,4 --no-logs --quiet " + extra);
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

}  // namespace vgsales::testing
