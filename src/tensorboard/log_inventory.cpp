// Reads event files back through our own reader and decoder, the way TensorBoard groups them into runs.
#include "tensorboard/log_inventory.h"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <system_error>

#include "tensorboard/event.pb.h"
#include "tensorboard/plugins/custom_scalar_layout.pb.h"
#include "tensorboard/plugins/hparams.pb.h"
#include "tensorboard/png_plot.h"
#include "tensorboard/record_reader.h"
#include "tensorboard/summaries.h"

namespace vgsales::tensorboard {
namespace {

namespace fs = std::filesystem;

std::string first_line(const std::string& text, std::size_t limit = 60) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > limit) line = line.substr(0, limit) + "...";
  return line;
}

std::string kind_of(const tensorflow::Summary::Value& value, const std::string& plugin) {
  switch (value.value_case()) {
    case tensorflow::Summary::Value::kSimpleValue: return "scalar";
    case tensorflow::Summary::Value::kHisto: return "histogram";
    case tensorflow::Summary::Value::kImage: return "image";
    case tensorflow::Summary::Value::kAudio: return "audio";
    default: break;
  }
  if (plugin == kScalarsPlugin) return "scalar";
  if (plugin == kHistogramsPlugin) return "histogram";
  if (plugin == kImagesPlugin) return "image";
  if (plugin == kTextPlugin) return "text";
  if (plugin == kHparamsPlugin) return "hparams";
  if (plugin == kCustomScalarsPlugin) return "custom_scalars";
  return plugin.empty() ? "tensor" : plugin;
}

std::string describe_histogram(const tensorflow::HistogramProto& histogram) {
  return fmt::format("n={:g} min={:.4g} max={:.4g} buckets={}", histogram.num(), histogram.min(), histogram.max(),
                     histogram.bucket_size());
}

std::string describe_image(const std::string& png, int width, int height) {
  Result<RgbImage> decoded = decode_png(png);
  if (!decoded.ok()) return fmt::format("{}x{} image, {} bytes, not a readable PNG", width, height, png.size());
  return fmt::format("{}x{} PNG, {} bytes", decoded->width, decoded->height, png.size());
}

std::string describe_hparams(const std::string& content) {
  ::tensorboard::hparams::HParamsPluginData data;
  if (!data.ParseFromString(content)) return "unreadable hparams data";
  if (data.has_experiment()) {
    return fmt::format("experiment: {} hparams, {} metrics", data.experiment().hparam_infos_size(),
                       data.experiment().metric_infos_size());
  }
  if (data.has_session_start_info()) {
    std::vector<std::string> names;
    for (const auto& [name, value] : data.session_start_info().hparams()) {
      const std::string shown = value.has_number_value() ? fmt::format("{:g}", value.number_value())
                                : value.has_bool_value() ? std::string(value.bool_value() ? "true" : "false")
                                                         : value.string_value();
      names.push_back(fmt::format("{}={}", name, shown));
    }
    std::sort(names.begin(), names.end());
    std::string joined;
    for (const auto& item : names) joined += (joined.empty() ? "" : " ") + item;
    return first_line("session start: " + joined, 100);
  }
  if (data.has_session_end_info()) {
    return "session end: " + ::tensorboard::hparams::Status_Name(data.session_end_info().status());
  }
  return "empty hparams data";
}

std::string describe_value(const tensorflow::Summary::Value& value, const std::string& kind,
                           const std::string& first_metadata_content) {
  if (kind == "scalar") {
    const std::optional<double> scalar = read_scalar(value);
    return scalar ? fmt::format("{:.6g}", *scalar) : std::string("(not a rank-0 float)");
  }
  if (kind == "histogram") {
    if (value.has_histo()) return describe_histogram(value.histo());
    return fmt::format("tensor histogram, {} buckets",
                       value.tensor().tensor_shape().dim_size() > 0 ? value.tensor().tensor_shape().dim(0).size() : 0);
  }
  if (kind == "image") {
    if (value.has_image()) {
      return describe_image(value.image().encoded_image_string(), value.image().width(), value.image().height());
    }
    const std::vector<std::string> parts = read_strings(value);
    if (parts.size() < 3) return "(no image in the tensor)";
    std::string text = describe_image(parts[2], std::atoi(parts[0].c_str()), std::atoi(parts[1].c_str()));
    if (parts.size() > 3) text += fmt::format(" (+{} more)", parts.size() - 3);
    return text;
  }
  if (kind == "text") {
    const std::vector<std::string> parts = read_strings(value);
    return parts.empty() ? std::string("(no text)") : "\"" + first_line(parts[0]) + "\"";
  }
  if (kind == "hparams") {
    return describe_hparams(value.has_metadata() ? value.metadata().plugin_data().content() : first_metadata_content);
  }
  if (kind == "custom_scalars") {
    const std::vector<std::string> parts = read_strings(value);
    ::tensorboard::Layout layout;
    if (parts.size() != 1 || !layout.ParseFromString(parts[0])) return "(unreadable layout)";
    int charts = 0;
    for (const auto& category : layout.category()) charts += category.chart_size();
    return fmt::format("layout: {} categories, {} charts", layout.category_size(), charts);
  }
  return fmt::format("{} bytes", value.ByteSizeLong());
}

