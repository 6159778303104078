// The feature pipeline's JSON form: model.json's "pipeline" object, and the column types of a --schema file.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "common/json_fields.h"
#include "data/feature_pipeline.h"

namespace vgsales {

// Writes the pipeline as one JSON object (features with their encodings, missing-value spellings, dropped
// columns, the encoded input names, input scaling and the target's transform and scaling).
void write_pipeline_json(JsonWriter& writer, const FeaturePipeline& pipeline);

// Reads the object write_pipeline_json wrote; checks every field and that the parts agree (scaling width,
// category lists). Errors name the source and the field path under `path`.
Result<FeaturePipeline> read_pipeline_json(const rapidjson::Value& object, const JsonFieldReader& reader,
                                           const std::string& path);

// A --schema file: {"target": ..., "features": [{"name": ..., "type": ...}, ...]}; a model.json works too (its
// pipeline's features). Returns the target named there ("" if none) and the column types in order.
struct SchemaFile {
  std::string target;
  std::vector<std::pair<std::string, ColumnType>> types;
};
Result<SchemaFile> read_schema_file(const std::filesystem::path& path);

}  // namespace vgsales
