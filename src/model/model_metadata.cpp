// model.json writing and strict reading with RapidJSON.
#include "model/model_metadata.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <chrono>
#include <ctime>

namespace vgsales {

namespace {
using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void write_metrics(Writer& w, const SplitMetrics& m) {
  w.StartObject();
  w.Key("mse"); w.Double(m.mse);
  w.Key("rmse"); w.Double(m.rmse);
  w.Key("mae"); w.Double(m.mae);
  w.Key("mape"); w.Double(m.mape);
  w.Key("r2"); w.Double(m.r2);
  w.Key("loss"); w.Double(m.loss);
  w.Key("rows"); w.Int64(m.rows);
  w.EndObject();
}

void write_floats(Writer& w, const std::vector<float>& values) {
  w.StartArray();
  for (float v : values) w.Double(static_cast<double>(v));
  w.EndArray();
}

// Reading helpers: each names the field it could not find.
struct Reader {
  std::string source;
  Error missing(const std::string& field, const char* expected) const {
    return make_error(ErrorKind::invalid_data,
                      source + ": field '" + field + "' is missing or not " + expected + " (corrupt model.json?)");
  }
  Result<const rapidjson::Value*> member(const rapidjson::Value& object, const char* name, const std::string& path) const {
    if (!object.IsObject() || !object.HasMember(name)) return missing(path, "present");
    return &object[name];
  }
  Result<std::string> string(const rapidjson::Value& object, const char* name, const std::string& path) const {
    VGSALES_ASSIGN_OR_RETURN(auto value, member(object, name, path));
    if (!value->IsString()) return missing(path, "a string");
    return std::string(value->GetString(), value->GetStringLength());
  }
  Result<double> number(const rapidjson::Value& object, const char* name, const std::string& path) const {
    VGSALES_ASSIGN_OR_RETURN(auto value, member(object, name, path));
    if (!value->IsNumber()) return missing(path, "a number");
    return value->GetDouble();
  }
  Result<std::vector<float>> floats(const rapidjson::Value& object, const char* name, const std::string& path) const {
    VGSALES_ASSIGN_OR_RETURN(auto value, member(object, name, path));
    if (!value->IsArray()) return missing(path, "an array of numbers");
    std::vector<float> out;
    for (const auto& item : value->GetArray()) {
      if (!item.IsNumber()) return missing(path, "an array of numbers");
      out.push_back(static_cast<float>(item.GetDouble()));
    }
    return out;
  }
};

SplitMetrics read_metrics(const rapidjson::Value& v) {
  SplitMetrics m;
  auto get = [&](const char* key) { return v.HasMember(key) && v[key].IsNumber() ? v[key].GetDouble() : 0.0; };
  m.mse = get("mse"); m.rmse = get("rmse"); m.mae = get("mae"); m.mape = get("mape"); m.r2 = get("r2");
  m.loss = get("loss");
  m.rows = static_cast<long long>(get("rows"));
  return m;
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

std::string metadata_to_json(const ModelMetadata& m) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("format"); w.String("vgsales-model");
  w.Key("format_version"); w.Int(m.format_version);
  w.Key("created"); w.String(m.created.c_str());
  w.Key("target"); w.String(m.schema.target.c_str());
  w.Key("output_name"); w.String(m.output_name.c_str());
  w.Key("target_transform"); w.String(m.target_transform.c_str());
  w.Key("features");
  w.StartArray();
  for (const auto& f : m.schema.features) {
    w.StartObject();
    w.Key("name"); w.String(f.name.c_str());
    w.Key("type"); w.String(column_type_name(f.type));
    if (f.type == ColumnType::categorical) {
      w.Key("categories");
      w.StartArray();
      for (const auto& c : f.categories) w.String(c.c_str());
      w.EndArray();
      w.Key("rare_categories");
      w.StartArray();
      for (const auto& c : f.rare_categories) w.String(c.c_str());
      w.EndArray();
      w.Key("distinct_values"); w.Int64(f.distinct_values);
    } else {
      w.Key("min"); w.Double(f.min);
      w.Key("max"); w.Double(f.max);
      w.Key("fill_value"); w.Double(f.fill_value);
      w.Key("missing_indicator"); w.Bool(f.missing_indicator);
    }
    w.Key("encoded_inputs");
    w.StartArray();
    for (const auto& name : f.encoded_names()) w.String(name.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("dropped_columns");
  w.StartArray();
  for (const auto& [name, why] : m.schema.dropped) {
    w.StartObject();
    w.Key("name"); w.String(name.c_str());
    w.Key("reason"); w.String(why.c_str());
    w.EndObject();
  }
  w.EndArray();
  w.Key("encoded_inputs");
  w.StartArray();
  for (const auto& name : m.schema.encoded_names()) w.String(name.c_str());
  w.EndArray();
  w.Key("scaling");
  w.StartObject();
  w.Key("method"); w.String("min-max, fitted on the training rows");
  w.Key("input_offset"); write_floats(w, m.input_offset);
  w.Key("input_scale"); write_floats(w, m.input_scale);
  w.Key("target_offset"); w.Double(m.target_offset);
  w.Key("target_scale"); w.Double(m.target_scale);
  w.EndObject();
  w.Key("architecture");
  w.StartObject();
  w.Key("input_width"); w.Uint64(m.schema.encoded_width());
  w.Key("hidden_layers");
  w.StartArray();
  for (int width : m.settings.hidden_layers) w.Int(width);
  w.EndArray();
  w.Key("activation"); w.String("relu");
  w.Key("output_width"); w.Int(1);
  w.EndObject();
  w.Key("training");
  w.StartObject();
#define VGSALES_WRITE_SETTING(type, field, flag, fallback, low, high, help) \
  w.Key(#field);                                                           \
  if constexpr (std::is_same_v<type, double>) w.Double(m.settings.field);  \
  else w.Int64(static_cast<std::int64_t>(m.settings.field));
  VGSALES_TRAINING_SETTINGS(VGSALES_WRITE_SETTING)
#undef VGSALES_WRITE_SETTING
  // Saved models record the fraction actually used, never "auto".
  w.Key("validation_split"); w.Double(m.settings.validation_split.value_or(0.0));
  w.Key("optimizer"); w.String("adam");
  w.Key("loss"); w.String("mse");
  w.Key("train_file"); w.String(m.train_file.c_str());
  w.Key("test_file"); w.String(m.test_file.c_str());
  w.Key("rows");
  w.StartObject();
  for (const auto& [split, count] : m.rows) { w.Key(split.c_str()); w.Int64(count); }
  w.EndObject();
  w.Key("epochs_run"); w.Int(m.epochs_run);
  w.Key("best_epoch"); w.Int(m.best_epoch);
  w.Key("status"); w.String(m.status.c_str());
  w.Key("seconds"); w.Double(m.training_seconds);
  w.EndObject();
  w.Key("metrics");
  w.StartObject();
  for (const auto& [split, metrics] : m.metrics) { w.Key(split.c_str()); write_metrics(w, metrics); }
  w.EndObject();
  w.Key("baselines");
  w.StartObject();
  for (const auto& [name, metrics] : m.baselines) { w.Key(name.c_str()); write_metrics(w, metrics); }
  w.EndObject();
  w.Key("versions");
  w.StartObject();
  for (const auto& [name, version] : m.versions) { w.Key(name.c_str()); w.String(version.c_str()); }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<ModelMetadata> metadata_from_json(const std::string& text, const std::string& source) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError())
    return make_error(ErrorKind::invalid_data, source + ": not valid JSON at byte " +
                                                   std::to_string(doc.GetErrorOffset()) + ": " +
                                                   rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) return make_error(ErrorKind::invalid_data, source + ": expected a JSON object");
  Reader r{source};
  ModelMetadata m;
  VGSALES_ASSIGN_OR_RETURN(m.schema.target, r.string(doc, "target", "target"));
  VGSALES_ASSIGN_OR_RETURN(m.output_name, r.string(doc, "output_name", "output_name"));
  VGSALES_ASSIGN_OR_RETURN(m.target_transform, r.string(doc, "target_transform", "target_transform"));
  if (doc.HasMember("created") && doc["created"].IsString()) m.created = doc["created"].GetString();
  VGSALES_ASSIGN_OR_RETURN(auto features, r.member(doc, "features", "features"));
  if (!features->IsArray() || features->Empty()) return r.missing("features", "a non-empty array");
  for (rapidjson::SizeType i = 0; i < features->Size(); ++i) {
    const auto& f = (*features)[i];
    const std::string path = "features[" + std::to_string(i) + "]";
    FeatureSpec spec;
    VGSALES_ASSIGN_OR_RETURN(spec.name, r.string(f, "name", path + ".name"));
    VGSALES_ASSIGN_OR_RETURN(const std::string type, r.string(f, "type", path + ".type"));
    auto parsed_type = parse_column_type(type);
    if (!parsed_type.ok()) return make_error(ErrorKind::invalid_data, source + ": " + path + ".type: " + parsed_type.error().message);
    spec.type = parsed_type.value();
    if (spec.type == ColumnType::categorical) {
      VGSALES_ASSIGN_OR_RETURN(auto categories, r.member(f, "categories", path + ".categories"));
      if (!categories->IsArray()) return r.missing(path + ".categories", "an array of strings");
      for (const auto& c : categories->GetArray()) {
        if (!c.IsString()) return r.missing(path + ".categories", "an array of strings");
        spec.categories.emplace_back(c.GetString(), c.GetStringLength());
      }
      // Optional: models written before it count every "other" value as unseen.
      if (f.HasMember("rare_categories")) {
        const auto& rare = f["rare_categories"];
        if (!rare.IsArray()) return r.missing(path + ".rare_categories", "an array of strings");
        for (const auto& c : rare.GetArray()) {
          if (!c.IsString()) return r.missing(path + ".rare_categories", "an array of strings");
          spec.rare_categories.emplace_back(c.GetString(), c.GetStringLength());
        }
      }
      if (f.HasMember("distinct_values") && f["distinct_values"].IsInt64()) spec.distinct_values = f["distinct_values"].GetInt64();
    } else {
      VGSALES_ASSIGN_OR_RETURN(spec.min, r.number(f, "min", path + ".min"));
      VGSALES_ASSIGN_OR_RETURN(spec.max, r.number(f, "max", path + ".max"));
      VGSALES_ASSIGN_OR_RETURN(spec.fill_value, r.number(f, "fill_value", path + ".fill_value"));
      if (f.HasMember("missing_indicator") && f["missing_indicator"].IsBool()) spec.missing_indicator = f["missing_indicator"].GetBool();
    }
    m.schema.features.push_back(std::move(spec));
  }
  if (doc.HasMember("dropped_columns") && doc["dropped_columns"].IsArray())
    for (const auto& d : doc["dropped_columns"].GetArray())
      if (d.IsObject() && d.HasMember("name") && d["name"].IsString())
        m.schema.dropped.emplace_back(d["name"].GetString(), d.HasMember("reason") && d["reason"].IsString() ? d["reason"].GetString() : "");
  VGSALES_ASSIGN_OR_RETURN(auto scaling, r.member(doc, "scaling", "scaling"));
  VGSALES_ASSIGN_OR_RETURN(m.input_offset, r.floats(*scaling, "input_offset", "scaling.input_offset"));
  VGSALES_ASSIGN_OR_RETURN(m.input_scale, r.floats(*scaling, "input_scale", "scaling.input_scale"));
  VGSALES_ASSIGN_OR_RETURN(const double target_offset, r.number(*scaling, "target_offset", "scaling.target_offset"));
  VGSALES_ASSIGN_OR_RETURN(const double target_scale, r.number(*scaling, "target_scale", "scaling.target_scale"));
  m.target_offset = static_cast<float>(target_offset);
  m.target_scale = static_cast<float>(target_scale);
  const size_t width = m.schema.encoded_width();
  if (m.input_offset.size() != width || m.input_scale.size() != width)
    return make_error(ErrorKind::invalid_data, source + ": scaling has " + std::to_string(m.input_offset.size()) +
                                                   " inputs but the features encode to " + std::to_string(width));
  VGSALES_ASSIGN_OR_RETURN(auto architecture, r.member(doc, "architecture", "architecture"));
  VGSALES_ASSIGN_OR_RETURN(auto hidden, r.member(*architecture, "hidden_layers", "architecture.hidden_layers"));
  if (!hidden->IsArray()) return r.missing("architecture.hidden_layers", "an array");
  m.settings.hidden_layers.clear();
  for (const auto& h : hidden->GetArray()) {
    if (!h.IsInt() || h.GetInt() < 1) return r.missing("architecture.hidden_layers", "an array of positive integers");
    m.settings.hidden_layers.push_back(h.GetInt());
  }
  if (doc.HasMember("training") && doc["training"].IsObject()) {
    const auto& t = doc["training"];
#define VGSALES_READ_SETTING(type, field, flag, fallback, low, high, help) \
    if (t.HasMember(#field) && t[#field].IsNumber()) m.settings.field = static_cast<type>(t[#field].GetDouble());
    VGSALES_TRAINING_SETTINGS(VGSALES_READ_SETTING)
#undef VGSALES_READ_SETTING
    if (t.HasMember("validation_split") && t["validation_split"].IsNumber())
      m.settings.validation_split = t["validation_split"].GetDouble();
    if (t.HasMember("train_file") && t["train_file"].IsString()) m.train_file = t["train_file"].GetString();
    if (t.HasMember("test_file") && t["test_file"].IsString()) m.test_file = t["test_file"].GetString();
    if (t.HasMember("epochs_run") && t["epochs_run"].IsInt()) m.epochs_run = t["epochs_run"].GetInt();
    if (t.HasMember("best_epoch") && t["best_epoch"].IsInt()) m.best_epoch = t["best_epoch"].GetInt();
    if (t.HasMember("status") && t["status"].IsString()) m.status = t["status"].GetString();
    if (t.HasMember("seconds") && t["seconds"].IsNumber()) m.training_seconds = t["seconds"].GetDouble();
    if (t.HasMember("rows") && t["rows"].IsObject())
      for (const auto& entry : t["rows"].GetObject())
        if (entry.value.IsInt64()) m.rows[entry.name.GetString()] = entry.value.GetInt64();
  }
  m.settings.target_transform = m.target_transform;
  for (const char* group : {"metrics", "baselines"}) {
    if (!doc.HasMember(group) || !doc[group].IsObject()) continue;
    auto& into = std::string(group) == "metrics" ? m.metrics : m.baselines;
    for (const auto& entry : doc[group].GetObject())
      if (entry.value.IsObject()) into[entry.name.GetString()] = read_metrics(entry.value);
  }
  if (doc.HasMember("versions") && doc["versions"].IsObject())
    for (const auto& entry : doc["versions"].GetObject())
      if (entry.value.IsString()) m.versions[entry.name.GetString()] = entry.value.GetString();
  return m;
}

}  // namespace vgsales
