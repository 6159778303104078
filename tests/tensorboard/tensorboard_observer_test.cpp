// The observer end to end on a synthetic run: folder layout, tags and steps, naming, bad log directories.
#include "tensorboard/tensorboard_observer.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <regex>

#include "event_file_paths.h"
#include "support/test_support.h"
#include "synthetic_run.h"
#include "tensorboard/log_inventory.h"
#include "tensorboard/png_plot.h"
#include "tensorboard/record_reader.h"
#include "tensorboard/summaries.h"

namespace vgsales::tensorboard {
namespace {

namespace fs = std::filesystem;
using vgsales::testing::TemporaryDirectory;

std::unique_ptr<TrainingObserver> open_or_fail(const TensorBoardOptions& options) {
  Result<std::unique_ptr<TrainingObserver>> observer = open_tensorboard_observer(options);
  EXPECT_TRUE(observer.ok()) << (observer.ok() ? "" : observer.error().message);
  return observer.ok() ? std::move(observer).value() : nullptr;
}

const FolderInventory* find_run(const LogInventory& inventory, const std::string& name) {
  return inventory.find_folder(name);
}

const TagInventory* find_tag(const FolderInventory& run, const std::string& tag) {
  for (const auto& item : run.tags) {
    if (item.tag == tag) return &item;
  }
  return nullptr;
}

LogInventory write_synthetic_run(const fs::path& logdir, TensorBoardOptions options, int epochs) {
  options.logdir = logdir;
  auto observer = open_or_fail(options);
  if (!observer) return {};
  const TrainingRunInfo info = testing::make_run_info(epochs);
  EXPECT_TRUE(observer->on_train_begin(info).ok());
  testing::drive_run(*observer, info);
  Result<LogInventory> inventory = inventory_log_directory(logdir);
  EXPECT_TRUE(inventory.ok());
  return inventory.ok() ? *inventory : LogInventory{};
}

TEST(TensorboardObserver, WritesOneFolderPerSplitBesideTheSession) {
  TemporaryDirectory directory;
  const LogInventory inventory = write_synthetic_run(directory / "logs", {.run_name = "run-a"}, 6);
  EXPECT_FALSE(inventory.has_problems()) << format_log_inventory(inventory);
  for (const char* sub : {"run-a", "run-a/train", "run-a/validation", "run-a/test"}) {
    ASSERT_TRUE(fs::is_directory(directory / "logs" / sub)) << sub;
    EXPECT_EQ(testing::event_files_in(directory / "logs" / sub).size(), 1u) << sub;
  }
  // One training run, in four folders (TensorBoard's four runs): its own and one per split.
  ASSERT_EQ(inventory.runs.size(), 1u);
  EXPECT_EQ(inventory.runs[0].name, "run-a");
  EXPECT_EQ(inventory.runs[0].split_names(), (std::vector<std::string>{"train", "validation", "test"}));
  ASSERT_EQ(inventory.folder_count(), 4u);
  for (const char* split : {"run-a/train", "run-a/validation", "run-a/test"}) {
    const FolderInventory* run = find_run(inventory, split);
    ASSERT_NE(run, nullptr) << split;
    for (const char* tag : {"epoch_loss", "epoch_rmse", "epoch_mae"}) {
      const TagInventory* found = find_tag(*run, tag);
      ASSERT_NE(found, nullptr) << split << " " << tag;
      EXPECT_EQ(found->kind, "scalar");
      EXPECT_EQ(found->values, 6);
      EXPECT_EQ(found->first_step, 1);
      EXPECT_EQ(found->last_step, 6);
    }
  }
  const FolderInventory* train = find_run(inventory, "run-a/train");
  EXPECT_EQ(find_tag(*train, "epoch_loss")->last_value, "0.0166667");
  for (const char* tag : {"epoch_learning_rate", "epoch_seconds", "epoch_samples_per_second"}) {
    EXPECT_NE(find_tag(*train, tag), nullptr) << tag;
  }
  EXPECT_EQ(find_tag(*find_run(inventory, "run-a/test"), "epoch_learning_rate"), nullptr);
}

TEST(TensorboardObserver, HistogramsImagesTextAndLayoutLandWhereExpected) {
  TemporaryDirectory directory;
  const LogInventory inventory =
      write_synthetic_run(directory / "logs", {.run_name = "r", .histogram_freq = 2, .image_freq = 3}, 7);
  const FolderInventory* train = find_run(inventory, "r/train");
  const FolderInventory* test = find_run(inventory, "r/test");
  ASSERT_TRUE(train && test);
  // Weights at the start (step 0) and every second epoch: 0, 2, 4, 6.
  for (const char* tag : {"layer_1/kernel", "layer_1/bias", "output/kernel", "output/bias"}) {
    const TagInventory* found = find_tag(*train, tag);
    ASSERT_NE(found, nullptr) << tag;
    EXPECT_EQ(found->kind, "histogram");
    EXPECT_EQ(found->values, 4);
    EXPECT_EQ(found->last_step, 6);
  }
  EXPECT_NE(find_tag(*train, "layer_1/kernel")->last_value.find("n=12 "), std::string::npos);
  const TagInventory* activations = find_tag(*test, "layer_2/activations");
  ASSERT_NE(activations, nullptr);
  EXPECT_EQ(activations->values, 3);
  EXPECT_NE(activations->last_value.find("n=800 "), std::string::npos);
  // Images every third epoch and at the last one: 3, 6, 7.
  const TagInventory* plot = find_tag(*test, kPredictionPlotTag);
  ASSERT_NE(plot, nullptr);
  EXPECT_EQ(plot->kind, "image");
  EXPECT_EQ(plot->values, 3);
  EXPECT_EQ(plot->last_step, 7);
  EXPECT_NE(plot->last_value.find("640x640 PNG"), std::string::npos) << plot->last_value;
  // The model card at the start and the end.
  const TagInventory* card = find_tag(*train, kModelCardTag);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->values, 2);
  EXPECT_EQ(card->last_step, 7);
  const TagInventory* layout = find_tag(*train, "custom_scalars__config__");
  ASSERT_NE(layout, nullptr);
  EXPECT_EQ(layout->last_value, "layout: 2 categories, 3 charts");
  for (const char* tag : {"final_loss", "final_rmse", "final_mae", "final_r2"}) {
    ASSERT_NE(find_tag(*test, tag), nullptr) << tag;
    EXPECT_EQ(find_tag(*test, tag)->last_step, 7);
  }
#if defined(VGSALES_HAVE_GRAPH)
  EXPECT_EQ(train->graphs, 1);
  EXPECT_GT(train->graph_bytes, 100u);
#endif
}

TEST(TensorboardObserver, SessionRunHoldsHparamsStartAndEnd) {
  TemporaryDirectory directory;
  TensorBoardOptions options{.logdir = directory / "logs", .run_name = "s"};
  auto observer = open_or_fail(options);
  ASSERT_TRUE(observer);
  const TrainingRunInfo info = testing::make_run_info(3, /*with_validation=*/false);
  ASSERT_TRUE(observer->on_train_begin(info).ok());
  testing::drive_run(*observer, info, 2, RunStatus::interrupted);
  Result<LogInventory> inventory = inventory_log_directory(directory / "logs");
  ASSERT_TRUE(inventory.ok());
  EXPECT_FALSE(inventory->has_problems());
  const FolderInventory* session = find_run(*inventory, "s");
  ASSERT_NE(session, nullptr);
  ASSERT_NE(find_tag(*session, "_hparams_/experiment"), nullptr);
  // Metrics of all three splits, even without a validation split in this run.
  EXPECT_EQ(find_tag(*session, "_hparams_/experiment")->last_value, "experiment: 5 hparams, 12 metrics");
  ASSERT_NE(find_tag(*session, "_hparams_/session_start_info"), nullptr);
  EXPECT_NE(find_tag(*session, "_hparams_/session_start_info")->last_value.find("layers=4,2"), std::string::npos);
  ASSERT_NE(find_tag(*session, "_hparams_/session_end_info"), nullptr);
  EXPECT_EQ(find_tag(*session, "_hparams_/session_end_info")->last_value, "session end: STATUS_FAILURE");
  EXPECT_EQ(find_tag(*session, "_hparams_/session_end_info")->last_step, 2);
}

TEST(TensorboardObserver, ExistingRunNamesGetASuffixAndAreNeverOverwritten) {
  TemporaryDirectory directory;
  // A stray file of the run's name counts as taken too.
  vgsales::testing::write_text_file(directory / "logs" / "same-2", "not a run");
  for (int i = 0; i < 3; ++i) write_synthetic_run(directory / "logs", {.run_name = "same"}, 1);
  EXPECT_TRUE(fs::is_directory(directory / "logs" / "same"));
  EXPECT_TRUE(fs::is_directory(directory / "logs" / "same-3"));
  EXPECT_TRUE(fs::is_directory(directory / "logs" / "same-4"));
  EXPECT_EQ(vgsales::testing::read_text_file(directory / "logs" / "same-2"), "not a run");
  EXPECT_EQ(testing::event_files_in(directory / "logs" / "same" / "train").size(), 1u);
}

TEST(TensorboardObserver, DefaultRunNameIsATimestampAndIsAnnounced) {
  TemporaryDirectory directory;
  std::vector<std::string> notices;
  auto observer = open_or_fail({.logdir = directory / "logs",
                                .notice = [&notices](const std::string& line) { notices.push_back(line); }});
  ASSERT_TRUE(observer);
  ASSERT_TRUE(observer->on_train_begin(testing::make_run_info(1)).ok());
  const auto* tensorboard = dynamic_cast<TensorBoardObserver*>(observer.get());
  ASSERT_NE(tensorboard, nullptr);
  const std::string name = tensorboard->run_directory().filename().string();
  EXPECT_TRUE(std::regex_match(name, std::regex(R"(\d{8}-\d{6})"))) << name;
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find(tensorboard->run_directory().string()), std::string::npos) << notices[0];
  EXPECT_NE(notices[0].find("tensorboard --logdir"), std::string::npos);
  observer->on_train_end(TrainingOutcome{.status = RunStatus::failed});
}

