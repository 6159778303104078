// vgsales._core: the Python package's bridge to the C++ libraries the CLI links. It trains through the same
// training job (the rows handed over in memory), predicts through the same Predictor, exports through the same
// exporter, and turns each error value into a Python exception carrying the CLI's message.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <csignal>
#include <memory>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "export/export_folder.h"
#include "model/model_directory.h"
#include "model/predictor.h"
#include "model/training_job.h"
#include "tensorboard/tensorboard_observer.h"

namespace nb = nanobind;

namespace vgsales::python {
namespace {

using NumberArray = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using TextCells = std::vector<std::optional<std::string>>;

// The one place an error value becomes a Python exception: bad data and bad settings are ValueError, as Python code
// expects; the message is the CLI's.
[[noreturn]] void raise(const Error& error) {
  PyObject* type = PyExc_RuntimeError;
  switch (error.kind) {
    case ErrorKind::usage:
    case ErrorKind::invalid_data: type = PyExc_ValueError; break;
    case ErrorKind::not_found: type = PyExc_FileNotFoundError; break;
    case ErrorKind::already_exists: type = PyExc_FileExistsError; break;
    case ErrorKind::io: type = PyExc_OSError; break;
    case ErrorKind::interrupted: type = PyExc_KeyboardInterrupt; break;
    case ErrorKind::internal: type = PyExc_RuntimeError; break;
  }
  PyErr_SetString(type, error.message.c_str());
  throw nb::python_error();
}

template <class T>
T value_or_raise(Result<T> result) {
  if (!result.ok()) raise(result.error());
  return std::move(result).value();
}

void ok_or_raise(const Result<void>& result) {
  if (!result.ok()) raise(result.error());
}

nb::object setting_value(const SettingValue& value) {
  if (const auto* whole = std::get_if<std::int64_t>(&value)) return nb::int_(*whole);
  if (const auto* fraction = std::get_if<double>(&value)) return nb::float_(*fraction);
  return nb::str(std::get<std::string>(value).c_str());
}

// --- settings ------------------------------------------------------------------------------------------------------

template <class T>
std::string fmt_number(T value) {
  if constexpr (std::is_floating_point_v<T>) return fmt::format("{:g}", value);
  else return fmt::format("{}", value);
}

// A numeric flag's text, read and bounded as `vgsales train` reads it (the same messages).
template <class T>
Result<void> parse_bounded(const std::string& flag, const std::string& text, T low, T high, T& out) {
  T value{};
  const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
  const char* kind = std::is_floating_point_v<T> ? "number" : "whole number";
  if (problem != std::errc() || end != text.data() + text.size() || text.empty() ||
      (std::is_floating_point_v<T> && value != value))
    return make_error(ErrorKind::usage, flag + ": '" + text + "' is not a " + kind);
  if (value < low) return make_error(ErrorKind::usage, flag + ": " + text + " is below the minimum " + fmt_number(low));
  if (value > high)
    return make_error(ErrorKind::usage, flag + ": " + text + " is above the maximum " + fmt_number(high));
  out = value;
  return {};
}

// Every setting given (flag -> the flag's text) into `settings`, each through its one declaration.
Result<void> apply_settings(const std::map<std::string, std::string>& given, TrainingSettings& settings) {
  for (const auto& [flag, text] : given) {
    const SettingDeclaration* declaration = nullptr;
    for (const SettingDeclaration& candidate : training_setting_declarations())
      if (candidate.flag == flag) declaration = &candidate;
    if (!declaration) return make_error(ErrorKind::usage, "unknown training setting " + flag);
    if (!declaration->numeric) {
      VGSALES_TRY(declaration->parse(settings, text));
      continue;
    }
#define VGSALES_PARSE_NUMERIC_SETTING(type, field, setting_flag, fallback, low, high, hparam, help) \
  if (flag == setting_flag)                                                                         \
    VGSALES_TRY(parse_bounded<type>(flag, text, static_cast<type>(low), static_cast<type>(high), settings.field));
    VGSALES_TRAINING_SETTINGS(VGSALES_PARSE_NUMERIC_SETTING)
#undef VGSALES_PARSE_NUMERIC_SETTING
  }
  return {};
}

nb::list setting_declarations() {
  const TrainingSettings defaults;
  nb::list out;
  for (const SettingDeclaration& declaration : training_setting_declarations()) {
    nb::dict entry;
    entry["key"] = declaration.key;
    entry["flag"] = declaration.flag;
    entry["value_name"] = declaration.value_name;
    entry["help"] = declaration.help;
    entry["numeric"] = declaration.numeric;
    entry["default"] = declaration.numeric ? setting_value(declaration.value(defaults))
                                           : nb::str(declaration.flag_text(defaults).c_str());
    out.append(entry);
  }
  return out;
}

// --- training ------------------------------------------------------------------------------------------------------

// One column from Python: (name, float64 array) or (name, list of str | None).
InMemoryColumn column_from_python(const nb::handle& name, const nb::handle& cells) {
  InMemoryColumn column;
  column.name = nb::cast<std::string>(name);
  NumberArray numbers;
  if (nb::try_cast(cells, numbers)) {
    column.numbers.assign(numbers.data(), numbers.data() + numbers.shape(0));
  } else {
    column.is_text = true;
    column.texts = nb::cast<TextCells>(cells);
  }
  return column;
}

struct TrainRequest {
  std::string source = "X";
  std::string target;
  std::string out_dir;
  std::map<std::string, std::string> settings;  // flag -> text
  std::vector<std::string> drop, categorical, numeric, na_values;
  std::string output_name;
  std::optional<std::string> logdir;  // TensorBoard logs when given
  std::string run_name;
  int histogram_freq = 5;
  int image_freq = 10;
};

template <class T>
void read_field(const nb::dict& given, const char* key, T& field) {
  if (given.contains(key) && !given[key].is_none()) field = nb::cast<T>(given[key]);
}

TrainRequest train_request_from(const nb::dict& given) {
  TrainRequest request;
  read_field(given, "source", request.source);
  read_field(given, "target", request.target);
  read_field(given, "out_dir", request.out_dir);
  read_field(given, "settings", request.settings);
  read_field(given, "drop", request.drop);
  read_field(given, "categorical", request.categorical);
  read_field(given, "numeric", request.numeric);
  read_field(given, "na_values", request.na_values);
  read_field(given, "output_name", request.output_name);
  read_field(given, "logdir", request.logdir);
  read_field(given, "run_name", request.run_name);
  read_field(given, "histogram_freq", request.histogram_freq);
  read_field(given, "image_freq", request.image_freq);
  return request;
}

TrainingJobOptions job_options(const TrainRequest& request, std::shared_ptr<const std::vector<InMemoryColumn>> rows) {
  TrainingJobOptions options;
  options.train_file = request.source;
  options.train_columns = std::move(rows);
  options.out_dir = request.out_dir;
  options.target = request.target;
  options.drop = request.drop;
  options.categorical = request.categorical;
  options.numeric = request.numeric;
  options.na_values = request.na_values;
  options.output_name = request.output_name;
  ok_or_raise(apply_settings(request.settings, options.settings));
  options.layers_given = request.settings.count("--layers") > 0;
  return options;
}

// The training job with TensorBoard logs when asked for, as `vgsales train --logdir` writes them (no GIL held).
Result<TrainingJobReport> run_job(const TrainRequest& request, const TrainingJobOptions& options,
                                  TrainingJobHooks& hooks) {
  std::unique_ptr<TrainingObserver> tensorboard;
  if (request.logdir) {
    TensorBoardOptions logs;
    logs.logdir = *request.logdir;
    logs.run_name = request.run_name;
    logs.histogram_freq = request.histogram_freq;
    logs.image_freq = request.image_freq;
    logs.notice = hooks.notice;
    VGSALES_ASSIGN_OR_RETURN(tensorboard, open_tensorboard_observer(logs));
    hooks.observers.push_back(tensorboard.get());
  }
  return run_training_job(options, hooks);
}

// Ctrl-C while training (a notebook's "interrupt the kernel" sends SIGINT): the job stops after the batch, as
// `vgsales train` does, and fit raises KeyboardInterrupt. Python's own handler is put back when training ends.
std::atomic<bool> interrupt_requested{false};

extern "C" void request_stop(int) { interrupt_requested = true; }

class StopOnInterrupt {
 public:
  StopOnInterrupt() {
    interrupt_requested = false;
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
  }
  StopOnInterrupt(const StopOnInterrupt&) = delete;
  StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;
  ~StopOnInterrupt() { sigaction(SIGINT, &previous_, nullptr); }

