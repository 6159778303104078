// Fitting, binning and the JSON form of the training profile.
#include "data/training_profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/json_fields.h"

namespace vgsales {

namespace {

constexpr const char* kProfileFormat = "vgsales-training-profile";
constexpr long long kProfileVersion = 1;
constexpr size_t kDecileEdges = 9;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

size_t numeric_bin(const ColumnProfile& column, double value) {
  // The first edge >= value: (edges[i-1], edges[i]] is bin i, and values above the last edge are bin 9.
  return static_cast<size_t>(std::lower_bound(column.edges.begin(), column.edges.end(), value) - column.edges.begin());
}

size_t category_bin(const ColumnProfile& column, std::string_view text) {
  const auto found = std::find(column.categories.begin(), column.categories.end(), text);
  return static_cast<size_t>(found - column.categories.begin());  // == categories.size(): "other"
}

Error bad_cell(const ColumnProfile& column, std::string_view text) {
  return make_error(ErrorKind::invalid_data,
                    fmt::format("column '{}': '{}' is not a number (the column is numeric)", column.name, text));
}

ColumnProfile numeric_profile(const FeatureSpec& feature, const Column& column) {
  ColumnProfile profile{feature.name, ProfileKind::numeric, decile_edges(column.numbers), {}, {}};
  // A column with no value at all keeps nine equal edges at 0, so the bins still exist.
  if (profile.edges.empty()) profile.edges.assign(kDecileEdges, 0.0);
  return profile;
}

Result<void> read_edges(const rapidjson::Value& object, const JsonFieldReader& reader, const std::string& path,
                        ColumnProfile& column) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* edges, reader.member(object, "edges", path + ".edges"));
  if (!edges->IsArray() || edges->Size() != kDecileEdges)
    return reader.invalid(path + ".edges", "must be a list of 9 numbers");
  for (const auto& edge : edges->GetArray()) {
    if (!edge.IsNumber() || !std::isfinite(edge.GetDouble()))
      return reader.invalid(path + ".edges", "holds a value that is not a finite number");
    if (!column.edges.empty() && edge.GetDouble() < column.edges.back())
      return reader.invalid(path + ".edges", "must be in ascending order");
    column.edges.push_back(edge.GetDouble());
  }
  return {};
}

Result<void> read_counts(const rapidjson::Value& object, const JsonFieldReader& reader, const std::string& path,
                         ColumnProfile& column) {
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* counts, reader.member(object, "counts", path + ".counts"));
  if (!counts->IsArray() || counts->Size() != column.bin_count())
    return reader.invalid(path + ".counts",
                          fmt::format("must be a list of {} counts, one per bin", column.bin_count()));
  for (const auto& count : counts->GetArray()) {
    if (!count.IsInt64() || count.GetInt64() < 0)
      return reader.invalid(path + ".counts", "holds a value that is not a count (a whole number >= 0)");
    column.counts.push_back(count.GetInt64());
  }
  return {};
}

Result<ColumnProfile> read_column(const rapidjson::Value& object, const JsonFieldReader& reader,
                                  const std::string& path) {
  if (!object.IsObject()) return reader.missing(path, "an object");
  ColumnProfile column;
  VGSALES_ASSIGN_OR_RETURN(column.name, reader.string(object, "name", path + ".name"));
  VGSALES_ASSIGN_OR_RETURN(const std::string kind, reader.string(object, "kind", path + ".kind"));
  if (kind == profile_kind_name(ProfileKind::numeric)) {
    column.kind = ProfileKind::numeric;
    VGSALES_TRY(read_edges(object, reader, path, column));
  } else if (kind == profile_kind_name(ProfileKind::categorical)) {
    column.kind = ProfileKind::categorical;
    VGSALES_ASSIGN_OR_RETURN(column.categories, reader.strings(object, "categories", path + ".categories"));
  } else {
    return reader.invalid(path + ".kind", "must be \"numeric\" or \"categorical\", not \"" + kind + "\"");
  }
  VGSALES_TRY(read_counts(object, reader, path, column));
  return column;
}

void write_column(JsonWriter& w, const ColumnProfile& column) {
  w.StartObject();
  w.Key("name"), write_json_string(w, column.name);
  w.Key("kind"), w.String(profile_kind_name(column.kind));
  if (column.kind == ProfileKind::numeric) {
    w.Key("edges"), w.StartArray();
    for (double edge : column.edges) w.Double(edge);
    w.EndArray();
  } else {
    w.Key("categories"), write_json_strings(w, column.categories);
  }
  w.Key("counts"), w.StartArray();
  for (long long count : column.counts) w.Int64(count);
  w.EndArray();
  w.EndObject();
}

}  // namespace

const char* profile_kind_name(ProfileKind kind) { return kind == ProfileKind::numeric ? "numeric" : "categorical"; }

size_t ColumnProfile::bin_count() const {
  return kind == ProfileKind::numeric ? edges.size() + 2 : categories.size() + 2;
}

std::vector<std::string> ColumnProfile::bin_labels() const {
  std::vector<std::string> labels;
  if (kind == ProfileKind::categorical) {
    labels = categories;
    labels.emplace_back(kOtherCategory);
  } else {
    for (size_t i = 0; i <= edges.size(); ++i) {
      if (i == 0) labels.push_back(fmt::format("<= {:g}", edges.front()));
      else if (i == edges.size()) labels.push_back(fmt::format("> {:g}", edges.back()));
      else labels.push_back(fmt::format("({:g}, {:g}]", edges[i - 1], edges[i]));
    }
  }
  labels.emplace_back(kMissingCategory);
  return labels;
}

