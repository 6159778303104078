// Tests for src/model/run_status.cpp: the names model.json, logs and TensorBoard have always written.
#include <gtest/gtest.h>

#include "model/run_status.h"

namespace vgsales {
namespace {

TEST(RunStatus, NamesAreTheOnesModelJsonHolds) {
  EXPECT_EQ(run_status_name(RunStatus::completed), "completed");
  EXPECT_EQ(run_status_name(RunStatus::stopped_early), "stopped_early");
  EXPECT_EQ(run_status_name(RunStatus::interrupted), "interrupted");
  EXPECT_EQ(run_status_name(RunStatus::failed), "failed");
}

}  // namespace
}  // namespace vgsales
