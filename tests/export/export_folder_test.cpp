// Tests for src/export/export_folder.cpp: version numbering, refusal and overwrite, format selection, and
// that every failure leaves no version folder behind.
#include "export/export_folder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "graph/synthetic_network.h"
#include "support/test_support.h"

namespace vgsales {
namespace {
namespace fs = std::filesystem;

using testing::make_synthetic_network;
using testing::read_text_file;
using testing::TemporaryDirectory;
using testing::write_text_file;

// A stand-in model directory: the exporter copies model.pt and model.json as bytes.
fs::path make_model_dir(const TemporaryDirectory& root) {
  write_text_file(root / "model" / "model.pt", "torchscript archive bytes");
  write_text_file(root / "model" / "model.json", "{\"output_name\": \"earnings\"}");
  return root / "model";
}

ExportRequest request_for(const fs::path& model_dir, const fs::path& base, const std::string& format = "all") {
  ExportRequest request;
  request.model_dir = model_dir;
  request.base = base;
  const auto formats = parse_export_formats(format);
  EXPECT_TRUE(formats.ok());
  if (formats.ok()) request.formats = formats.value();
  return request;
}

std::vector<std::string> listing(const fs::path& folder) {
  std::vector<std::string> names;
  if (!fs::exists(folder)) return names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ExportFolderTest, NewBaseGetsVersionOneWithEveryFile) {
  TemporaryDirectory root;
  const auto summary = export_network(make_synthetic_network(3, {4}), request_for(make_model_dir(root), root / "serving"));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->version, 1);
  EXPECT_EQ(summary->folder, root / "serving" / "1");
  EXPECT_EQ(listing(root / "serving"), (std::vector<std::string>{"1"})) << "no staging folder may remain";
  EXPECT_EQ(listing(summary->folder), (std::vector<std::string>{"frozen_graph.pb", "model.json", "model.onnx",
                                                                "model.pt", "saved_model.pb"}));
  EXPECT_EQ(read_text_file(summary->folder / "model.pt"), "torchscript archive bytes");
  EXPECT_EQ(read_text_file(summary->folder / "model.json"), "{\"output_name\": \"earnings\"}");
  EXPECT_GT(fs::file_size(summary->folder / "saved_model.pb"), fs::file_size(summary->folder / "frozen_graph.pb"));
}

TEST(ExportFolderTest, NextVersionFollowsTheHighestNumericFolder) {
  TemporaryDirectory root;
  const fs::path base = root / "serving";
  EXPECT_EQ(next_export_version(base).value(), 1);
  for (const char* name : {"1", "7", "00012", "latest", "3x", ".13.staging-abc"}) fs::create_directories(base / name);
  write_text_file(base / "40", "a file, not a version");
  EXPECT_EQ(next_export_version(base).value(), 13);
  const auto summary = export_network(make_synthetic_network(2, {}), request_for(make_model_dir(root), base, "onnx"));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->version, 13);
  EXPECT_EQ(listing(base / "13"), (std::vector<std::string>{"model.onnx"}));
}

TEST(ExportFolderTest, ExplicitVersionAndFormatSelection) {
  TemporaryDirectory root;
  ExportRequest request = request_for(make_model_dir(root), root / "serving", "savedmodel");
  request.version = 42;
  const auto summary = export_network(make_synthetic_network(2, {3}), request);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(listing(root / "serving" / "42"), (std::vector<std::string>{"frozen_graph.pb", "saved_model.pb"}));
  request = request_for(make_model_dir(root), root / "serving", "torchscript");
  const auto copies = export_network(make_synthetic_network(2, {3}), request);
  ASSERT_TRUE(copies.ok());
  EXPECT_EQ(copies->version, 43);
  EXPECT_EQ(listing(root / "serving" / "43"), (std::vector<std::string>{"model.json", "model.pt"}));
}

TEST(ExportFolderTest, ExistingVersionIsRefusedUnlessOverwrite) {
  TemporaryDirectory root;
  const fs::path model_dir = make_model_dir(root);
  write_text_file(root / "serving" / "2" / "marker", "old export");
  ExportRequest request = request_for(model_dir, root / "serving", "onnx");
  request.version = 2;
  const auto refused = export_network(make_synthetic_network(2, {}), request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::already_exists);
  EXPECT_NE(refused.error().message.find("--overwrite"), std::string::npos) << refused.error().message;
  EXPECT_EQ(listing(root / "serving" / "2"), (std::vector<std::string>{"marker"}));

  request.overwrite = true;
  const auto replaced = export_network(make_synthetic_network(2, {}), request);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(listing(root / "serving" / "2"), (std::vector<std::string>{"model.onnx"}));
  EXPECT_EQ(listing(root / "serving"), (std::vector<std::string>{"2"}));
}

TEST(ExportFolderTest, MissingModelFileWritesNothing) {
  TemporaryDirectory root;
  const fs::path model_dir = make_model_dir(root);
  fs::remove(model_dir / "model.pt");
  const auto result = export_network(make_synthetic_network(2, {}), request_for(model_dir, root / "serving"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("model.pt"), std::string::npos) << result.error().message;
  EXPECT_TRUE(listing(root / "serving").empty());
}

TEST(ExportFolderTest, InvalidNetworkWritesNothing) {
  TemporaryDirectory root;
  PortableNetwork network = make_synthetic_network(3, {4});
  network.layers[0].bias.pop_back();
  const auto result = export_network(network, request_for(make_model_dir(root), root / "serving"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::invalid_data);
  EXPECT_FALSE(fs::exists(root / "serving"));
}

TEST(ExportFolderTest, UnwritableDestinationIsAnIoError) {
  TemporaryDirectory root;
  write_text_file(root / "not_a_folder", "plain file");
  const auto result =
      export_network(make_synthetic_network(2, {}), request_for(make_model_dir(root), root / "not_a_folder" / "serving"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::io);
  EXPECT_NE(result.error().message.find("not_a_folder"), std::string::npos) << result.error().message;
  EXPECT_EQ(read_text_file(root / "not_a_folder"), "plain file");
}

TEST(ExportFolderTest, UnknownFormatIsAUsageError) {
  const auto formats = parse_export_formats("tflite");
  ASSERT_FALSE(formats.ok());
  EXPECT_EQ(formats.error().kind, ErrorKind::usage);
  EXPECT_NE(formats.error().message.find("tflite"), std::string::npos);
  EXPECT_EQ(parse_export_formats("all").value().size(), 3u);
  for (const std::string& name : export_format_names()) EXPECT_TRUE(parse_export_formats(name).ok()) << name;
}

}  // namespace
}  // namespace vgsales
