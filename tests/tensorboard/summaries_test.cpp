// Every summary kind written through an event file and read back through our reader.
#include "tensorboard/summaries.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "event_file_reading.h"
#include "support/test_support.h"
#include "tensorboard/event_file_writer.h"

namespace vgsales::tensorboard {
namespace {

namespace hp = ::tensorboard::hparams;

// Writes `summaries` (one event each, steps 1, 2, ...) to a fresh file and returns the events read back.
std::vector<tensorflow::Event> round_trip(const std::vector<tensorflow::Summary>& summaries) {
  vgsales::testing::TemporaryDirectory directory;
  std::filesystem::path path;
  {
    Result<EventFileWriter> writer = EventFileWriter::create(directory.path());
    EXPECT_TRUE(writer.ok()) << writer.error().message;
    if (!writer.ok()) return {};
    path = writer->path();
    long long step = 1;
    for (const auto& summary : summaries) EXPECT_TRUE(writer->write_summary(summary, step++, 1234.5).ok());
  }
  return testing::read_events(path);
}

tensorflow::Summary one(tensorflow::Summary::Value value) {
  tensorflow::Summary summary;
  *summary.add_value() = std::move(value);
  return summary;
}

TEST(TensorboardSummaries, ScalarIsARankZeroFloatTensorWithMetadataOnlyOnce) {
  const auto events =
      round_trip({one(make_scalar_value("epoch_loss", 0.25)), one(make_scalar_value("epoch_loss", 0.125))});
  ASSERT_EQ(events.size(), 3u);
  const auto& first = events[1].summary().value(0);
  EXPECT_EQ(events[1].step(), 1);
  EXPECT_EQ(first.tag(), "epoch_loss");
  EXPECT_EQ(plugin_name_of(first), "scalars");
  EXPECT_EQ(first.metadata().data_class(), tensorflow::DATA_CLASS_SCALAR);
  EXPECT_EQ(first.tensor().dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(first.tensor().tensor_shape().dim_size(), 0);
  EXPECT_EQ(read_scalar(first), 0.25);
  const auto& second = events[2].summary().value(0);
  EXPECT_FALSE(second.has_metadata());
  EXPECT_EQ(read_scalar(second), 0.125);
  EXPECT_DOUBLE_EQ(events[2].wall_time(), 1234.5);
}

TEST(TensorboardSummaries, HistogramBucketsHaveEqualLengthAndCountEveryValue) {
  const std::vector<float> values = {-1.0f, -0.5f, 0.0f, 0.25f, 0.5f, 1.0f, 1.0f, 3.0f};
  const auto events = round_trip({one(make_histogram_value("layer_1/kernel", values, 4))});
  ASSERT_EQ(events.size(), 2u);
  const auto& histogram = events[1].summary().value(0).histo();
  ASSERT_EQ(histogram.bucket_size(), 4);
  ASSERT_EQ(histogram.bucket_limit_size(), histogram.bucket_size());
  EXPECT_EQ(histogram.min(), -1.0);
  EXPECT_EQ(histogram.max(), 3.0);
  EXPECT_EQ(histogram.num(), 8.0);
  EXPECT_DOUBLE_EQ(histogram.sum(), 4.25);
  EXPECT_DOUBLE_EQ(histogram.sum_squares(), 1 + 0.25 + 0.0625 + 0.25 + 1 + 1 + 9);
  EXPECT_EQ(histogram.bucket_limit(3), 3.0);
  double total = 0;
  for (double count : histogram.bucket()) total += count;
  EXPECT_EQ(total, 8.0);
  // Width 1 from -1: [-1, 0) holds -1 and -0.5; [0, 1) holds 0, 0.25, 0.5; [1, 2) both 1s; the last holds 3.
  EXPECT_EQ(std::vector<double>(histogram.bucket().begin(), histogram.bucket().end()),
            (std::vector<double>{2, 3, 2, 1}));
  EXPECT_EQ(histogram.bucket_limit(0), 0.0);
}

TEST(TensorboardSummaries, ConstantHistogramHasOneBucket) {
  const std::vector<float> zeros(10, 0.0f);
  const auto histogram = make_histogram(zeros);
  ASSERT_EQ(histogram.bucket_size(), 1);
  ASSERT_EQ(histogram.bucket_limit_size(), 1);
  EXPECT_EQ(histogram.bucket(0), 10.0);
  EXPECT_EQ(histogram.bucket_limit(0), 0.0);
}

TEST(TensorboardSummaries, ImageIsWidthHeightAndPngStrings) {
  const auto events = round_trip({one(make_image_value("plot", "\x89PNG fake", 640, 480, "a plot"))});
  const auto& value = events.at(1).summary().value(0);
  EXPECT_EQ(plugin_name_of(value), "images");
  EXPECT_EQ(value.metadata().summary_description(), "a plot");
  EXPECT_EQ(value.tensor().tensor_shape().dim(0).size(), 3);
  EXPECT_EQ(read_strings(value), (std::vector<std::string>{"640", "480", "\x89PNG fake"}));
}

TEST(TensorboardSummaries, TextIsARankZeroStringTensor) {
  const auto events = round_trip({one(make_text_value("model_card", "# Title\n\n| a | b |"))});
  const auto& value = events.at(1).summary().value(0);
  EXPECT_EQ(plugin_name_of(value), "text");
  EXPECT_EQ(value.tensor().dtype(), tensorflow::DT_STRING);
  EXPECT_EQ(value.tensor().tensor_shape().dim_size(), 0);
  EXPECT_EQ(read_strings(value), std::vector<std::string>{"# Title\n\n| a | b |"});
}

TEST(TensorboardSummaries, CustomScalarsLayoutRoundTrips) {
  ::tensorboard::Layout layout;
  auto* chart = layout.add_category()->add_chart();
  chart->set_title("loss");
  chart->mutable_multiline()->add_tag("^epoch_loss$");
  const auto events = round_trip({one(make_custom_scalars_value(layout))});
  const auto& value = events.at(1).summary().value(0);
  EXPECT_EQ(value.tag(), "custom_scalars__config__");
  EXPECT_EQ(plugin_name_of(value), "custom_scalars");
  ASSERT_EQ(read_strings(value).size(), 1u);
  ::tensorboard::Layout back;
  ASSERT_TRUE(back.ParseFromString(read_strings(value)[0]));
  EXPECT_EQ(back.category(0).chart(0).multiline().tag(0), "^epoch_loss$");
}

TEST(TensorboardSummaries, HparamsCarryNullTensorAndVersionZero) {
  const std::vector<std::pair<std::string, HyperparameterValue>> hparams = {{"layers", std::string("50,100,50")},
                                                                            {"learning_rate", 0.001},
                                                                            {"shuffle", true}};
  hp::MetricInfo metric;
  metric.mutable_name()->set_group("test");
  metric.mutable_name()->set_tag("final_rmse");
  tensorflow::Summary summary;
  *summary.add_value() = make_hparams_value(kHparamsExperimentTag, make_hparams_experiment(hparams, {metric}, 10.0));
  *summary.add_value() = make_hparams_value(kHparamsSessionStartTag, make_hparams_session_start(hparams, 10.0));
  const auto events =
      round_trip({summary,
                  one(make_hparams_value(kHparamsSessionEndTag, make_hparams_session_end(hp::STATUS_SUCCESS, 20.0)))});
  ASSERT_EQ(events.size(), 3u);
  for (const auto& value : events[1].summary().value()) {
    EXPECT_EQ(value.tensor().dtype(), tensorflow::DT_FLOAT);
    ASSERT_EQ(value.tensor().tensor_shape().dim_size(), 1);
    EXPECT_EQ(value.tensor().tensor_shape().dim(0).size(), 0);
  }
  hp::HParamsPluginData experiment;
  ASSERT_TRUE(experiment.ParseFromString(events[1].summary().value(0).metadata().plugin_data().content()));
  EXPECT_EQ(experiment.version(), 0);
  ASSERT_EQ(experiment.experiment().hparam_infos_size(), 3);
  EXPECT_EQ(experiment.experiment().hparam_infos(0).type(), hp::DATA_TYPE_STRING);
  EXPECT_EQ(experiment.experiment().hparam_infos(1).type(), hp::DATA_TYPE_FLOAT64);
  EXPECT_EQ(experiment.experiment().hparam_infos(2).type(), hp::DATA_TYPE_BOOL);
  EXPECT_EQ(experiment.experiment().metric_infos(0).name().tag(), "final_rmse");
  hp::HParamsPluginData start;
  ASSERT_TRUE(start.ParseFromString(events[1].summary().value(1).metadata().plugin_data().content()));
  EXPECT_EQ(start.session_start_info().hparams().at("layers").string_value(), "50,100,50");
  EXPECT_EQ(start.session_start_info().hparams().at("learning_rate").number_value(), 0.001);
  EXPECT_TRUE(start.session_start_info().hparams().at("shuffle").bool_value());
  hp::HParamsPluginData end;
  ASSERT_TRUE(end.ParseFromString(events[2].summary().value(0).metadata().plugin_data().content()));
  EXPECT_EQ(end.session_end_info().status(), hp::STATUS_SUCCESS);
  EXPECT_EQ(end.session_end_info().end_time_secs(), 20.0);
}

TEST(TensorboardSummaries, ReadScalarAcceptsLegacyAndTensorContentForms) {
  tensorflow::Summary::Value legacy;
  legacy.set_simple_value(2.5f);
  EXPECT_EQ(read_scalar(legacy), 2.5);
  tensorflow::Summary::Value content;
  content.mutable_tensor()->set_dtype(tensorflow::DT_FLOAT);
  const float v = 4.0f;
  content.mutable_tensor()->set_tensor_content(std::string(reinterpret_cast<const char*>(&v), sizeof v));
  EXPECT_EQ(read_scalar(content), 4.0);
  tensorflow::Summary::Value vector = make_scalar_value("x", 1.0);
  vector.mutable_tensor()->mutable_tensor_shape()->add_dim()->set_size(1);
  EXPECT_FALSE(read_scalar(vector).has_value());
}

}  // namespace
}  // namespace vgsales::tensorboard
