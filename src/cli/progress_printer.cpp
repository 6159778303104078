// Progress lines; the bar redraws at most 20 times a second so it never slows training down.
#include "cli/progress_printer.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/console_format.h"
#include "common/target_units.h"

namespace vgsales::cli {

std::string validation_note(std::optional<double> best_before, int best_epoch_before, double validation_loss) {
  // The trainer's rule: strictly lower than every earlier epoch.
  if (best_before && !(validation_loss < *best_before)) {
    return fmt::format("val_loss did not improve from {} (epoch {})", figure(*best_before), best_epoch_before);
  }
  if (!best_before) return fmt::format("val_loss improved from inf to {}, keeping this epoch", figure(validation_loss));
  // Enough digits that an improvement never reads "from 0.0002241 to 0.0002241".
  int digits = 4;
  while (digits < 12 && format_significant(*best_before, digits) == format_significant(validation_loss, digits)) {
    ++digits;
  }
  return fmt::format("val_loss improved from {} to {}, keeping this epoch", format_significant(*best_before, digits),
                     format_significant(validation_loss, digits));
}

std::string members_note(int improved, int training) {
  if (improved == 0) return fmt::format("no member improved its val_loss ({} training)", training);
  return fmt::format("{} of {} members improved their val_loss, keeping this epoch", improved, training);
}

namespace {

// "42, 46, 45, 43 and 37"
std::string epoch_list(const std::vector<int>& epochs) {
  std::string text;
  for (size_t i = 0; i < epochs.size(); ++i)
    text += (i == 0 ? "" : i + 1 == epochs.size() ? " and " : ", ") + std::to_string(epochs[i]);
  return text;
}

// The ensemble's summary: each member keeps its own epoch.
std::string describe_kept_member_epochs(const KeptEpochFacts& facts) {
  const size_t count = facts.member_epochs.size();
  std::string text;
  if (!facts.has_validation) {
    text = fmt::format(
        "Kept the last epoch ({}) of each of the {} members: with no validation split there is no "
        "earlier epoch to prefer.",
        facts.epochs_run, count);
  } else {
    text = fmt::format("Kept each of the {} members at the epoch of its lowest validation loss: epochs {} ({} run).",
                       count, epoch_list(facts.member_epochs), facts.epochs_run);
    if (facts.status == RunStatus::stopped_early)
      text += fmt::format(" Training stopped early: no member's validation loss improved for {} epochs.",
                          facts.early_stopping);
  }
  if (facts.last_epoch_partial())
    text += fmt::format(" The partial epoch {} (Ctrl-C cut it short after {} of {} batches) was discarded.",
                        facts.epochs_run, facts.partial_batches_done, facts.partial_batches);
  return text;
}

}  // namespace

std::string describe_kept_epoch(const KeptEpochFacts& facts) {
  if (facts.member_epochs.size() > 1) return describe_kept_member_epochs(facts);
  const bool partial = facts.last_epoch_partial();
  const std::string cut_short =
      fmt::format("Ctrl-C cut it short after {} of {} batches", facts.partial_batches_done, facts.partial_batches);
  const bool kept_partial = partial && facts.kept_epoch == facts.epochs_run;
  if (!facts.has_validation) {
    if (kept_partial) {
      return fmt::format(
          "Kept the weights of epoch {} as they stood when {}: with no validation split the latest "
          "weights are kept.",
          facts.kept_epoch, cut_short);
    }
    return fmt::format(
        "Kept the weights of the last epoch {}: with no validation split there is no earlier epoch to "
        "prefer.",
        facts.epochs_run == facts.planned_epochs
            ? fmt::format("({} of {})", facts.kept_epoch, facts.planned_epochs)
            : fmt::format("run ({} of {} planned)", facts.kept_epoch, facts.planned_epochs));
  }
  const bool loss_known = facts.best_validation_loss && facts.best_validation_epoch == facts.kept_epoch;
  const std::string loss = loss_known ? fmt::format(" ({})", figure(*facts.best_validation_loss)) : "";
  if (kept_partial) {
    return fmt::format("Kept the weights of epoch {} as they stood when {}: the lowest validation loss{}.",
                       facts.kept_epoch, cut_short, loss);
  }
  std::string text = fmt::format("Kept the weights of epoch {} of {} run: the lowest validation loss{}.",
                                 facts.kept_epoch, facts.epochs_run, loss);
  if (facts.status == RunStatus::stopped_early) {
    text += fmt::format(" Training stopped early: the validation loss did not improve for {} epochs.",
                        facts.early_stopping);
  }
  if (partial) {
    text += fmt::format(" The partial epoch {} (Ctrl-C cut it short after {} of {} batches) was discarded.",
                        facts.epochs_run, facts.partial_batches_done, facts.partial_batches);
  }
  return text;
}

std::string describe_interruption(const KeptEpochFacts& facts, const std::string& model_dir) {
  if (!facts.last_epoch_partial()) {
    return fmt::format("interrupted after epoch {}: saved the model of epoch {} to {}", facts.epochs_run,
                       facts.kept_epoch, model_dir);
  }
  const std::string where = fmt::format("interrupted in epoch {} after {} of {} batches", facts.epochs_run,
                                        facts.partial_batches_done, facts.partial_batches);
  if (facts.kept_epoch == facts.epochs_run) {
    return fmt::format("{}: {}; saved the model of epoch {} as it stood (partial) to {}", where,
                       facts.has_validation ? "its weights had the lowest validation loss so far"
                                            : "with no validation split the latest weights are kept",
                       facts.kept_epoch, model_dir);
  }
  return fmt::format("{}: the partial epoch was discarded; saved the model of epoch {} to {}", where, facts.kept_epoch,
                     model_dir);
}

ProgressPrinter::ProgressPrinter(TargetUnits units, bool quiet)
    : units_(std::move(units)), quiet_(quiet), terminal_(::isatty(STDOUT_FILENO) == 1) {}

Result<void> ProgressPrinter::on_train_begin(const TrainingRunInfo& info) {
  epochs_ = info.epochs;
  facts_.planned_epochs = info.epochs;
  facts_.has_validation = info.validation_rows > 0;
  ensemble_ = info.initial_network.stacks().size() > 1;
  if (!quiet_)
    fmt::print("Training on {} rows ({} validation, {} test), {} epochs, batches of {}\n", info.train_rows,
               info.validation_rows, info.test_rows, info.epochs, info.batch_size);
  std::fflush(stdout);
  return {};
}

void ProgressPrinter::on_batch_end(int epoch, long long batch, long long batches, double running_loss) {
  batch_epoch_ = epoch;
  batches_done_ = batch;
  batches_ = batches;
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
  // A Ctrl-C stops after the current batch; the trainer still reports the epoch, cut short.
  const bool partial = batch_epoch_ == summary.epoch && batches_done_ < batches_;
  facts_.epochs_run = summary.epoch;
  facts_.partial_batches_done = partial ? batches_done_ : 0;
  facts_.partial_batches = partial ? batches_ : 0;
  std::string note;
  if (const auto validation = summary.splits.find("validation"); validation != summary.splits.end() && ensemble_) {
    note = members_note(summary.members_improved, summary.members_training);
  } else if (validation != summary.splits.end()) {
    note = validation_note(best_validation_loss_, best_validation_epoch_, validation->second.loss);
    if (!best_validation_loss_ || validation->second.loss < *best_validation_loss_) {
      best_validation_loss_ = validation->second.loss;
      best_validation_epoch_ = summary.epoch;
      facts_.best_validation_loss = best_validation_loss_;
      facts_.best_validation_epoch = summary.epoch;
    }
  }
  if (quiet_) return;
  std::string line = fmt::format("Epoch {}/{}", summary.epoch, epochs_);
  if (partial) line += fmt::format(" - interrupted after {}/{} batches", batches_done_, batches_);
  line += fmt::format(" - {:.2f}s", summary.seconds);
  const auto& train = summary.splits.at("train");
  line += fmt::format(" - loss: {} - rmse: {}", figure(train.loss), target_amount(train.rmse, units_));
  for (const char* split : {"validation", "test"}) {
    auto found = summary.splits.find(split);
    if (found == summary.splits.end()) continue;
    const std::string prefix = std::string(split) == "validation" ? "val" : "test";
    line += fmt::format(" - {}_loss: {} - {}_rmse: {}", prefix, figure(found->second.loss), prefix,
                        target_amount(found->second.rmse, units_));
  }
  if (!note.empty()) line += " - " + note;
  if (terminal_) fmt::print("\r\033[K");  // replace the bar with the epoch's line
  fmt::print("{}\n", line);
  std::fflush(stdout);
}

}  // namespace vgsales::cli