 private:
  struct sigaction previous_ {};
};

// Trains on the columns given (the target among them) and writes the model directory request["out_dir"], as
// `vgsales train` does, with the GIL released. Returns the notices the CLI would print and how the run went.
nb::dict train(const nb::list& python_columns, const nb::dict& python_request) {
  const TrainRequest request = train_request_from(python_request);
  auto columns = std::make_shared<std::vector<InMemoryColumn>>();
  for (const nb::handle item : python_columns) {
    const nb::tuple pair = nb::cast<nb::tuple>(item);
    columns->push_back(column_from_python(pair[0], pair[1]));
  }
  const TrainingJobOptions options = job_options(request, columns);
  std::vector<std::string> notices;
  TrainingJobHooks hooks;
  hooks.notice = [&notices](const std::string& line) { notices.push_back(line); };
  Result<TrainingJobReport> report = Error{};
  {
    // Only the main thread may take SIGINT from Python (a fit in another thread leaves it to Python).
    std::optional<StopOnInterrupt> stop;
    if (PyGILState_Check() && nb::module_::import_("threading")
                                  .attr("current_thread")()
                                  .is(nb::module_::import_("threading").attr("main_thread")())) {
      stop.emplace();
      hooks.stop_requested = &interrupt_requested;
    }
    nb::gil_scoped_release released;
    report = run_job(request, options, hooks);
  }
  const TrainingJobReport done = value_or_raise(std::move(report));
  if (done.interrupted)
    raise(make_error(ErrorKind::interrupted, "training interrupted after " + std::to_string(done.metadata.epochs_run) +
                                                 " epochs (Ctrl-C); the estimator is left as it was"));
  nb::dict out;
  out["notices"] = notices;
  out["status"] = done.metadata.status;
  out["epochs_run"] = done.metadata.epochs_run;
  out["training_seconds"] = done.metadata.training_seconds;
  return out;
}

// --- the model -----------------------------------------------------------------------------------------------------

nb::ndarray<nb::numpy, double, nb::ndim<1>> to_numpy(const std::vector<float>& values) {
  auto* copy = new std::vector<double>(values.begin(), values.end());
  nb::capsule owner(copy, [](void* p) noexcept { delete static_cast<std::vector<double>*>(p); });
  return nb::ndarray<nb::numpy, double, nb::ndim<1>>(copy->data(), {copy->size()}, owner);
}

// A loaded model directory: the Predictor `vgsales predict` and `serve` use.
class Model {
 public:
  static Model load(const std::string& dir) { return Model(value_or_raise(load_predictor(dir))); }