const ColumnProfile* TrainingProfile::find(std::string_view name) const {
  for (const auto& column : columns)
    if (column.name == name) return &column;
  return nullptr;
}

std::vector<double> decile_edges(std::span<const float> values) {
  std::vector<double> sorted;
  for (float v : values)
    if (!std::isnan(v)) sorted.push_back(v);
  if (sorted.empty()) return {};
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges;
  for (size_t k = 1; k <= kDecileEdges; ++k) {
    const double position = static_cast<double>(sorted.size() - 1) * static_cast<double>(k) / 10.0;
    const auto below = static_cast<size_t>(std::floor(position));
    const size_t above = std::min(below + 1, sorted.size() - 1);
    edges.push_back(sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]));
  }
  return edges;
}

Result<size_t> profile_bin(const ColumnProfile& column, const RawCell& cell, const MissingValueSet& missing) {
  if (cell.kind == RawCell::Kind::missing) return column.missing_bin();
  if (column.kind == ProfileKind::categorical) {
    const std::string_view text = trim(cell.text);
    if (cell.kind == RawCell::Kind::text && missing.contains(text)) return column.missing_bin();
    if (cell.kind == RawCell::Kind::number && text.empty())
      return category_bin(column, fmt::format("{:g}", cell.number));
    return category_bin(column, text);
  }
  if (cell.kind == RawCell::Kind::number) {
    return std::isnan(cell.number) ? column.missing_bin() : numeric_bin(column, cell.number);
  }
  double number = 0;
  switch (parse_cell(trim(cell.text), missing, number)) {
    case CellKind::number: return numeric_bin(column, number);
    case CellKind::missing: return column.missing_bin();
    default: return bad_cell(column, cell.text);
  }
}

Result<TrainingProfile> fit_training_profile(const Table& table, const FeaturePipeline& pipeline) {
  TrainingProfile profile;
  profile.rows = static_cast<long long>(table.row_count());
  for (const FeatureSpec& feature : pipeline.features()) {
    const auto index = table.find(feature.name);
    if (!index) return make_error(ErrorKind::invalid_data, table.source + ": no column '" + feature.name + "'");
    const Column& column = table.columns[*index];
    ColumnProfile profiled = feature.type == ColumnType::categorical
                                 ? ColumnProfile{feature.name, ProfileKind::categorical, {}, feature.categories, {}}
                                 : numeric_profile(feature, column);
    profiled.counts.assign(profiled.bin_count(), 0);
    const bool text = profiled.kind == ProfileKind::categorical;
    for (size_t row = 0; row < table.row_count(); ++row) {
      const std::string cell_text = text && !column.is_missing(row) ? column.text_at(row) : std::string();
      const RawCell cell = column.is_missing(row) ? RawCell::missing_value()
                           : text                 ? RawCell::of_text(cell_text)
                                                  : RawCell::of_number(column.numbers[row]);
      VGSALES_ASSIGN_OR_RETURN(const size_t bin, profile_bin(profiled, cell, pipeline.missing_values()));
      ++profiled.counts[bin];
    }
    profile.columns.push_back(std::move(profiled));
  }
  return profile;
}

std::string training_profile_to_json(const TrainingProfile& profile) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  w.StartObject();
  w.Key("format"), w.String(kProfileFormat);
  w.Key("version"), w.Int64(kProfileVersion);
  w.Key("rows"), w.Int64(profile.rows);
  w.Key("columns"), w.StartArray();
  for (const auto& column : profile.columns) write_column(w, column);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString()) + "\n";
}

Result<TrainingProfile> training_profile_from_json(std::string_view text, const std::string& source) {
  rapidjson::Document doc;
  VGSALES_TRY(parse_json_object(doc, std::string(text), source));
  const JsonFieldReader reader(source);
  VGSALES_ASSIGN_OR_RETURN(const std::string format, reader.string(doc, "format", "format"));
  if (format != kProfileFormat) return reader.invalid("format", std::string("must be \"") + kProfileFormat + "\"");
  VGSALES_ASSIGN_OR_RETURN(const long long version, reader.integer(doc, "version", "version"));
  if (version != kProfileVersion)
    return reader.invalid("version", fmt::format("is {}; this vgsales reads version {}", version, kProfileVersion));
  TrainingProfile profile;
  VGSALES_ASSIGN_OR_RETURN(profile.rows, reader.integer(doc, "rows", "rows"));
  if (profile.rows < 0) return reader.invalid("rows", "must be >= 0");
  VGSALES_ASSIGN_OR_RETURN(const rapidjson::Value* columns, reader.member(doc, "columns", "columns"));
  if (!columns->IsArray()) return reader.missing("columns", "a list");
  for (rapidjson::SizeType i = 0; i < columns->Size(); ++i) {
    VGSALES_ASSIGN_OR_RETURN(ColumnProfile column, read_column((*columns)[i], reader, fmt::format("columns[{}]", i)));
    if (profile.find(column.name))
      return reader.invalid(fmt::format("columns[{}].name", i), "repeats the column '" + column.name + "'");
    profile.columns.push_back(std::move(column));
  }
  return profile;
}

}  // namespace vgsales
