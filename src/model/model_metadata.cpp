// model.json writing and strict reading.
#include "model/model_metadata.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "common/json_fields.h"
#include "data/feature_pipeline_json.h"

namespace vgsales {

namespace {

// SplitMetrics as model.json keeps it: each field's key beside the member it holds.
struct MetricNumber {
  const char* key;
  double SplitMetrics::*field;
};
struct MetricCount {
  const char* key;
  long long SplitMetrics::*field;
};
constexpr MetricNumber kMetricNumbers[] = {{"mse", &SplitMetrics::mse}, {"rmse", &SplitMetrics::rmse},
                                           {"mae", &SplitMetrics::mae}, {"mape", &SplitMetrics::mape},
                                           {"r2", &SplitMetrics::r2},   {"loss", &SplitMetrics::loss}};
constexpr MetricCount kMetricCounts[] = {{"rows", &SplitMetrics::rows},
                                         {"near_zero_targets", &SplitMetrics::near_zero_targets}};
// Only a model with an interval has these (their presence is keyed on "coverage").
constexpr MetricNumber kIntervalMetrics[] = {{"median_mae", &SplitMetrics::median_mae},
                                             {"coverage", &SplitMetrics::coverage},
                                             {"mean_interval_width", &SplitMetrics::mean_interval_width}};

// Format 2 called the kept epoch best_epoch.
const char* kept_epoch_key(int format_version) { return format_version >= 3 ? "kept_epoch" : "best_epoch"; }

void write_key_string(JsonWriter& w, const char* key, const std::string& text) {
  w.Key(key);
  write_json_string(w, text);
}

void write_int_array(JsonWriter& w, const char* key, const std::vector<int>& values) {
  w.Key(key);
  w.StartArray();
  for (int value : values) w.Int(value);
  w.EndArray();
}

void write_metrics(JsonWriter& w, const SplitMetrics& m) {
  w.StartObject();
  for (const MetricNumber& number : kMetricNumbers) {
    w.Key(number.key);
    w.Double(m.*number.field);
  }
  for (const MetricCount& count : kMetricCounts) {
    w.Key(count.key);
    w.Int64(m.*count.field);
  }
  if (m.has_interval_metrics())
    for (const MetricNumber& number : kIntervalMetrics) {
      w.Key(number.key);
      w.Double(m.*number.field);
    }
  w.EndObject();
}

void write_metrics_group(JsonWriter& w, const char* name, const std::map<std::string, SplitMetrics>& group) {
  w.Key(name);
  w.StartObject();
  for (const auto& [split, metrics] : group) {
    w.Key(split.c_str());
    write_metrics(w, metrics);
  }
  w.EndObject();
}

void write_interval(JsonWriter& w, const ModelMetadata& m) {
  w.Key("median_source");
  w.String(choice_name(m.shifts.median_from_head ? MedianSetting::head : MedianSetting::offset));
  w.Key("median_shift");
  w.Double(m.shifts.median);
  w.Key("interval");
  w.StartObject();
  w.Key("level");
  w.Double(m.interval_level);
  w.Key("lower_shift");
  w.Double(m.shifts.lower);
  w.Key("upper_shift");
  w.Double(m.shifts.upper);
  w.Key("calibration_rows");
  w.Int64(m.interval_calibration_rows);
  write_key_string(w, "calibration", m.interval_calibration);
  w.EndObject();
}

void write_network(JsonWriter& w, const ModelMetadata& m) {
  w.Key("network");
  w.StartObject();
  w.Key("input_width");
  w.Uint64(m.pipeline.encoded_width());
  write_int_array(w, "hidden_layers", m.settings.hidden_layers);
  w.Key("activation");
  w.String("relu");
  w.Key("output_width");
  w.Int64(m.output_width());
  w.Key("members");
  w.Int(m.members);
  w.Key("mean_shift");
  w.Double(m.shifts.mean);
  if (m.has_interval()) write_interval(w, m);
  w.EndObject();
}

void write_training(JsonWriter& w, const ModelMetadata& m) {
  w.Key("training");
  w.StartObject();
  write_settings_json(w, m.settings);
  w.Key("optimizer");
  w.String("adam");
  w.Key("loss");
  w.String("mse");
  write_key_string(w, "train_file", m.train_file);
  write_key_string(w, "test_file", m.test_file);
  w.Key("rows");
  w.StartObject();
  for (const auto& [split, count] : m.rows) {
    w.Key(split.c_str());
    w.Int64(count);
  }
  w.EndObject();
  w.Key("epochs_run");
  w.Int(m.epochs_run);
  w.Key(kept_epoch_key(kModelFormatVersion));
  w.Int(m.kept_epoch);
  write_int_array(w, "member_epochs", m.member_epochs);
  write_key_string(w, "status", m.status);
  w.Key("seconds");
  w.Double(m.training_seconds);
  w.EndObject();
}

Result<SplitMetrics> read_metrics(const rapidjson::Value& v, const JsonFieldReader& r, const std::string& path) {
  SplitMetrics m;
  for (const MetricNumber& number : kMetricNumbers) {
    VGSALES_ASSIGN_OR_RETURN(m.*number.field, r.number(v, number.key, path + "." + number.key));
  }
  for (const MetricCount& count : kMetricCounts) {
    VGSALES_ASSIGN_OR_RETURN(m.*count.field, r.integer(v, count.key, path + "." + count.key));
  }
  if (v.HasMember("coverage"))
    for (const MetricNumber& number : kIntervalMetrics) {
      VGSALES_ASSIGN_OR_RETURN(m.*number.field, r.number(v, number.key, path + "." + number.key));
    }
  return m;
}

Result<std::map<std::string, SplitMetrics>> read_metrics_group(const rapidjson::Value& doc, const JsonFieldReader& r,
                                                               const char* name) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* group, r.object(doc, name, name));
  std::map<std::string, SplitMetrics> out;
  for (const auto& entry : group->GetObject()) {
    const std::string split(entry.name.GetString(), entry.name.GetStringLength());
    VGSALES_ASSIGN_OR_RETURN(out[split], read_metrics(entry.value, r, std::string(name) + "." + split));
  }
  return out;
}

