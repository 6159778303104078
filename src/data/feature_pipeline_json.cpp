// model.json's "pipeline" object, written and read strictly.
#include "data/feature_pipeline_json.h"

#include <tuple>
#include <unordered_set>

#include <fmt/format.h>

#include "common/atomic_file.h"

namespace vgsales {

namespace {

// "range": {"min": 0.0, "max": null}: null for an open side (JSON has no infinity).
void write_target_range(JsonWriter& w, const TargetRange& range) {
  w.Key("range");
  w.StartObject();
  for (const auto& [key, bounded, value] :
       {std::tuple{"min", range.has_min(), range.min}, std::tuple{"max", range.has_max(), range.max}}) {
    w.Key(key);
    if (bounded) w.Double(value);
    else w.Null();
  }
  w.EndObject();
}

// Format 4's target range; a pipeline without one (formats 2 and 3) is unbounded.
Result<TargetRange> read_target_range(const rapidjson::Value& target, const JsonFieldReader& r,
                                      const std::string& path) {
  TargetRange range;
  if (!target.HasMember("range")) return range;
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* object, r.object(target, "range", path));
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* min, r.member(*object, "min", path + ".min"));
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* max, r.member(*object, "max", path + ".max"));
  if (!min->IsNull()) {
    VGSALES_ASSIGN_OR_RETURN(range.min, r.number(*object, "min", path + ".min"));
  }
  if (!max->IsNull()) {
    VGSALES_ASSIGN_OR_RETURN(range.max, r.number(*object, "max", path + ".max"));
  }
  if (!(range.min < range.max)) return r.invalid(path, "its min is not below its max");
  return range;
}

}  // namespace

void write_pipeline_json(JsonWriter& w, const FeaturePipeline& pipeline) {
  w.StartObject();
  w.Key("features");
  w.StartArray();
  for (const auto& f : pipeline.features()) {
    w.StartObject();
    w.Key("name");
    write_json_string(w, f.name);
    w.Key("type");
    w.String(column_type_name(f.type));
    if (f.type == ColumnType::categorical) {
      w.Key("categories");
      write_json_strings(w, f.categories);
      w.Key("rare_categories");
      write_json_strings(w, f.rare_categories);
      w.Key("distinct_values");
      w.Int64(f.distinct_values);
    } else {
      w.Key("min");
      w.Double(f.min);
      w.Key("max");
      w.Double(f.max);
      w.Key("fill_value");
      w.Double(f.fill_value);
      w.Key("missing_indicator");
      w.Bool(f.missing_indicator);
    }
    w.Key("encoded_inputs");
    write_json_strings(w, f.encoded_names());
    w.EndObject();
  }
  w.EndArray();
  w.Key("missing_values");
  write_json_strings(w, pipeline.missing_values().spellings());
  w.Key("dropped_columns");
  w.StartArray();
  for (const auto& [name, why] : pipeline.dropped()) {
    w.StartObject();
    w.Key("name");
    write_json_string(w, name);
    w.Key("reason");
    write_json_string(w, why);
    w.EndObject();
  }
  w.EndArray();
  w.Key("encoded_inputs");
  write_json_strings(w, pipeline.encoded_names());
  w.Key("input_scaling");
  w.StartObject();
  // Inputs enter the network as (x - offset) * scale; the method says how offset and scale were fitted.
  w.Key("method");
  w.String(input_scaling_name(pipeline.scaling().method));
  w.Key("offset");
  write_json_floats(w, pipeline.scaling().input_offset);
  w.Key("scale");
  write_json_floats(w, pipeline.scaling().input_scale);
  w.EndObject();
  w.Key("target");
  w.StartObject();
  w.Key("name");
  write_json_string(w, pipeline.target());
  w.Key("transform");
  w.String(target_transform_name(pipeline.target_transform()));
  w.Key("offset");
  w.Double(pipeline.scaling().target_offset);
  w.Key("scale");
  w.Double(pipeline.scaling().target_scale);
  write_target_range(w, pipeline.target_range());
  w.EndObject();
  w.EndObject();
}

