// Tests of src/serve/metrics and src/serve/access_log: the Prometheus text and the JSON lines.
#include "serve/metrics.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "serve/access_log.h"
#include "support/test_support.h"

namespace vgsales::serve {
namespace {

TEST(ServeServerMetricsTest, CountsByRouteAndStatusWithHistograms) {
  ServerMetrics metrics;
  metrics.record_request("predict", 200, 0.0003, 1);
  metrics.record_request("predict", 200, 0.002, 5);
  metrics.record_request("predict", 400, 0.00001, 0);
  metrics.record_request("status", 200, 20.0, 0);
  const std::string text = metrics.render(7);
  EXPECT_NE(text.find("vgsales_http_requests_total{route=\"predict\",code=\"200\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("vgsales_http_requests_total{route=\"predict\",code=\"400\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("vgsales_http_requests_total{route=\"status\",code=\"200\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE vgsales_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find("vgsales_http_request_duration_seconds_bucket{le=\"0.0001\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("vgsales_http_request_duration_seconds_bucket{le=\"0.0005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("vgsales_http_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("vgsales_http_request_duration_seconds_count 4\n"), std::string::npos);
  EXPECT_NE(text.find("vgsales_predict_instances_bucket{le=\"1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("vgsales_predict_instances_bucket{le=\"8\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("vgsales_predict_instances_sum 6\n"), std::string::npos);
  EXPECT_NE(text.find("vgsales_model_version 7\n"), std::string::npos);
}

TEST(ServeAccessLogTest, WritesOneJsonObjectPerLine) {
  ::vgsales::testing::TemporaryDirectory directory;
  const auto path = directory / "access.jsonl";
  {
    auto log = AccessLog::open(path.string());
    ASSERT_TRUE(log.ok()) << log.error().message;
    AccessLogEntry entry;
    entry.remote = "127.0.0.1:5000";
    entry.method = "POST";
    entry.target = "/v1/models/m:predict?x=\"1\"";
    entry.status = 200;
    entry.route = "predict";
    entry.instances = 3;
    entry.duration_ms = 0.25;
    entry.model_version = 2;
    (*log)->write(entry);
    entry.status = 400;
    (*log)->write(entry);
  }
  const std::string text = ::vgsales::testing::read_text_file(path);
  const auto newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  rapidjson::Document doc;
  doc.Parse(text.substr(0, newline).c_str());
  ASSERT_FALSE(doc.HasParseError()) << text;
  EXPECT_STREQ(doc["method"].GetString(), "POST");
  EXPECT_STREQ(doc["target"].GetString(), "/v1/models/m:predict?x=\"1\"");
  EXPECT_EQ(doc["status"].GetInt(), 200);
  EXPECT_EQ(doc["instances"].GetInt(), 3);
  EXPECT_EQ(doc["model_version"].GetInt(), 2);
  EXPECT_EQ(std::string(doc["time"].GetString()).back(), 'Z');
}

TEST(ServeAccessLogTest, UnwritableDestinationIsAnError) {
  auto log = AccessLog::open("/nonexistent-dir/access.jsonl");
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().kind, ErrorKind::io);
}

}  // namespace
}  // namespace vgsales::serve