TEST(TensorboardObserver, UnwritableLogDirectoryFailsBeforeTraining) {
  TemporaryDirectory directory;
  const fs::path file = vgsales::testing::write_text_file(directory / "not-a-folder", "x");
  Result<std::unique_ptr<TrainingObserver>> observer = open_tensorboard_observer({.logdir = file / "logs"});
  ASSERT_FALSE(observer.ok());
  EXPECT_EQ(observer.error().kind, ErrorKind::io);
  EXPECT_NE(observer.error().message.find("not-a-folder"), std::string::npos) << observer.error().message;
  // The folder disappears between opening and the first epoch: on_train_begin says so.
  auto late = open_or_fail({.logdir = directory / "late"});
  ASSERT_TRUE(late);
  fs::remove_all(directory / "late");
  vgsales::testing::write_text_file(directory / "late", "now a file");
  Result<void> begun = late->on_train_begin(testing::make_run_info(1));
  ASSERT_FALSE(begun.ok());
  EXPECT_NE(begun.error().message.find("late"), std::string::npos) << begun.error().message;
  EXPECT_FALSE(late->wants_detail(1));
  late->on_train_end(TrainingOutcome{.status = RunStatus::failed});  // must not crash or write
}

TEST(TensorboardObserver, RejectsBadOptions) {
  TemporaryDirectory directory;
  EXPECT_EQ(open_tensorboard_observer({.logdir = directory / "l", .run_name = "../escape"}).error().kind,
            ErrorKind::usage);
  EXPECT_EQ(open_tensorboard_observer({.logdir = directory / "l", .histogram_freq = -1}).error().kind,
            ErrorKind::usage);
  EXPECT_EQ(open_tensorboard_observer({.logdir = directory / "l", .image_freq = -2}).error().kind, ErrorKind::usage);
  EXPECT_EQ(open_tensorboard_observer({.logdir = ""}).error().kind, ErrorKind::usage);
}

