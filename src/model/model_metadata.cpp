// model.json writing and strict reading.
#include "model/model_metadata.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "common/json_fields.h"
#include "data/feature_pipeline_json.h"

namespace vgsales {

namespace {

void write_metrics(JsonWriter& w, const SplitMetrics& m) {
  w.StartObject();
  w.Key("mse");
  w.Double(m.mse);
  w.Key("rmse");
  w.Double(m.rmse);
  w.Key("mae");
  w.Double(m.mae);
  w.Key("mape");
  w.Double(m.mape);
  w.Key("r2");
  w.Double(m.r2);
  w.Key("loss");
  w.Double(m.loss);
  w.Key("rows");
  w.Int64(m.rows);
  w.Key("near_zero_targets");
  w.Int64(m.near_zero_targets);
  if (m.has_interval_metrics()) {
    w.Key("median_mae");
    w.Double(m.median_mae);
    w.Key("coverage");
    w.Double(m.coverage);
    w.Key("mean_interval_width");
    w.Double(m.mean_interval_width);
  }
  w.EndObject();
}

Result<SplitMetrics> read_metrics(const rapidjson::Value& v, const JsonFieldReader& r, const std::string& path) {
  SplitMetrics m;
  VGSALES_ASSIGN_OR_RETURN(m.mse, r.number(v, "mse", path + ".mse"));
  VGSALES_ASSIGN_OR_RETURN(m.rmse, r.number(v, "rmse", path + ".rmse"));
  VGSALES_ASSIGN_OR_RETURN(m.mae, r.number(v, "mae", path + ".mae"));
  VGSALES_ASSIGN_OR_RETURN(m.mape, r.number(v, "mape", path + ".mape"));
  VGSALES_ASSIGN_OR_RETURN(m.r2, r.number(v, "r2", path + ".r2"));
  VGSALES_ASSIGN_OR_RETURN(m.loss, r.number(v, "loss", path + ".loss"));
  VGSALES_ASSIGN_OR_RETURN(m.rows, r.integer(v, "rows", path + ".rows"));
  VGSALES_ASSIGN_OR_RETURN(m.near_zero_targets, r.integer(v, "near_zero_targets", path + ".near_zero_targets"));
  if (v.HasMember("coverage")) {
    VGSALES_ASSIGN_OR_RETURN(m.median_mae, r.number(v, "median_mae", path + ".median_mae"));
    VGSALES_ASSIGN_OR_RETURN(m.coverage, r.number(v, "coverage", path + ".coverage"));
    VGSALES_ASSIGN_OR_RETURN(m.mean_interval_width, r.number(v, "mean_interval_width", path + ".mean_interval_width"));
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
  return fmt::format("{}shift {:g}", log1p ? metadata.settings.mean_correction + " " : "", metadata.shifts.mean);
}

std::string metadata_to_json(const ModelMetadata& m) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("format");
  w.String("vgsales-model");
  w.Key("format_version");
  w.Int(m.format_version);
  w.Key("created");
  write_json_string(w, m.created);
  w.Key("output_name");
  write_json_string(w, m.output_name);
  w.Key("pipeline");
  write_pipeline_json(w, m.pipeline);
  w.Key("network");
  w.StartObject();
  w.Key("input_width");
  w.Uint64(m.pipeline.encoded_width());
  w.Key("hidden_layers");
  w.StartArray();
  for (int width : m.settings.hidden_layers) w.Int(width);
  w.EndArray();
  w.Key("activation");
  w.String("relu");
  w.Key("output_width");
  w.Int64(m.output_width());
  w.Key("members");
  w.Int(m.members);
  w.Key("mean_shift");
  w.Double(m.shifts.mean);
  if (m.has_interval()) {
    w.Key("median_source");
    w.String(m.shifts.median_from_head ? "head" : "offset");
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
    w.Key("calibration");
    write_json_string(w, m.interval_calibration);
    w.EndObject();
  }
  w.EndObject();
  w.Key("training");
  w.StartObject();
  write_settings_json(w, m.settings);
  w.Key("optimizer");
  w.String("adam");
  w.Key("loss");
  w.String("mse");
  w.Key("train_file");
  write_json_string(w, m.train_file);
  w.Key("test_file");
  write_json_string(w, m.test_file);
  w.Key("rows");
  w.StartObject();
  for (const auto& [split, count] : m.rows) {
    w.Key(split.c_str());
    w.Int64(count);
  }
  w.EndObject();
  w.Key("epochs_run");
  w.Int(m.epochs_run);
  w.Key("best_epoch");
  w.Int(m.best_epoch);
  w.Key("member_epochs");
  w.StartArray();
  for (int epoch : m.member_epochs) w.Int(epoch);
  w.EndArray();
  w.Key("status");
  write_json_string(w, m.status);
  w.Key("seconds");
  w.Double(m.training_seconds);
  w.EndObject();
  w.Key("metrics");
  w.StartObject();
  for (const auto& [split, metrics] : m.metrics) {
    w.Key(split.c_str());
    write_metrics(w, metrics);
  }
  w.EndObject();
  w.Key("baselines");
  w.StartObject();
  for (const auto& [name, metrics] : m.baselines) {
    w.Key(name.c_str());
    write_metrics(w, metrics);
  }
  w.EndObject();
  w.Key("versions");
  w.StartObject();
  for (const auto& [name, version] : m.versions) {
    w.Key(name.c_str());
    write_json_string(w, version);
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<ModelMetadata> metadata_from_json(const std::string& text, const std::string& source) {
  rapidjson::Document doc;
  VGSALES_TRY(parse_json_object(doc, text, source));
  JsonFieldReader r(source);
  ModelMetadata m;
  VGSALES_ASSIGN_OR_RETURN(const std::string format, r.string(doc, "format", "format"));
  if (format != "vgsales-model") return r.invalid("format", "'" + format + "' is not vgsales-model");
  VGSALES_ASSIGN_OR_RETURN(const long long version, r.integer(doc, "format_version", "format_version"));
  if (version != kModelFormatVersion)
    return make_error(ErrorKind::invalid_data,
                      fmt::format("{}: format_version {} is not {}, the model format this vgsales reads{}", source,
                                  version, kModelFormatVersion,
                                  version < kModelFormatVersion ? " (an older model: retrain it with `vgsales train`)"
                                                                : " (a newer model: upgrade vgsales)"));
  m.format_version = static_cast<int>(version);
  VGSALES_ASSIGN_OR_RETURN(m.created, r.string(doc, "created", "created"));
  VGSALES_ASSIGN_OR_RETURN(m.output_name, r.string(doc, "output_name", "output_name"));
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* pipeline, r.object(doc, "pipeline", "pipeline"));
  VGSALES_ASSIGN_OR_RETURN(m.pipeline, read_pipeline_json(*pipeline, r, "pipeline"));

  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* network, r.object(doc, "network", "network"));
  VGSALES_ASSIGN_OR_RETURN(const long long input_width, r.integer(*network, "input_width", "network.input_width"));
  if (input_width != static_cast<long long>(m.pipeline.encoded_width()))
    return r.invalid("network.input_width", fmt::format("is {} but the pipeline encodes to {} inputs", input_width,
                                                        m.pipeline.encoded_width()));
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* hidden,
                           r.member(*network, "hidden_layers", "network.hidden_layers"));
  if (!hidden->IsArray() || hidden->Empty()) return r.missing("network.hidden_layers", "a non-empty array");
  m.settings.hidden_layers.clear();
  for (const auto& h : hidden->GetArray()) {
    if (!h.IsInt() || h.GetInt() < 1 || h.GetInt() > 65536)
      return r.missing("network.hidden_layers", "an array of layer widths from 1 to 65536");
    m.settings.hidden_layers.push_back(h.GetInt());
  }
  VGSALES_ASSIGN_OR_RETURN(const long long members, r.integer(*network, "members", "network.members"));
  if (members < 1 || members > 1000) return r.invalid("network.members", fmt::format("{} is not 1 to 1000", members));
  m.members = static_cast<int>(members);
  VGSALES_ASSIGN_OR_RETURN(m.shifts.mean, r.single(*network, "mean_shift", "network.mean_shift"));
  VGSALES_ASSIGN_OR_RETURN(const long long output_width, r.integer(*network, "output_width", "network.output_width"));
  if (output_width != 1 && output_width != 2)
    return r.invalid("network.output_width", fmt::format("{} is not 1 or 2", output_width));
  if (network->HasMember("interval")) {
    VGSALES_ASSIGN_OR_RETURN(const float median_shift, r.single(*network, "median_shift", "network.median_shift"));
    VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* interval, r.object(*network, "interval", "network.interval"));
    VGSALES_ASSIGN_OR_RETURN(m.interval_level, r.number(*interval, "level", "network.interval.level"));
    if (!(m.interval_level > 0 && m.interval_level < 1))
      return r.invalid("network.interval.level", fmt::format("{} is not between 0 and 1", m.interval_level));
    VGSALES_ASSIGN_OR_RETURN(const float lower, r.single(*interval, "lower_shift", "network.interval.lower_shift"));
    VGSALES_ASSIGN_OR_RETURN(const float upper, r.single(*interval, "upper_shift", "network.interval.upper_shift"));
    if (lower > upper) return r.invalid("network.interval", "lower_shift is above upper_shift");
    VGSALES_ASSIGN_OR_RETURN(m.interval_calibration_rows,
                             r.integer(*interval, "calibration_rows", "network.interval.calibration_rows"));
    VGSALES_ASSIGN_OR_RETURN(m.interval_calibration,
                             r.string(*interval, "calibration", "network.interval.calibration"));
    VGSALES_ASSIGN_OR_RETURN(const std::string median_source,
                             r.string(*network, "median_source", "network.median_source"));
    if (median_source != "head" && median_source != "offset")
      return r.invalid("network.median_source", "'" + median_source + "' is not head or offset");
    m.shifts.median_from_head = median_source == "head";
    m.shifts.has_interval = true;
    m.shifts.median = median_shift;
    m.shifts.lower = lower;
    m.shifts.upper = upper;
  }
  if (output_width != m.output_width())
    return r.invalid("network.output_width",
                     fmt::format("is {} but the median source needs {}", output_width, m.output_width()));

  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* training, r.object(doc, "training", "training"));
  const std::vector<int> layers = m.settings.hidden_layers;
  VGSALES_TRY(read_settings_json(*training, r, "training", m.settings));
  m.settings.hidden_layers = layers;  // the network section is the one source of the architecture
  m.settings.target_transform = target_transform_name(m.pipeline.target_transform());
  VGSALES_ASSIGN_OR_RETURN(m.train_file, r.string(*training, "train_file", "training.train_file"));
  VGSALES_ASSIGN_OR_RETURN(m.test_file, r.string(*training, "test_file", "training.test_file"));
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* rows, r.object(*training, "rows", "training.rows"));
  for (const auto& entry : rows->GetObject()) {
    if (!entry.value.IsInt64()) return r.missing(std::string("training.rows.") + entry.name.GetString(), "an integer");
    m.rows[entry.name.GetString()] = entry.value.GetInt64();
  }
  VGSALES_ASSIGN_OR_RETURN(const long long epochs_run, r.integer(*training, "epochs_run", "training.epochs_run"));
  VGSALES_ASSIGN_OR_RETURN(const long long best_epoch, r.integer(*training, "best_epoch", "training.best_epoch"));
  m.epochs_run = static_cast<int>(epochs_run);
  m.best_epoch = static_cast<int>(best_epoch);
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* member_epochs,
                           r.member(*training, "member_epochs", "training.member_epochs"));
  if (!member_epochs->IsArray()) return r.missing("training.member_epochs", "an array of epochs");
  for (const auto& epoch : member_epochs->GetArray()) {
    if (!epoch.IsInt() || epoch.GetInt() < 0) return r.missing("training.member_epochs", "an array of epochs");
    m.member_epochs.push_back(epoch.GetInt());
  }
  VGSALES_ASSIGN_OR_RETURN(m.status, r.string(*training, "status", "training.status"));
  VGSALES_ASSIGN_OR_RETURN(m.training_seconds, r.number(*training, "seconds", "training.seconds"));
  VGSALES_ASSIGN_OR_RETURN(m.metrics, read_metrics_group(doc, r, "metrics"));
  VGSALES_ASSIGN_OR_RETURN(m.baselines, read_metrics_group(doc, r, "baselines"));
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* versions, r.object(doc, "versions", "versions"));
  for (const auto& entry : versions->GetObject())
    if (entry.value.IsString()) m.versions[entry.name.GetString()] = entry.value.GetString();
  return m;
}

}  // namespace vgsales