namespace {

Result<FeatureSpec> read_feature(const rapidjson::Value& f, const JsonFieldReader& r, const std::string& path) {
  FeatureSpec spec;
  VGSALES_ASSIGN_OR_RETURN(spec.name, r.string(f, "name", path + ".name"));
  VGSALES_ASSIGN_OR_RETURN(const std::string type, r.string(f, "type", path + ".type"));
  auto parsed_type = parse_column_type(type);
  if (!parsed_type.ok() || *parsed_type == ColumnType::identifier)
    return r.invalid(path + ".type", "'" + type + "' is not numeric, boolean or categorical");
  spec.type = *parsed_type;
  if (spec.type == ColumnType::categorical) {
    VGSALES_ASSIGN_OR_RETURN(spec.categories, r.strings(f, "categories", path + ".categories"));
    VGSALES_ASSIGN_OR_RETURN(spec.rare_categories, r.strings(f, "rare_categories", path + ".rare_categories"));
    VGSALES_ASSIGN_OR_RETURN(spec.distinct_values, r.integer(f, "distinct_values", path + ".distinct_values"));
    std::unordered_set<std::string> seen;
    for (const auto* list : {&spec.categories, &spec.rare_categories})
      for (const auto& category : *list)
        if (!seen.insert(category).second)
          return r.invalid(path + ".categories", "category '" + category + "' is listed twice");
  } else {
    VGSALES_ASSIGN_OR_RETURN(spec.min, r.number(f, "min", path + ".min"));
    VGSALES_ASSIGN_OR_RETURN(spec.max, r.number(f, "max", path + ".max"));
    VGSALES_ASSIGN_OR_RETURN(spec.fill_value, r.number(f, "fill_value", path + ".fill_value"));
    VGSALES_ASSIGN_OR_RETURN(spec.missing_indicator, r.boolean(f, "missing_indicator", path + ".missing_indicator"));
  }
  return spec;
}

}  // namespace