TEST(TensorboardObserver, ZeroFrequenciesTurnDetailOff) {
  TemporaryDirectory directory;
  auto observer = open_or_fail({.logdir = directory / "logs", .histogram_freq = 0, .image_freq = 0});
  ASSERT_TRUE(observer);
  ASSERT_TRUE(observer->on_train_begin(testing::make_run_info(4)).ok());
  for (int epoch = 1; epoch <= 4; ++epoch) EXPECT_FALSE(observer->wants_detail(epoch));
  observer->on_train_end(TrainingOutcome{.status = RunStatus::completed});
}

// Every event of a split folder's one event file, in order.
std::vector<tensorflow::Event> read_events(const fs::path& folder) {
  std::vector<tensorflow::Event> events;
  Result<RecordScan> scan = read_record_file(testing::only_event_file(folder));
  EXPECT_TRUE(scan.ok());
  if (!scan.ok()) return events;
  for (const Record& record : scan->records) {
    tensorflow::Event event;
    EXPECT_TRUE(event.ParseFromString(record.data));
    events.push_back(std::move(event));
  }
  return events;
}

// Every value of `tag` in a folder, with the step of its event.
std::vector<std::pair<long long, tensorflow::Summary::Value>> values_of(const fs::path& folder,
                                                                        const std::string& tag) {
  std::vector<std::pair<long long, tensorflow::Summary::Value>> values;
  for (const auto& event : read_events(folder)) {
    for (const auto& value : event.summary().value()) {
      if (value.tag() == tag) values.emplace_back(event.step(), value);
    }
  }
  return values;
}