  std::vector<std::pair<std::string, std::string>> features() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const FeatureSpec& feature : predictor_->pipeline().features())
      out.emplace_back(feature.name, column_type_name(feature.type));
    return out;
  }
  std::string target() const { return predictor_->metadata().target(); }
  bool has_interval() const { return predictor_->has_interval(); }
  double interval_level() const { return predictor_->metadata().interval_level; }
  std::string metadata_json() const { return metadata_to_json(predictor_->metadata()); }
  // Every setting the model was trained with, by flag: numbers as numbers, the rest as the flag's text.
  nb::dict settings() const {
    nb::dict out;
    const TrainingSettings& used = predictor_->metadata().settings;
    for (const SettingDeclaration& declaration : training_setting_declarations())
      out[declaration.flag.c_str()] = declaration.numeric ? setting_value(declaration.value(used))
                                                          : nb::object(nb::str(declaration.flag_text(used).c_str()));
    return out;
  }

  // One column per feature, in features() order: a float64 array or a list of str | None. Returns (mean,
  // unseen categories), and with `with_interval` also the median and the interval's bounds. A bad cell's error
  // names "X:row".
  nb::tuple predict(const nb::list& python_columns, bool with_interval) const {
    const size_t width = predictor_->pipeline().features().size();
    if (nb::len(python_columns) != width)
      raise(make_error(ErrorKind::invalid_data, "expected " + std::to_string(width) + " feature columns"));
    std::vector<InMemoryColumn> columns;
    for (size_t f = 0; f < width; ++f) columns.push_back(column_from_python(nb::str(""), python_columns[f]));
    const size_t rows = columns.front().row_count();
    for (const auto& column : columns)
      if (column.row_count() != rows) raise(make_error(ErrorKind::invalid_data, "feature columns of unequal length"));
    Result<Predictions> predicted = Error{};
    {
      nb::gil_scoped_release released;
      predicted = predict_columns(columns, rows, with_interval);
    }
    const Predictions p = value_or_raise(std::move(predicted));
    if (!with_interval) return nb::make_tuple(to_numpy(p.values), p.unseen_categories);
    return nb::make_tuple(to_numpy(p.values), p.unseen_categories, to_numpy(p.median), to_numpy(p.lower),
                          to_numpy(p.upper));
  }