Result<FeaturePipeline> read_pipeline_json(const rapidjson::Value& object, const JsonFieldReader& r,
                                           const std::string& path) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* features, r.member(object, "features", path + ".features"));
  if (!features->IsArray() || features->Empty()) return r.missing(path + ".features", "a non-empty array");
  std::vector<FeatureSpec> specs;
  std::unordered_set<std::string> names;
  for (rapidjson::SizeType i = 0; i < features->Size(); ++i) {
    VGSALES_ASSIGN_OR_RETURN(FeatureSpec spec,
                             read_feature((*features)[i], r, fmt::format("{}.features[{}]", path, i)));
    if (!names.insert(spec.name).second)
      return r.invalid(fmt::format("{}.features[{}].name", path, i), "feature '" + spec.name + "' appears twice");
    specs.push_back(std::move(spec));
  }
  VGSALES_ASSIGN_OR_RETURN(std::vector<std::string> spellings,
                           r.strings(object, "missing_values", path + ".missing_values"));
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* target, r.object(object, "target", path + ".target"));
  VGSALES_ASSIGN_OR_RETURN(std::string target_name, r.string(*target, "name", path + ".target.name"));
  FeaturePipeline pipeline(std::move(specs), std::move(target_name), MissingValueSet(std::move(spellings)));

  VGSALES_ASSIGN_OR_RETURN(const std::string transform, r.string(*target, "transform", path + ".target.transform"));
  if (transform != "none" && transform != "log1p")
    return r.invalid(path + ".target.transform", "'" + transform + "' is not none or log1p");
  pipeline.set_target_transform(transform == "log1p" ? TargetTransform::log1p : TargetTransform::none);
  VGSALES_ASSIGN_OR_RETURN(const TargetRange range, read_target_range(*target, r, path + ".target.range"));
  pipeline.set_target_range(range);

  PipelineScaling scaling;
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* inputs, r.object(object, "input_scaling", path + ".input_scaling"));
  VGSALES_ASSIGN_OR_RETURN(const std::string method, r.string(*inputs, "method", path + ".input_scaling.method"));
  if (method != "standard" && method != "minmax")
    return r.invalid(path + ".input_scaling.method", "'" + method + "' is not standard or minmax");
  scaling.method = method == "standard" ? InputScaling::standard : InputScaling::minmax;
  VGSALES_ASSIGN_OR_RETURN(scaling.input_offset, r.floats(*inputs, "offset", path + ".input_scaling.offset"));
  VGSALES_ASSIGN_OR_RETURN(scaling.input_scale, r.floats(*inputs, "scale", path + ".input_scaling.scale"));
  VGSALES_ASSIGN_OR_RETURN(scaling.target_offset, r.single(*target, "offset", path + ".target.offset"));
  VGSALES_ASSIGN_OR_RETURN(scaling.target_scale, r.single(*target, "scale", path + ".target.scale"));
  if (scaling.target_scale == 0.0f) return r.invalid(path + ".target.scale", "is 0");
  const size_t width = pipeline.encoded_width();
  if (scaling.input_offset.size() != width || scaling.input_scale.size() != width)
    return r.invalid(path + ".input_scaling",
                     fmt::format("has {} offsets and {} scales but the features encode to {} inputs",
                                 scaling.input_offset.size(), scaling.input_scale.size(), width));
  pipeline.set_scaling(std::move(scaling));

  std::vector<std::pair<std::string, std::string>> dropped;
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* dropped_list,
                           r.member(object, "dropped_columns", path + ".dropped_columns"));
  if (!dropped_list->IsArray()) return r.missing(path + ".dropped_columns", "an array");
  for (rapidjson::SizeType i = 0; i < dropped_list->Size(); ++i) {
    const std::string item = fmt::format("{}.dropped_columns[{}]", path, i);
    VGSALES_ASSIGN_OR_RETURN(std::string name, r.string((*dropped_list)[i], "name", item + ".name"));
    VGSALES_ASSIGN_OR_RETURN(std::string reason, r.string((*dropped_list)[i], "reason", item + ".reason"));
    dropped.emplace_back(std::move(name), std::move(reason));
  }
  pipeline.set_dropped(std::move(dropped));
  return pipeline;
}

Result<SchemaFile> read_schema_file(const std::filesystem::path& path) {
  VGSALES_ASSIGN_OR_RETURN(const std::string text, read_file_to_string(path));
  rapidjson::Document doc;
  VGSALES_TRY(parse_json_object(doc, text, path.string()));
  JsonFieldReader r(path.string());
  SchemaFile schema;
  // A model.json holds its features under "pipeline"; a hand-written schema has them at the top.
  const rapidjson::Value* root = &doc;
  if (doc.HasMember("pipeline") && doc["pipeline"].IsObject()) root = &doc["pipeline"];
  if (root->HasMember("target")) {
    const auto& target = (*root)["target"];
    if (target.IsString()) schema.target = target.GetString();
    else if (target.IsObject() && target.HasMember("name") && target["name"].IsString())
      schema.target = target["name"].GetString();
  }
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* features, r.member(*root, "features", "features"));
  if (!features->IsArray()) return r.missing("features", "an array");
  for (rapidjson::SizeType i = 0; i < features->Size(); ++i) {
    const std::string where = fmt::format("features[{}]", i);
    VGSALES_ASSIGN_OR_RETURN(std::string name, r.string((*features)[i], "name", where + ".name"));
    ColumnType type = ColumnType::numeric;
    if ((*features)[i].HasMember("type")) {
      VGSALES_ASSIGN_OR_RETURN(const std::string type_name, r.string((*features)[i], "type", where + ".type"));
      auto parsed = parse_column_type(type_name);
      if (!parsed.ok()) return r.invalid(where + ".type", parsed.error().message);
      type = *parsed;
    }
    schema.types.emplace_back(std::move(name), type);
  }
  if (schema.types.empty()) return make_error(ErrorKind::invalid_data, path.string() + ": no features listed");
  return schema;
}

}  // namespace vgsales