// The formats this vgsales reads (2 to 4); anything else is refused with what to do about it.
Result<int> read_format_version(const rapidjson::Value& doc, const JsonFieldReader& r) {
  VGSALES_ASSIGN_OR_RETURN(const std::string format, r.string(doc, "format", "format"));
  if (format != "vgsales-model") return r.invalid("format", "'" + format + "' is not vgsales-model");
  VGSALES_ASSIGN_OR_RETURN(const long long version, r.integer(doc, "format_version", "format_version"));
  if (version >= kOldestReadableModelFormatVersion && version <= kModelFormatVersion) return static_cast<int>(version);
  return make_error(ErrorKind::invalid_data,
                    fmt::format("{}: format_version {} is not {} to {}, the model formats this vgsales reads{}",
                                r.source(), version, kOldestReadableModelFormatVersion, kModelFormatVersion,
                                version < kOldestReadableModelFormatVersion
                                    ? " (an older model: retrain it with `vgsales train`)"
                                    : " (a newer model: upgrade vgsales)"));
}

Result<std::vector<int>> read_hidden_layers(const rapidjson::Value& network, const JsonFieldReader& r) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* hidden, r.member(network, "hidden_layers", "network.hidden_layers"));
  if (!hidden->IsArray() || hidden->Empty()) return r.missing("network.hidden_layers", "a non-empty array");
  std::vector<int> layers;
  for (const auto& h : hidden->GetArray()) {
    if (!h.IsInt() || h.GetInt() < 1 || h.GetInt() > 65536)
      return r.missing("network.hidden_layers", "an array of layer widths from 1 to 65536");
    layers.push_back(h.GetInt());
  }
  return layers;
}