 private:
  explicit Model(std::shared_ptr<const Predictor> predictor) : predictor_(std::move(predictor)) {}

  // Raw cells as `vgsales serve` gets them from JSON: numbers as numbers (a category reads their shortest text),
  // text as text, None and NaN missing.
  Result<Predictions> predict_columns(const std::vector<InMemoryColumn>& columns, size_t rows,
                                      bool with_interval) const {
    std::vector<RawCell> cells;
    cells.reserve(rows * columns.size());
    for (size_t r = 0; r < rows; ++r)
      for (const InMemoryColumn& column : columns) {
        if (column.is_text)
          cells.push_back(column.texts[r] ? RawCell::of_text(*column.texts[r]) : RawCell::missing_value());
        else
          cells.push_back(std::isnan(column.numbers[r]) ? RawCell::missing_value()
                                                        : RawCell::of_number(column.numbers[r]));
      }
    return predictor_->predict(
        cells, [](size_t row) { return "X:" + std::to_string(row); }, with_interval);
  }

  std::shared_ptr<const Predictor> predictor_;
};

// --- files ---------------------------------------------------------------------------------------------------------

// Writes a model directory's files (name -> bytes) to `dir` as training does: filled beside it, checked to load
// (SHA256SUMS verified), and renamed into place in one step.
Result<void> write_model_files_atomically(const std::string& dir,
                                          const std::vector<std::pair<std::string, std::string>>& files) {
  VGSALES_ASSIGN_OR_RETURN(StagingDirectory staging, StagingDirectory::create_beside(dir));
  for (const auto& [name, bytes] : files) VGSALES_TRY(write_file_atomically(staging.path() / name, bytes));
  VGSALES_TRY(load_predictor(staging.path()));
  return staging.commit();
}

void write_model_directory(const std::string& dir, const std::map<std::string, nb::bytes>& files) {
  std::vector<std::pair<std::string, std::string>> contents;
  for (const auto& [name, bytes] : files) contents.emplace_back(name, std::string(bytes.c_str(), bytes.size()));
  Result<void> written;
  {
    nb::gil_scoped_release released;
    written = write_model_files_atomically(dir, contents);
  }
  ok_or_raise(written);
}

// `vgsales export` for each format named ("all", "savedmodel", "onnx", "torchscript"), into one version folder.
nb::dict export_model_folder(const std::string& model_dir, const std::string& base,
                             const std::vector<std::string>& formats, std::optional<std::int64_t> version,
                             bool overwrite) {
  ExportRequest request;
  request.model_dir = model_dir;
  for (const std::string& name : formats)
    for (ExportFormat format : value_or_raise(parse_export_formats(name)))
      if (std::find(request.formats.begin(), request.formats.end(), format) == request.formats.end())
        request.formats.push_back(format);
  request.base = base;
  request.version = version;
  request.overwrite = overwrite;
  Result<ExportSummary> summary = Error{};
  {
    nb::gil_scoped_release released;
    summary = export_model(request);
  }
  const ExportSummary done = value_or_raise(std::move(summary));
  nb::dict out;
  out["version"] = done.version;
  out["folder"] = done.folder.string();
  out["files"] = done.files;
  return out;
}

}  // namespace
}  // namespace vgsales::python

NB_MODULE(_core, m) {
  using namespace vgsales::python;
  m.doc() = "vgsales' C++ core: training, prediction and export, as the CLI runs them";
  m.attr("version") = VGSALES_VERSION;
  m.def("setting_declarations", &setting_declarations, "every training setting as the CLI declares it");
  m.def("train", &train, nb::arg("columns"), nb::arg("request"));
  m.def("write_model_directory", &write_model_directory, nb::arg("dir"), nb::arg("files"));
  m.def("export_model", &export_model_folder, nb::arg("model_dir"), nb::arg("base"), nb::arg("formats"),
        nb::arg("version").none(), nb::arg("overwrite"));
  nb::class_<Model>(m, "Model")
      .def_static("load", &Model::load, nb::arg("dir"))
      .def_prop_ro("features", &Model::features)
      .def_prop_ro("target", &Model::target)
      .def_prop_ro("has_interval", &Model::has_interval)
      .def_prop_ro("interval_level", &Model::interval_level)
      .def_prop_ro("settings", &Model::settings)
      .def("metadata_json", &Model::metadata_json)
      .def("predict", &Model::predict, nb::arg("columns"), nb::arg("with_interval"));
}