// Only money is "dollars": every other target is "in the target's units (<name>)", in the scalars'
// descriptions and in the custom scalars' chart titles (it once said dollars for every target).
TEST(TensorboardObserver, UnitsAreDollarsOnlyForMoneyTargets) {
  for (const std::string target : {"Global_Sales", "total_earnings"}) {
    TemporaryDirectory directory;
    auto observer = open_or_fail({.logdir = directory / "logs", .run_name = "u"});
    ASSERT_TRUE(observer);
    TrainingRunInfo info = testing::make_run_info(2);
    info.initial_network.target_name = target;
    info.target_units = TargetUnits::of_column(target);
    ASSERT_TRUE(observer->on_train_begin(info).ok());
    testing::drive_run(*observer, info);
    const std::string units = target == "Global_Sales" ? "in the target's units (Global_Sales)" : "in dollars";
    for (const char* split : {"train", "validation", "test"}) {
      for (const char* tag : {"epoch_rmse", "epoch_mae"}) {
        const auto values = values_of(directory / "logs" / "u" / split, tag);
        ASSERT_FALSE(values.empty()) << split << " " << tag;
        const std::string description = values.front().second.metadata().summary_description();
        EXPECT_NE(description.find(units), std::string::npos) << description;
        if (target == "Global_Sales") EXPECT_EQ(description.find("dollar"), std::string::npos) << description;
      }
    }
    const auto layouts = values_of(directory / "logs" / "u" / "train", "custom_scalars__config__");
    ASSERT_EQ(layouts.size(), 1u);
    ::tensorboard::Layout layout;
    ASSERT_TRUE(layout.ParseFromString(read_strings(layouts[0].second).at(0)));
    std::string titles;
    for (const auto& category : layout.category()) {
      for (const auto& chart : category.chart()) titles += chart.title() + "\n";
    }
    EXPECT_NE(titles.find(target + ": RMSE and MAE " + units), std::string::npos) << titles;
    if (target == "Global_Sales") EXPECT_EQ(titles.find("dollar"), std::string::npos) << titles;
  }
}

// TensorBoard shows the first image's description at every step: it goes with every image, and says
// nothing that changes from step to step (it once said "after epoch 3" under the image of epoch 30).
TEST(TensorboardObserver, ImageDescriptionGoesWithEveryImageAndNeverGoesStale) {
  TemporaryDirectory directory;
  write_synthetic_run(directory / "logs", {.run_name = "d", .image_freq = 2}, 6);
  const auto images = values_of(directory / "logs" / "d" / "test", kPredictionPlotTag);
  ASSERT_EQ(images.size(), 3u);  // epochs 2, 4, 6
  const std::string first = images.front().second.metadata().summary_description();
  EXPECT_NE(first.find("Predicted (y) against actual (x) total_earnings in dollars, on the 400 test rows"),
            std::string::npos)
      << first;
  EXPECT_NE(first.find("Both axes are linear"), std::string::npos) << first;
  for (const auto& [step, value] : images) {
    ASSERT_TRUE(value.has_metadata()) << "step " << step;
    EXPECT_EQ(value.metadata().summary_description(), first) << "step " << step;
    EXPECT_EQ(value.metadata().plugin_data().plugin_name(), kImagesPlugin);
  }
  EXPECT_EQ(first.find("after epoch"), std::string::npos) << first;
}