// The median's source and shift and the interval's bounds, present together in a model with an interval.
Result<void> read_interval(const rapidjson::Value& network, const JsonFieldReader& r, ModelMetadata& m) {
  VGSALES_ASSIGN_OR_RETURN(const float median_shift, r.single(network, "median_shift", "network.median_shift"));
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* interval, r.object(network, "interval", "network.interval"));
  VGSALES_ASSIGN_OR_RETURN(m.interval_level, r.number(*interval, "level", "network.interval.level"));
  if (!(m.interval_level > 0 && m.interval_level < 1))
    return r.invalid("network.interval.level", fmt::format("{} is not between 0 and 1", m.interval_level));
  VGSALES_ASSIGN_OR_RETURN(const float lower, r.single(*interval, "lower_shift", "network.interval.lower_shift"));
  VGSALES_ASSIGN_OR_RETURN(const float upper, r.single(*interval, "upper_shift", "network.interval.upper_shift"));
  if (lower > upper) return r.invalid("network.interval", "lower_shift is above upper_shift");
  VGSALES_ASSIGN_OR_RETURN(m.interval_calibration_rows,
                           r.integer(*interval, "calibration_rows", "network.interval.calibration_rows"));
  VGSALES_ASSIGN_OR_RETURN(m.interval_calibration, r.string(*interval, "calibration", "network.interval.calibration"));
  VGSALES_ASSIGN_OR_RETURN(const std::string median_source,
                           r.string(network, "median_source", "network.median_source"));
  const std::optional<MedianSetting> source = choice_from_name<MedianSetting>(median_source);
  if (!source || *source == MedianSetting::automatic)
    return r.invalid("network.median_source", "'" + median_source + "' is not head or offset");
  m.shifts.median_from_head = *source == MedianSetting::head;
  m.shifts.has_interval = true;
  m.shifts.median = median_shift;
  m.shifts.lower = lower;
  m.shifts.upper = upper;
  return {};
}

Result<void> read_network(const rapidjson::Value& doc, const JsonFieldReader& r, ModelMetadata& m) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* network, r.object(doc, "network", "network"));
  VGSALES_ASSIGN_OR_RETURN(const long long input_width, r.integer(*network, "input_width", "network.input_width"));
  if (input_width != static_cast<long long>(m.pipeline.encoded_width()))
    return r.invalid("network.input_width", fmt::format("is {} but the pipeline encodes to {} inputs", input_width,
                                                        m.pipeline.encoded_width()));
  VGSALES_ASSIGN_OR_RETURN(m.settings.hidden_layers, read_hidden_layers(*network, r));
  VGSALES_ASSIGN_OR_RETURN(const long long members, r.integer(*network, "members", "network.members"));
  if (members < 1 || members > 1000) return r.invalid("network.members", fmt::format("{} is not 1 to 1000", members));
  m.members = static_cast<int>(members);
  VGSALES_ASSIGN_OR_RETURN(m.shifts.mean, r.single(*network, "mean_shift", "network.mean_shift"));
  VGSALES_ASSIGN_OR_RETURN(const long long output_width, r.integer(*network, "output_width", "network.output_width"));
  if (output_width != 1 && output_width != 2)
    return r.invalid("network.output_width", fmt::format("{} is not 1 or 2", output_width));
  if (network->HasMember("interval")) VGSALES_TRY(read_interval(*network, r, m));
  if (output_width != m.output_width())
    return r.invalid("network.output_width",
                     fmt::format("is {} but the median source needs {}", output_width, m.output_width()));
  return {};
}

Result<std::vector<int>> read_member_epochs(const rapidjson::Value& training, const JsonFieldReader& r) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* member_epochs,
                           r.member(training, "member_epochs", "training.member_epochs"));
  if (!member_epochs->IsArray()) return r.missing("training.member_epochs", "an array of epochs");
  std::vector<int> epochs;
  for (const auto& epoch : member_epochs->GetArray()) {
    if (!epoch.IsInt() || epoch.GetInt() < 0) return r.missing("training.member_epochs", "an array of epochs");
    epochs.push_back(epoch.GetInt());
  }
  return epochs;
}

Result<std::map<std::string, long long>> read_rows(const rapidjson::Value& training, const JsonFieldReader& r) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* rows, r.object(training, "rows", "training.rows"));
  std::map<std::string, long long> counts;
  for (const auto& entry : rows->GetObject()) {
    if (!entry.value.IsInt64()) return r.missing(std::string("training.rows.") + entry.name.GetString(), "an integer");
    counts[entry.name.GetString()] = entry.value.GetInt64();
  }
  return counts;
}

