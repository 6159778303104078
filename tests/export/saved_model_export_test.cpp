// Tests for src/export/saved_model_export.cpp: the SavedModel's tag, signature and graph, read back both
// through our generated classes and through protoc --decode, and the frozen graph run in OpenCV.
#include "export/saved_model_export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "common/atomic_file.h"
#include "export/export_test_support.h"
#include "graph/graph_def_message.h"
#include "graph/synthetic_network.h"

namespace vgsales {
namespace {

using testing::make_network_for;
using testing::make_synthetic_network;
using testing::make_synthetic_pipeline;
using testing::with_median_head_and_interval;

std::vector<std::int64_t> dims_of(const tensorflow::TensorShapeProto& shape) {
  std::vector<std::int64_t> dims;
  for (const auto& dim : shape.dim()) dims.push_back(dim.size());
  return dims;
}

TEST(SavedModelExportTest, OneServeMetaGraphWithThePredictSignature) {
  const PortableNetwork network = make_synthetic_network(5, {6});
  const auto saved_model = build_saved_model(network);
  ASSERT_TRUE(saved_model.ok()) << saved_model.error().message;
  EXPECT_EQ(saved_model->saved_model_schema_version(), 1);
  ASSERT_EQ(saved_model->meta_graphs_size(), 1);
  const tensorflow::MetaGraphDef& meta_graph = saved_model->meta_graphs(0);
  ASSERT_EQ(meta_graph.meta_info_def().tags_size(), 1);
  EXPECT_EQ(meta_graph.meta_info_def().tags(0), "serve");
  EXPECT_FALSE(meta_graph.has_saver_def()) << "a frozen graph must not ask the loader to restore variables";
  // A bare network (no feature pipeline): the packed signature, which is also the default.
  ASSERT_EQ(meta_graph.signature_def_size(), 2);
  EXPECT_EQ(serialize_deterministically(meta_graph.signature_def().at("serving_default")),
            serialize_deterministically(meta_graph.signature_def().at("encoded")));
  const tensorflow::SignatureDef& signature = meta_graph.signature_def().at("serving_default");
  EXPECT_EQ(signature.method_name(), "tensorflow/serving/predict");
  ASSERT_EQ(signature.inputs_size(), 1);
  ASSERT_EQ(signature.outputs_size(), 1);
  const tensorflow::TensorInfo& input = signature.inputs().at("input");
  EXPECT_EQ(input.name(), "input:0");
  EXPECT_EQ(input.dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(dims_of(input.tensor_shape()), (std::vector<std::int64_t>{-1, 5}));
  const tensorflow::TensorInfo& output = signature.outputs().at("earnings");
  EXPECT_EQ(output.name(), "earnings:0");
  EXPECT_EQ(output.dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(dims_of(output.tensor_shape()), (std::vector<std::int64_t>{-1, 1}));
  // The tensors the signature names exist in the graph.
  bool has_input = false, has_output = false;
  for (const auto& node : meta_graph.graph_def().node()) {
    has_input |= node.name() == "input" && node.op() == "Placeholder";
    has_output |= node.name() == "earnings" && node.op() == "Identity";
    EXPECT_NE(node.op(), "VariableV2") << "weights must be Const in the served graph";
  }
  EXPECT_TRUE(has_input);
  EXPECT_TRUE(has_output);
}

TEST(SavedModelExportTest, FrozenGraphIsTheSavedModelsGraph) {
  const PortableNetwork network = make_synthetic_network(3, {4, 4});
  const auto files = serialize_tensorflow_export(network);
  ASSERT_TRUE(files.ok()) << files.error().message;
  tensorflow::SavedModel saved_model;
  ASSERT_TRUE(saved_model.ParseFromString(files->saved_model));
  EXPECT_EQ(serialize_deterministically(saved_model.meta_graphs(0).graph_def()), files->frozen_graph);
  const auto graph = serialize_graph_def(network, GraphPurpose::inference);
  ASSERT_TRUE(graph.ok());
  EXPECT_EQ(files->frozen_graph, graph.value());
}

TEST(SavedModelExportTest, ProtocDecodesTheFileWithTheSignature) {
  const PortableNetwork network = make_synthetic_network(7, {3});
  const auto files = serialize_tensorflow_export(network);
  ASSERT_TRUE(files.ok());
  testing::TemporaryDirectory directory;
  ASSERT_TRUE(write_file_atomically(directory / "saved_model.pb", files->saved_model).ok());
  const std::string proto_dir = (testing::source_dir() / "proto").string();
  const testing::CommandOutput decoded = testing::run_command(
      // The subshell keeps our stdin redirect: run_command appends its own </dev/null.
      "(protoc -I" + testing::shell_quote(proto_dir) +
      " --decode tensorflow.SavedModel tensorflow/core/protobuf/saved_model.proto < " +
      testing::shell_quote((directory / "saved_model.pb").string()) + ")");
  ASSERT_EQ(decoded.exit_code, 0) << decoded.err;
  for (const char* expected :
       {"saved_model_schema_version: 1", "tags: \"serve\"", "key: \"serving_default\"",
        "method_name: \"tensorflow/serving/predict\"", "name: \"input:0\"", "name: \"earnings:0\"", "dtype: DT_FLOAT",
        "size: -1", "size: 7", "op: \"Placeholder\"", "op: \"MatMul\"", "op: \"Identity\""}) {
    EXPECT_NE(decoded.out.find(expected), std::string::npos) << "missing " << expected;
  }
  EXPECT_EQ(decoded.out.find("saver_def"), std::string::npos);
  // The whole signature, exactly: one input, one output, their dtypes and shapes, the predict method.
  const std::string signature = R"(  signature_def {
    key: "serving_default"
    value {
      inputs {
        key: "input"
        value {
          name: "input:0"
          dtype: DT_FLOAT
          tensor_shape {
            dim {
              size: -1
            }
            dim {
              size: 7
            }
          }
        }
      }
      outputs {
        key: "earnings"
        value {
          name: "earnings:0"
          dtype: DT_FLOAT
          tensor_shape {
            dim {
              size: -1
            }
            dim {
              size: 1
            }
          }
        }
      }
      method_name: "tensorflow/serving/predict"
    }
  }
)";
  EXPECT_NE(decoded.out.find(signature), std::string::npos) << decoded.out.substr(decoded.out.find("signature_def"));
  EXPECT_NE(decoded.out.find("  meta_info_def {\n    tags: \"serve\"\n  }\n"), std::string::npos);
}

TEST(SavedModelExportTest, OpenCvRunsTheFrozenGraph) {
  for (TargetTransform transform : {TargetTransform::none, TargetTransform::log1p}) {
    const PortableNetwork network = make_synthetic_network(9, {32, 16}, transform, 21);
    const auto files = serialize_tensorflow_export(network);
    ASSERT_TRUE(files.ok());
    testing::TemporaryDirectory directory;
    ASSERT_TRUE(write_file_atomically(directory / "frozen_graph.pb", files->frozen_graph).ok());
    testing::expect_engine_matches_network("opencv-tf", directory / "frozen_graph.pb", network, 25,
                                           "OpenCV TensorFlow importer");
  }
}

std::map<std::string, const tensorflow::NodeDef*> nodes_of(const tensorflow::GraphDef& graph) {
  std::map<std::string, const tensorflow::NodeDef*> nodes;
  for (const auto& node : graph.node()) nodes[node.name()] = &node;
  return nodes;
}

std::vector<std::string> keys_of(const google::protobuf::Map<std::string, tensorflow::TensorInfo>& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(SavedModelExportTest, AModelWithCategoriesServesRawRowsByDefault) {
  const FeaturePipeline pipeline = make_synthetic_pipeline();
  const PortableNetwork network = make_network_for(pipeline, {6});
  const auto saved_model = build_saved_model(network, &pipeline);
  ASSERT_TRUE(saved_model.ok()) << saved_model.error().message;
  const tensorflow::MetaGraphDef& meta_graph = saved_model->meta_graphs(0);
  std::vector<std::string> signatures;
  for (const auto& [key, signature] : meta_graph.signature_def()) signatures.push_back(key);
  std::sort(signatures.begin(), signatures.end());
  EXPECT_EQ(signatures, (std::vector<std::string>{"encoded", "rows", "serving_default"}));
  const tensorflow::SignatureDef& rows = meta_graph.signature_def().at("rows");
  EXPECT_EQ(serialize_deterministically(meta_graph.signature_def().at("serving_default")),
            serialize_deterministically(rows));
  EXPECT_EQ(keys_of(rows.inputs()), (std::vector<std::string>{"Genre", "Platform", "Year", "is_sequel"}));
  EXPECT_EQ(keys_of(rows.outputs()), (std::vector<std::string>{"earnings"}));
  const auto nodes = nodes_of(meta_graph.graph_def());
  for (const auto& [key, info] : rows.inputs()) {
    const std::string node = info.name().substr(0, info.name().find(':'));
    ASSERT_TRUE(nodes.contains(node)) << key;
    EXPECT_EQ(nodes.at(node)->op(), "Placeholder") << key;
    EXPECT_EQ(nodes.at(node)->attr().at("dtype").type(), info.dtype()) << key;
    EXPECT_EQ(info.dtype(), key == "Platform" || key == "Genre" ? tensorflow::DT_STRING : tensorflow::DT_FLOAT) << key;
    EXPECT_EQ(dims_of(info.tensor_shape()), (std::vector<std::int64_t>{-1})) << key;
  }
  const tensorflow::TensorInfo& packed = meta_graph.signature_def().at("encoded").inputs().at("input");
  EXPECT_EQ(packed.name(), "input:0");
  EXPECT_EQ(dims_of(packed.tensor_shape()),
            (std::vector<std::int64_t>{-1, static_cast<std::int64_t>(pipeline.encoded_width())}));
}

TEST(SavedModelExportTest, AnAllNumericModelKeepsThePackedDefaultAndGainsRows) {
  const FeaturePipeline pipeline({FeatureSpec{.name = "critic_rating", .max = 5, .fill_value = 3},
                                  FeatureSpec{.name = "unit_price", .max = 60}},
                                 "total_earnings", MissingValueSet());
  const PortableNetwork network = make_network_for(pipeline, {3});
  const auto saved_model = build_saved_model(network, &pipeline);
  ASSERT_TRUE(saved_model.ok()) << saved_model.error().message;
  const auto& signatures = saved_model->meta_graphs(0).signature_def();
  EXPECT_EQ(serialize_deterministically(signatures.at("serving_default")),
            serialize_deterministically(signatures.at("encoded")));
  EXPECT_EQ(keys_of(signatures.at("serving_default").inputs()), (std::vector<std::string>{"input"}));
  EXPECT_EQ(keys_of(signatures.at("rows").inputs()), (std::vector<std::string>{"critic_rating", "unit_price"}));
  EXPECT_FALSE(signatures.contains("interval"));
}

TEST(SavedModelExportTest, TheIntervalSignatureTakesRawRowsAndGivesEveryEstimate) {
  const FeaturePipeline pipeline = make_synthetic_pipeline();
  const PortableNetwork network =
      with_median_head_and_interval(make_network_for(pipeline, {6}, TargetTransform::log1p));
  const auto files = serialize_tensorflow_export(network, &pipeline);
  ASSERT_TRUE(files.ok()) << files.error().message;
  tensorflow::SavedModel saved_model;
  ASSERT_TRUE(saved_model.ParseFromString(files->saved_model));
  const tensorflow::MetaGraphDef& meta_graph = saved_model.meta_graphs(0);
  const tensorflow::SignatureDef& interval = meta_graph.signature_def().at("interval");
  EXPECT_EQ(keys_of(interval.inputs()), keys_of(meta_graph.signature_def().at("rows").inputs()));
  EXPECT_EQ(keys_of(interval.outputs()),
            (std::vector<std::string>{"earnings", "earnings_lower", "earnings_median", "earnings_upper"}));
  const auto nodes = nodes_of(meta_graph.graph_def());
  for (const auto& [key, info] : interval.outputs()) {
    EXPECT_EQ(info.name(), key + ":0");
    ASSERT_TRUE(nodes.contains(key)) << key;
    EXPECT_EQ(nodes.at(key)->op(), "Identity");
  }
  // The frozen graph is the SavedModel's; the packed one has no string op (OpenCV reads it).
  EXPECT_EQ(files->frozen_graph, serialize_deterministically(meta_graph.graph_def()));
  tensorflow::GraphDef packed;
  ASSERT_TRUE(packed.ParseFromString(files->encoded_frozen_graph));
  for (const auto& node : packed.node()) {
    EXPECT_FALSE(node.name().starts_with("preprocessing")) << node.name();
    EXPECT_NE(node.op(), "PlaceholderWithDefault");
  }
}

TEST(SavedModelExportTest, InvalidNetworkIsAnError) {
  PortableNetwork network = make_synthetic_network(3, {4});
  network.input_offset.clear();
  const auto files = serialize_tensorflow_export(network);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().kind, ErrorKind::invalid_data);
}

}  // namespace
}  // namespace vgsales
