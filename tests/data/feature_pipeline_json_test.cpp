// Tests for src/data/feature_pipeline_json.cpp: the pipeline's JSON form in model.json and --schema files.
#include <gtest/gtest.h>

#include <cmath>

#include "data/feature_pipeline.h"
#include "data/feature_pipeline_json.h"
#include "support/test_support.h"
#include "table_fixtures.h"

namespace vgsales {
namespace {

using testing::TemporaryDirectory;
using testing::write_text_file;

using testing::load_text;

TEST(FeaturePipelineJson, RoundTripKeepsEveryPart) {
  TemporaryDirectory dir;
  const Table train = load_text(dir, "p,s,y\n007,1,1\nB,3,2\n007,,3\nB,5,40\n1.10,2,5\n", "train.csv",
                                TableLoadOptions{.text_columns = {"p"}});
  auto fitted = fit_feature_encoding(train, PipelineFitOptions{.target = "y",
                                                               .categorical = {"p"},
                                                               .missing_values = MissingValueSet({"", "?"})});
  ASSERT_TRUE(fitted.ok());
  FeaturePipeline pipeline = *fitted;
  auto encoded = pipeline.encode_table(train);
  ASSERT_TRUE(encoded.ok());
  pipeline.set_target_transform(TargetTransform::log1p);
  const std::vector<float> targets = {1, 2, 3, 40, 5};
  ASSERT_TRUE(fit_scaling(pipeline, *encoded, targets).ok());

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  write_pipeline_json(writer, pipeline);
  rapidjson::Document doc;
  doc.Parse(buffer.GetString());
  ASSERT_FALSE(doc.HasParseError());
  auto read = read_pipeline_json(doc, JsonFieldReader("model.json"), "pipeline");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->encoded_names(), pipeline.encoded_names());
  EXPECT_EQ(read->features()[0].categories, pipeline.features()[0].categories);
  EXPECT_EQ(read->missing_values().spellings(), (std::vector<std::string>{"", "?"}));
  EXPECT_EQ(read->target_transform(), TargetTransform::log1p);
  EXPECT_EQ(read->scaling().input_offset, pipeline.scaling().input_offset);
  EXPECT_EQ(read->scaling().input_scale, pipeline.scaling().input_scale);
  EXPECT_FLOAT_EQ(read->scaling().target_offset, std::log1p(1.0f));
  EXPECT_FLOAT_EQ(read->scale_target(40), 1.0f);
  EXPECT_NEAR(read->unscale_target(read->scale_target(5)), 5.0f, 1e-4);
}

TEST(FeaturePipelineJson, DamagedJsonIsRejectedNamingTheField) {
  rapidjson::Document doc;
  doc.Parse(R"({"features": [{"name": "p", "type": "categorical", "categories": ["a", "a"], "rare_categories": [],
               "distinct_values": 2}], "missing_values": [""], "dropped_columns": [],
               "input_scaling": {"method": "minmax", "offset": [0, 0, 0], "scale": [1, 1, 1]},
               "target": {"name": "y", "transform": "none", "offset": 0, "scale": 1}})");
  ASSERT_FALSE(doc.HasParseError());
  auto read = read_pipeline_json(doc, JsonFieldReader("model.json"), "pipeline");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("pipeline.features[0].categories': category 'a' is listed twice"),
            std::string::npos)
      << read.error().message;
  doc.Parse(R"({"features": [{"name": "s", "type": "numeric", "min": 0, "max": 1, "fill_value": 0.5,
               "missing_indicator": false}], "missing_values": [""], "dropped_columns": [],
               "input_scaling": {"method": "standard", "offset": [0, 0], "scale": [1, 1]},
               "target": {"name": "y", "transform": "none", "offset": 0, "scale": 1}})");
  read = read_pipeline_json(doc, JsonFieldReader("model.json"), "pipeline");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("has 2 offsets and 2 scales but the features encode to 1 inputs"),
            std::string::npos)
      << read.error().message;
}

TEST(FeaturePipelineJson, SchemaFileListsTargetAndColumnTypes) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "schema.json", R"({"target": "sales", "features": [
      {"name": "platform", "type": "categorical"}, {"name": "score"}, {"name": "id", "type": "identifier"},
      {"name": "flag", "type": "boolean"}]})");
  auto schema = read_schema_file(path);
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->target, "sales");
  const std::vector<std::pair<std::string, ColumnType>> expected = {{"platform", ColumnType::categorical},
                                                                    {"score", ColumnType::numeric},  // the default
                                                                    {"id", ColumnType::identifier},
                                                                    {"flag", ColumnType::boolean}};
  EXPECT_EQ(schema->types, expected);
}

TEST(FeaturePipelineJson, SchemaFileReadsAModelJsonPipeline) {
  TemporaryDirectory dir;
  const auto path = write_text_file(dir / "model.json", R"({"format_version": 1, "pipeline": {
      "target": {"name": "y", "transform": "none"}, "features": [{"name": "p", "type": "categorical"}]}})");
  auto schema = read_schema_file(path);
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->target, "y");
  ASSERT_EQ(schema->types.size(), 1u);
  EXPECT_EQ(schema->types[0], (std::pair<std::string, ColumnType>{"p", ColumnType::categorical}));
  // Without a target the schema still gives the types.
  const auto untargeted = write_text_file(dir / "types.json", R"({"features": [{"name": "x"}]})");
  schema = read_schema_file(untargeted);
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->target, "");
}

TEST(FeaturePipelineJson, DamagedSchemaFilesNameTheField) {
  TemporaryDirectory dir;
  auto bad_type = read_schema_file(write_text_file(dir / "a.json",
                                                   R"({"features": [{"name": "x"}, {"name": "y", "type": "text"}]})"));
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.error().message.find("features[1].type"), std::string::npos) << bad_type.error().message;
  EXPECT_NE(bad_type.error().message.find("unknown column type 'text'"), std::string::npos) << bad_type.error().message;
  auto unnamed = read_schema_file(write_text_file(dir / "b.json", R"({"features": [{"type": "numeric"}]})"));
  ASSERT_FALSE(unnamed.ok());
  EXPECT_NE(unnamed.error().message.find("features[0].name"), std::string::npos) << unnamed.error().message;
  auto empty = read_schema_file(write_text_file(dir / "c.json", R"({"features": []})"));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("c.json: no features listed"), std::string::npos) << empty.error().message;
  auto not_json = read_schema_file(write_text_file(dir / "d.json", "features: x"));
  ASSERT_FALSE(not_json.ok());
  EXPECT_NE(not_json.error().message.find("d.json"), std::string::npos) << not_json.error().message;
}

}  // namespace
}  // namespace vgsales
