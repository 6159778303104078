// Progress lines; the bar redraws at most 20 times a second so it never slows training down.
#include "cli/progress_printer.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/console_format.h"

namespace vgsales::cli {

ProgressPrinter::ProgressPrinter(std::string unit_prefix, bool quiet)
    : unit_prefix_(std::move(unit_prefix)), quiet_(quiet), terminal_(::isatty(STDOUT_FILENO) == 1) {}

Result<void> ProgressPrinter::on_train_begin(const TrainingRunInfo& info) {
  epochs_ = info.epochs;
  if (!quiet_)
    fmt::print("Training on {} rows ({} validation, {} test), {} epochs, batches of {}\n", info.train_rows,
               info.validation_rows, info.test_rows, info.epochs, info.batch_size);
  std::fflush(stdout);
  return {};
}

void ProgressPrinter::on_batch_end(int epoch, long long batch, long long batches, double running_loss) {
  if (quiet_ || !terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (batch != batches && now - last_draw_ < std::chrono::milliseconds(50)) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * batch / std::max(1LL, batches));
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < kWidth) bar += '>';
  bar.resize(kWidth, '.');
  fmt::print("\rEpoch {}/{} {}/{} [{}] - loss: {:.4f}", epoch, epochs_, batch, batches, bar, running_loss);
  std::fflush(stdout);
}

void ProgressPrinter::on_epoch_end(const EpochSummary& summary, const EpochDetail*) {
  if (quiet_) return;
  std::string line = fmt::format("Epoch {}/{} - {:.2f}s", summary.epoch, epochs_, summary.seconds);
  const auto& train = summary.splits.at("train");
  line += fmt::format(" - loss: {:.5f} - rmse: {}", train.loss, target_amount(train.rmse, unit_prefix_));
  for (const char* split : {"validation", "test"}) {
    auto found = summary.splits.find(split);
    if (found == summary.splits.end()) continue;
    const std::string prefix = std::string(split) == "validation" ? "val" : "test";
    line += fmt::format(" - {}_loss: {:.5f} - {}_rmse: {}", prefix, found->second.loss, prefix,
                        target_amount(found->second.rmse, unit_prefix_));
  }
  if (terminal_) fmt::print("\r\033[K");  // replace the bar with the epoch's line
  fmt::print("{}\n", line);
  std::fflush(stdout);
}

}  // namespace vgsales::cli