// The last layer is `output` in the histograms, as in `vgsales info` and the model card (not layer_3).
TEST(TensorboardObserver, HistogramsNameTheLastLayerOutput) {
  TemporaryDirectory directory;
  const LogInventory inventory = write_synthetic_run(directory / "logs", {.run_name = "n", .histogram_freq = 1}, 2);
  const FolderInventory* train = find_run(inventory, "n/train");
  const FolderInventory* test = find_run(inventory, "n/test");
  ASSERT_TRUE(train && test);
  for (const char* tag : {"layer_1/kernel", "layer_2/bias", "output/kernel", "output/bias"}) {
    EXPECT_NE(find_tag(*train, tag), nullptr) << tag;
  }
  EXPECT_EQ(find_tag(*train, "layer_3/kernel"), nullptr);
  EXPECT_NE(find_tag(*test, "output/activations"), nullptr);
  EXPECT_NE(find_tag(*test, "layer_2/activations"), nullptr);
  EXPECT_EQ(find_tag(*test, "layer_3/activations"), nullptr);
}

// Blue pixels on each side of the plotting area's diagonal: where the rows sit against y = x.
std::pair<int, int> points_below_and_above_the_line(const RgbImage& image) {
  const ScatterPlot geometry = plot_predicted_vs_actual({}, {}, {});  // the area's place is the same for any data
  int below = 0, above = 0;
  for (int y = static_cast<int>(geometry.plot_top); y < geometry.plot_top + geometry.plot_size; ++y) {
    for (int x = static_cast<int>(geometry.plot_left); x < geometry.plot_left + geometry.plot_size; ++x) {
      const std::uint8_t* p = image.at(x, y);
      if (!(p[2] > 150 && p[2] > p[0] + 50)) continue;
      const double across = (x - geometry.plot_left) - (geometry.plot_top + geometry.plot_size - y);
      if (across > 6) ++below;
      if (across < -6) ++above;
    }
  }
  return {below, above};
}

// With a validation split the model keeps the epoch of the lowest validation loss: its plot is drawn
// once more at the end, under its own tag, at that epoch's step.
TEST(TensorboardObserver, TheKeptEpochGetsItsOwnPlot) {
  TemporaryDirectory directory;
  auto observer = open_or_fail({.logdir = directory / "logs", .run_name = "k", .histogram_freq = 0, .image_freq = 3});
  ASSERT_TRUE(observer);
  const TrainingRunInfo info = testing::make_run_info(6);
  ASSERT_TRUE(observer->on_train_begin(info).ok());
  const double validation_loss[] = {0.5, 0.2, 0.3, 0.2, 0.4, 0.3};  // best at epoch 2 (epoch 4 only ties)
  for (int epoch = 1; epoch <= 6; ++epoch) {
    EpochSummary summary;
    summary.epoch = epoch;
    summary.splits["train"] = testing::make_metrics(epoch, 0.1);
    summary.splits["validation"] = testing::make_metrics(epoch, 0.1);
    summary.splits["validation"].loss = validation_loss[epoch - 1];
    summary.splits["test"] = testing::make_metrics(epoch, 0.1);
    ASSERT_TRUE(observer->wants_detail(epoch)) << "any epoch may be the kept one";
    EpochDetail detail;
    detail.network = testing::make_small_network();
    detail.evaluation_split = "test";
    for (int row = 0; row < 400; ++row) {
      detail.actuals.push_back(31355.0f + 700.0f * row);
      // Epoch 2 under-estimates every row by half; the other epochs are perfect.
      detail.predictions.push_back(detail.actuals.back() * (epoch == 2 ? 0.5f : 1.0f));
    }
    observer->on_epoch_end(summary, &detail);
  }
  TrainingOutcome outcome;
  outcome.status = RunStatus::completed;
  outcome.epochs_run = 6;
  outcome.kept_epoch = 2;
  outcome.final_metrics["test"] = testing::make_metrics(2, 0.1);
  observer->on_train_end(outcome);

  const fs::path test = directory / "logs" / "k" / "test";
  const auto periodic = values_of(test, kPredictionPlotTag);
  ASSERT_EQ(periodic.size(), 2u);  // epochs 3 and 6
  const auto kept = values_of(test, kKeptPredictionPlotTag);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].first, 2);
  EXPECT_NE(kept[0].second.metadata().summary_description().find("by the weights of the kept epoch"),
            std::string::npos);
  // The kept plot shows epoch 2's under-estimates, below y = x; the periodic ones show rows on the line.
  Result<RgbImage> kept_image = decode_png(read_strings(kept[0].second).at(2));
  ASSERT_TRUE(kept_image.ok());
  const auto [below, above] = points_below_and_above_the_line(*kept_image);
  EXPECT_GT(below, 1000);
  Result<RgbImage> last_image = decode_png(read_strings(periodic[1].second).at(2));
  ASSERT_TRUE(last_image.ok());
  EXPECT_LT(points_below_and_above_the_line(*last_image).first, 50);
}