int split_rank(const std::string& split) {
  if (split.empty()) return 0;
  if (split == "train") return 1;
  if (split == "validation") return 2;
  return 3;
}

std::string plural(std::size_t count, const char* singular, const char* many) {
  return fmt::format("{} {}", count, count == 1 ? singular : many);
}

struct TagState {
  TagInventory inventory;
  std::string plugin;
  std::string metadata_content;  // hparams keeps its payload here; only the first event carries it
};

void read_event_file(const fs::path& path, FolderInventory& run, std::map<std::string, TagState>& tags,
                     std::vector<std::string>& problems) {
  EventFileInventory file;
  file.path = path;
  Result<RecordScan> scan = read_record_file(path);
  if (!scan.ok()) {
    file.problems.push_back(scan.error().message);
  } else {
    file.bytes = scan->bytes;
    file.records = static_cast<long long>(scan->records.size());
    for (const RecordProblem& problem : scan->problems) file.problems.push_back(path.string() + ": " + problem.message);
    for (const Record& record : scan->records) {
      tensorflow::Event event;
      if (!event.ParseFromString(record.data)) {
        file.problems.push_back(fmt::format("{}: record at offset {} is not an Event", path.string(), record.offset));
        continue;
      }
      if (event.has_file_version()) {
        if (file.file_version.empty()) file.file_version = event.file_version();
        continue;
      }
      if (event.what_case() == tensorflow::Event::kGraphDef) {
        ++run.graphs;
        run.graph_bytes = event.graph_def().size();
        continue;
      }
      if (!event.has_summary()) continue;
      for (const auto& value : event.summary().value()) {
        auto [found, inserted] = tags.try_emplace(value.tag());
        TagState& state = found->second;
        if (inserted) {
          state.plugin = plugin_name_of(value);
          if (value.has_metadata()) state.metadata_content = value.metadata().plugin_data().content();
          state.inventory.tag = value.tag();
          state.inventory.kind = kind_of(value, state.plugin);
          state.inventory.first_step = event.step();
        }
        TagInventory& tag = state.inventory;
        ++tag.values;
        tag.first_step = std::min(tag.first_step, static_cast<long long>(event.step()));
        tag.last_step = std::max(tag.last_step, static_cast<long long>(event.step()));
        const std::string content = value.has_metadata() ? value.metadata().plugin_data().content()
                                                         : state.metadata_content;
        tag.last_value = describe_value(value, tag.kind, content);
      }
    }
    if (file.records > 0 && file.file_version.empty()) {
      file.problems.push_back(fmt::format("{}: no file_version record", path.string()));
    }
  }
  problems.insert(problems.end(), file.problems.begin(), file.problems.end());
  run.files.push_back(std::move(file));
}

}  // namespace

bool is_split_folder_name(const std::string& name) { return name == "train" || name == "validation" || name == "test"; }

std::vector<std::string> RunInventory::split_names() const {
  std::vector<std::string> names;
  for (const FolderInventory& folder : folders) {
    if (!folder.split.empty()) names.push_back(folder.split);
  }
  return names;
}

std::size_t LogInventory::folder_count() const {
  std::size_t count = 0;
  for (const RunInventory& run : runs) count += run.folders.size();
  return count;
}

const FolderInventory* LogInventory::find_folder(const std::string& name) const {
  for (const RunInventory& run : runs) {
    for (const FolderInventory& folder : run.folders) {
      if (folder.name == name) return &folder;
    }
  }
  return nullptr;
}