// The settings, then what the run did. The network section has been read: it is the one source of the architecture,
// as the pipeline is of the target transform.
Result<void> read_training(const rapidjson::Value& doc, const JsonFieldReader& r, ModelMetadata& m) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* training, r.object(doc, "training", "training"));
  const std::vector<int> layers = m.settings.hidden_layers;
  VGSALES_TRY(read_settings_json(*training, r, "training", m.settings));
  m.settings.hidden_layers = layers;
  m.settings.target_transform = target_transform_setting(m.pipeline.target_transform());
  const TargetRange& range = m.pipeline.target_range();
  m.settings.target_range = range.bounded() ? TargetRangeSetting{TargetRangeSetting::Kind::fixed, range}
                                            : TargetRangeSetting{TargetRangeSetting::Kind::none, {}};
  // Formats 2 and 3 had no units or label: the money rule, and no label (the column's name shows), as they showed.
  m.settings.target_units = resolve_target_units(m.target(), m.settings.target_units);
  VGSALES_ASSIGN_OR_RETURN(m.train_file, r.string(*training, "train_file", "training.train_file"));
  VGSALES_ASSIGN_OR_RETURN(m.test_file, r.string(*training, "test_file", "training.test_file"));
  VGSALES_ASSIGN_OR_RETURN(m.rows, read_rows(*training, r));
  VGSALES_ASSIGN_OR_RETURN(const long long epochs_run, r.integer(*training, "epochs_run", "training.epochs_run"));
  const char* kept_key = kept_epoch_key(m.format_version);
  VGSALES_ASSIGN_OR_RETURN(const long long kept_epoch,
                           r.integer(*training, kept_key, std::string("training.") + kept_key));
  m.epochs_run = static_cast<int>(epochs_run);
  m.kept_epoch = static_cast<int>(kept_epoch);
  VGSALES_ASSIGN_OR_RETURN(m.member_epochs, read_member_epochs(*training, r));
  VGSALES_ASSIGN_OR_RETURN(m.status, r.string(*training, "status", "training.status"));
  VGSALES_ASSIGN_OR_RETURN(m.training_seconds, r.number(*training, "seconds", "training.seconds"));
  return {};
}

// Other tools' entries that are not text are skipped, not refused.
Result<std::map<std::string, std::string>> read_versions(const rapidjson::Value& doc, const JsonFieldReader& r) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* versions, r.object(doc, "versions", "versions"));
  std::map<std::string, std::string> out;
  for (const auto& entry : versions->GetObject())
    if (entry.value.IsString()) out[entry.name.GetString()] = entry.value.GetString();
  return out;
}

}  // namespace

std::string default_output_name(const std::string& target) {
  const std::string prefix = "total_";
  if (target.rfind(prefix, 0) == 0 && target.size() > prefix.size()) return target.substr(prefix.size());
  return target;
}

std::string utc_timestamp_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string describe_mean_shift(const ModelMetadata& metadata) {
  const bool log1p = metadata.pipeline.target_transform() == TargetTransform::log1p;
  return fmt::format("{}shift {:g}", log1p ? std::string(choice_name(metadata.settings.mean_correction)) + " " : "",
                     metadata.shifts.mean);
}

std::string metadata_to_json(const ModelMetadata& m) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("format");
  w.String("vgsales-model");
  w.Key("format_version");
  w.Int(kModelFormatVersion);
  write_key_string(w, "created", m.created);
  write_key_string(w, "output_name", m.output_name);
  w.Key("pipeline");
  write_pipeline_json(w, m.pipeline);
  write_network(w, m);
  write_training(w, m);
  write_metrics_group(w, "metrics", m.metrics);
  write_metrics_group(w, "baselines", m.baselines);
  w.Key("versions");
  w.StartObject();
  for (const auto& [name, version] : m.versions) write_key_string(w, name.c_str(), version);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<ModelMetadata> metadata_from_json(const std::string& text, const std::string& source) {
  rapidjson::Document doc;
  VGSALES_TRY(parse_json_object(doc, text, source));
  JsonFieldReader r(source);
  ModelMetadata m;
  VGSALES_ASSIGN_OR_RETURN(m.format_version, read_format_version(doc, r));
  VGSALES_ASSIGN_OR_RETURN(m.created, r.string(doc, "created", "created"));
  VGSALES_ASSIGN_OR_RETURN(m.output_name, r.string(doc, "output_name", "output_name"));
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* pipeline, r.object(doc, "pipeline", "pipeline"));
  VGSALES_ASSIGN_OR_RETURN(m.pipeline, read_pipeline_json(*pipeline, r, "pipeline"));
  VGSALES_TRY(read_network(doc, r, m));
  VGSALES_TRY(read_training(doc, r, m));
  VGSALES_ASSIGN_OR_RETURN(m.metrics, read_metrics_group(doc, r, "metrics"));
  VGSALES_ASSIGN_OR_RETURN(m.baselines, read_metrics_group(doc, r, "baselines"));
  VGSALES_ASSIGN_OR_RETURN(m.versions, read_versions(doc, r));
  return m;
}

}  // namespace vgsales