// Without a validation split the last epoch is kept; its plot is the one the last planned epoch drew.
TEST(TensorboardObserver, WithoutValidationTheKeptPlotIsTheLastEpochs) {
  TemporaryDirectory directory;
  auto observer = open_or_fail({.logdir = directory / "logs", .run_name = "l", .image_freq = 4});
  ASSERT_TRUE(observer);
  const TrainingRunInfo info = testing::make_run_info(5, /*with_validation=*/false);
  ASSERT_TRUE(observer->on_train_begin(info).ok());
  EXPECT_FALSE(observer->wants_detail(3));  // no need for detail outside the plotting epochs
  testing::drive_run(*observer, info);
  const auto kept = values_of(directory / "logs" / "l" / "test", kKeptPredictionPlotTag);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].first, 5);
}

// The independent check: Python frames the records, checks CRCs with its own CRC-32C and decodes the
// Events with classes protoc builds from our .proto files.
TEST(TensorboardObserver, IndependentPythonDecoderAcceptsTheRun) {
  TemporaryDirectory directory;
  const LogInventory inventory =
      write_synthetic_run(directory / "logs", {.run_name = "py", .histogram_freq = 2, .image_freq = 2}, 4);
  ASSERT_FALSE(inventory.has_problems());
  const std::string command =
      std::string(VGSALES_SYSTEM_PYTHON) + " " +
      vgsales::testing::shell_quote(
          (vgsales::testing::source_dir() / "tests" / "tensorboard" / "check_event_files.py").string()) +
      " " + vgsales::testing::shell_quote((vgsales::testing::source_dir() / "proto").string()) + " " +
      vgsales::testing::shell_quote((directory / "logs").string());
  const auto output = vgsales::testing::run_command(command);
  ASSERT_EQ(output.exit_code, 0) << output.err << output.out;
  rapidjson::Document json;
  ASSERT_FALSE(json.Parse(output.out.c_str()).HasParseError()) << output.out;
  const auto& runs = json["runs"];
  ASSERT_TRUE(runs.HasMember("py/train") && runs.HasMember("py/test") && runs.HasMember("py/validation") &&
              runs.HasMember("py"));
  const auto& train_tags = runs["py/train"]["tags"];
  EXPECT_EQ(train_tags["epoch_loss"]["plugin"].GetString(), std::string("scalars"));
  EXPECT_EQ(train_tags["epoch_loss"]["steps"].Size(), 4u);
  EXPECT_NEAR(train_tags["epoch_loss"]["last"].GetDouble(), 0.025, 1e-6);
  EXPECT_EQ(train_tags["layer_1/kernel"]["plugin"].GetString(), std::string("histo"));
  EXPECT_EQ(train_tags["layer_1/kernel"]["last"]["num"].GetDouble(), 12.0);
  EXPECT_NE(std::string(train_tags["model_card"]["last"].GetString()).find("## Final metrics"), std::string::npos);
  EXPECT_EQ(train_tags["custom_scalars__config__"]["last"]["charts"].Size(), 3u);
  const auto& image = runs["py/test"]["tags"]["predicted_vs_actual"];
  EXPECT_EQ(image["steps"].Size(), 2u);
  EXPECT_EQ(image["last"]["width"].GetInt(), 640);
  EXPECT_GT(image["last"]["non_white_pixels"].GetInt(), 1000);
  const auto& session = runs["py"]["tags"];
  EXPECT_EQ(session["_hparams_/session_start_info"]["last"]["session_start"]["layers"].GetString(), std::string("4,2"));
  EXPECT_EQ(session["_hparams_/session_end_info"]["last"]["session_end"].GetString(), std::string("STATUS_SUCCESS"));
  EXPECT_EQ(session["_hparams_/experiment"]["last"]["experiment"]["metrics"].Size(), 12u);
#if defined(VGSALES_HAVE_GRAPH)
  EXPECT_GT(runs["py/train"]["graph_bytes"].GetInt(), 100);
  if (runs["py/train"]["graph_nodes"].IsInt()) {
    EXPECT_GT(runs["py/train"]["graph_nodes"].GetInt(), 10);
  }
#endif
}

}  // namespace
}  // namespace vgsales::tensorboard