Result<LogInventory> inventory_log_directory(const fs::path& logdir) {
  std::error_code error;
  if (!fs::is_directory(logdir, error)) {
    return make_error(ErrorKind::not_found, fmt::format("{}: no such log directory", logdir.string()));
  }
  LogInventory inventory;
  inventory.logdir = logdir;
  std::map<std::string, std::vector<fs::path>> files_by_folder;
  fs::recursive_directory_iterator walker(logdir, fs::directory_options::skip_permission_denied, error);
  for (; !error && walker != fs::recursive_directory_iterator(); walker.increment(error)) {
    const fs::directory_entry& entry = *walker;
    if (entry.path().filename().string().find("tfevents") == std::string::npos) continue;
    std::error_code type_error;
    if (!entry.is_regular_file(type_error)) continue;
    const fs::path relative = entry.path().parent_path().lexically_relative(logdir);
    const std::string run = relative.empty() ? std::string(".") : relative.generic_string();
    files_by_folder[run].push_back(entry.path());
  }
  if (error) inventory.problems.push_back(fmt::format("{}: cannot list: {}", logdir.string(), error.message()));

  std::map<std::string, RunInventory> runs;
  for (auto& [name, paths] : files_by_folder) {
    // TensorBoard reads a run's files in name order (directory_watcher.py sorts them); so do we.
    std::sort(paths.begin(), paths.end());
    FolderInventory folder;
    folder.name = name;
    std::map<std::string, TagState> tags;
    for (const fs::path& path : paths) read_event_file(path, folder, tags, inventory.problems);
    for (auto& [tag, state] : tags) folder.tags.push_back(std::move(state.inventory));
    const fs::path relative(name);
    std::string run_name = name;
    if (name != "." && is_split_folder_name(relative.filename().string())) {
      folder.split = relative.filename().string();
      run_name = relative.has_parent_path() ? relative.parent_path().generic_string() : std::string(".");
    }
    RunInventory& run = runs[run_name];
    run.name = run_name;
    run.folders.push_back(std::move(folder));
  }
  for (auto& [name, run] : runs) {
    // The run's own folder first, then its splits in the order training writes them.
    std::stable_sort(run.folders.begin(), run.folders.end(), [](const FolderInventory& a, const FolderInventory& b) {
      return split_rank(a.split) < split_rank(b.split);
    });
    inventory.runs.push_back(std::move(run));
  }
  return inventory;
}

namespace {

void format_folder(const FolderInventory& folder, std::string& text) {
  const std::string what = folder.split.empty() ? std::string("the run's own folder") : folder.split + " split";
  text += fmt::format("  folder {} ({})\n", folder.name, what);
  for (const EventFileInventory& file : folder.files) {
    text += fmt::format("    file {}: {} bytes, {} records, {}\n", file.path.filename().string(), file.bytes,
                        file.records, file.problems.empty() ? "all CRCs valid" : "DAMAGED (see below)");
  }
  if (folder.graphs > 0) text += fmt::format("    graph: GraphDef of {} bytes\n", folder.graph_bytes);
  if (folder.tags.empty()) return;
  std::size_t tag_width = 3;
  for (const TagInventory& tag : folder.tags) tag_width = std::max(tag_width, tag.tag.size());
  text += fmt::format("    {:<{}}  {:<14}  {:<16}  {}\n", "tag", tag_width, "kind", "steps", "last value");
  for (const TagInventory& tag : folder.tags) {
    const std::string steps = tag.first_step == tag.last_step
                                  ? fmt::format("{} ({})", tag.last_step, tag.values)
                                  : fmt::format("{}..{} ({})", tag.first_step, tag.last_step, tag.values);
    text += fmt::format("    {:<{}}  {:<14}  {:<16}  {}\n", tag.tag, tag_width, tag.kind, steps, tag.last_value);
  }
}

}  // namespace

std::string format_log_inventory(const LogInventory& inventory) {
  std::size_t file_count = 0;
  for (const RunInventory& run : inventory.runs) {
    for (const FolderInventory& folder : run.folders) file_count += folder.files.size();
  }
  // TensorBoard lists every folder as a run of its own; say both, so neither count surprises.
  std::string text = fmt::format("{}: {}, {} in {} (TensorBoard lists each folder as a run)\n",
                                 inventory.logdir.string(),
                                 plural(inventory.runs.size(), "training run", "training runs"),
                                 plural(file_count, "event file", "event files"),
                                 plural(inventory.folder_count(), "folder", "folders"));
  for (const RunInventory& run : inventory.runs) {
    const std::vector<std::string> splits = run.split_names();
    std::string joined;
    for (const std::string& split : splits) joined += (joined.empty() ? "" : ", ") + split;
    text +=
        fmt::format("\nrun {}: {}\n", run.name, splits.empty() ? std::string("no split folders") : "splits " + joined);
    for (const FolderInventory& folder : run.folders) format_folder(folder, text);
  }
  if (!inventory.problems.empty()) {
    text += fmt::format("\n{} problems:\n", inventory.problems.size());
    for (const std::string& problem : inventory.problems) text += "  " + problem + "\n";
  }
  return text;
}

}  // namespace vgsales::tensorboard
