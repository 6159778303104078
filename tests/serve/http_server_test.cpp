// Tests of src/serve/http_server (and rest_client) in-process: the real Beast server on a loopback port
// with a fake model, checked with curl and with a Beast client.
#include "serve/http_server.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <thread>

#include "serve/fake_predictor.h"
#include "serve/http_test_client.h"
#include "serve/rest_client.h"
#include "serve/running_server.h"
#include "support/test_support.h"

namespace vgsales::serve {
namespace {

namespace fs = std::filesystem;
using testing::HttpReply;
using testing::HttpTestClient;
using testing::RunningServer;
using ::vgsales::testing::run_command;
using ::vgsales::testing::shell_quote;
using ::vgsales::testing::TemporaryDirectory;
using ::vgsales::testing::write_text_file;

struct CurlReply {
  int status = 0;
  std::string body;
};

// curl as the independent client: the status code on the last line of stdout.
CurlReply curl(const std::string& arguments) {
  const auto output = run_command("curl -sS --max-time 20 -w '\\n%{http_code}' " + arguments);
  CurlReply reply;
  const auto newline = output.out.rfind('\n');
  if (output.exit_code != 0 || newline == std::string::npos) return reply;
  reply.status = std::stoi(output.out.substr(newline + 1));
  reply.body = output.out.substr(0, newline);
  return reply;
}

class ServeHttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_fake_version(base_ / "1", 0); }
  TemporaryDirectory base_;
};

TEST_F(ServeHttpServerTest, EveryEndpointOverCurl) {
  RunningServer server(base_.path());
  const std::string url = server.url();
  auto reply = curl(shell_quote(url + "/v1/models/vgsales"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("\"state\": \"AVAILABLE\""), std::string::npos) << reply.body;
  reply = curl(shell_quote(url + "/v1/models/vgsales/versions/1"));
  EXPECT_EQ(reply.status, 200);
  reply = curl(shell_quote(url + "/v1/models/vgsales/metadata"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("serving_default"), std::string::npos);
  reply = curl("-X POST -d '{\"instances\": [[1, 2], [3, 4]]}' " + shell_quote(url + "/v1/models/vgsales:predict"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"predictions": [[3.0], [7.0]]})");
  reply = curl("-X POST -d '{\"inputs\": [[1, 2]]}' " + shell_quote(url + "/v1/models/vgsales/versions/1:predict"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"outputs": [[3.0]]})");
  reply = curl(shell_quote(url + "/health"));
  EXPECT_EQ(reply.status, 200);
  reply = curl("-X POST -d '{\"instances\": [[1, 1]], \"parameters\": {}}' " + shell_quote(url + "/predict"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"predictions": [[2.0]]})");
  reply = curl(shell_quote(url + "/metrics"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("vgsales_http_requests_total{route=\"predict\",code=\"200\"} 2"), std::string::npos)
      << reply.body;
  EXPECT_NE(reply.body.find("vgsales_model_version 1"), std::string::npos);
}

TEST_F(ServeHttpServerTest, ErrorsOverCurl) {
  RunningServer server(base_.path());
  const std::string predict = shell_quote(server.url() + "/v1/models/vgsales:predict");
  EXPECT_EQ(curl("-X POST -d '{nope' " + predict).status, 400);
  EXPECT_EQ(curl("-X POST -d '{\"instances\": [[1]]}' " + predict).status, 400);
  EXPECT_EQ(curl("-X POST -d '{\"instances\": []}' " + predict).status, 400);
  EXPECT_EQ(curl("-X POST -d '{\"instances\": [[\"a\", 1]]}' " + predict).status, 400);
  EXPECT_EQ(curl("-X POST -d '{\"instances\": [{\"critic_rating\": 1}]}' " + predict).status, 400);
  EXPECT_EQ(curl("-X POST -d '{\"instances\": [[1, 2]]}' " + shell_quote(server.url() + "/v1/models/x:predict")).status,
            404);
  EXPECT_EQ(curl(shell_quote(server.url() + "/v1/models/vgsales/versions/7")).status, 404);
  const auto wrong_method = curl(predict);
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_NE(wrong_method.body.find("\"error\""), std::string::npos);
  // The server still answers after all of that.
  EXPECT_EQ(curl(shell_quote(server.url() + "/v1/models/vgsales")).status, 200);
}

TEST_F(ServeHttpServerTest, OversizeBodyIs400AndTheServerLivesOn) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  RunningServer server(base_.path(), options);
  TemporaryDirectory scratch;
  std::string big = "{\"instances\": [";
  while (big.size() < 5000) big += "[1, 2], ";
  big += "[1, 2]]}";
  const auto file = write_text_file(scratch / "big.json", big);
  const auto reply = curl("-X POST --data-binary @" + shell_quote(file.string()) + " " +
                          shell_quote(server.url() + "/v1/models/vgsales:predict"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("exceeds the limit of 1024 bytes"), std::string::npos) << reply.body;
  // Without Expect: 100-continue the client sends the whole body first.
  const auto pushed = curl("-H 'Expect:' -X POST --data-binary @" + shell_quote(file.string()) + " " +
                           shell_quote(server.url() + "/v1/models/vgsales:predict"));
  EXPECT_EQ(pushed.status, 400);
  HttpTestClient client(server.port());
  EXPECT_EQ(client.request("POST", "/v1/models/vgsales:predict", R"({"instances": [[1, 2]]})").status, 200);
}

TEST_F(ServeHttpServerTest, LargeBodyUnderTheLimitWithExpectContinue) {
  RunningServer server(base_.path());
  TemporaryDirectory scratch;
  std::string body = "{\"instances\": [";
  for (int i = 0; i < 5000; ++i) body += "[1, 2], ";
  body += "[1, 2]]}";
  const auto file = write_text_file(scratch / "rows.json", body);
  const auto reply = curl("-X POST --data-binary @" + shell_quote(file.string()) + " " +
                          shell_quote(server.url() + "/v1/models/vgsales:predict"));
  ASSERT_EQ(reply.status, 200);
  rapidjson::Document doc;
  doc.Parse(reply.body.c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["predictions"].Size(), 5001u);
}

TEST_F(ServeHttpServerTest, MalformedHttpGets400) {
  RunningServer server(base_.path());
  const auto output = run_command("{ printf 'BLAH\\r\\n\\r\\n' | curl -sS --max-time 5 telnet://127.0.0.1:" +
                                  std::to_string(server.port()) + "; }");
  EXPECT_NE(output.out.find("400"), std::string::npos) << output.out << output.err;
  HttpTestClient client(server.port());
  EXPECT_EQ(client.request("GET", "/v1/models/vgsales").status, 200);
}

TEST_F(ServeHttpServerTest, HundredsOfKeepAliveConnectionsOnTwoThreads) {
  HttpServerOptions options;
  options.threads = 2;
  RunningServer server(base_.path(), options);
  constexpr int kConnections = 300;
  std::vector<std::unique_ptr<HttpTestClient>> clients;
  for (int i = 0; i < kConnections; ++i) {
    clients.push_back(std::make_unique<HttpTestClient>(server.port()));
    ASSERT_TRUE(clients.back()->connect()) << "connection " << i;
  }
  int ok = 0;
  for (int round = 0; round < 2; ++round) {  // every connection stays open and is reused
    for (auto& client : clients) {
      ok += client->request("POST", "/v1/models/vgsales:predict", R"({"instances": [[1, 2]]})").status == 200;
    }
  }
  EXPECT_EQ(ok, 2 * kConnections);
}

TEST_F(ServeHttpServerTest, ShutdownWaitsForNothingIdleAndReturns) {
  auto server = std::make_unique<RunningServer>(base_.path());
  HttpTestClient idle(server->port());
  ASSERT_TRUE(idle.connect());
  ASSERT_EQ(idle.request("GET", "/v1/models/vgsales").status, 200);
  server->stop();  // returns although `idle` keeps its connection open
  EXPECT_NE(idle.request("GET", "/v1/models/vgsales").status, 200);
}

TEST_F(ServeHttpServerTest, AccessLogHasOneLinePerRequest) {
  TemporaryDirectory scratch;
  const auto log_path = scratch / "access.jsonl";
  {
    RunningServer server(base_.path(), {}, log_path.string());
    HttpTestClient client(server.port());
    EXPECT_EQ(client.request("POST", "/v1/models/vgsales:predict", R"({"instances": [[1, 2], [3, 4]]})").status, 200);
    EXPECT_EQ(client.request("GET", "/v1/models/nope").status, 404);
  }
  const std::string text = ::vgsales::testing::read_text_file(log_path);
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  rapidjson::Document first;
  first.Parse(text.substr(0, text.find('\n')).c_str());
  ASSERT_TRUE(first.IsObject());
  EXPECT_EQ(first["status"].GetInt(), 200);
  EXPECT_EQ(first["instances"].GetInt(), 2);
  EXPECT_STREQ(first["route"].GetString(), "predict");
  EXPECT_NE(text.find("\"status\":404"), std::string::npos);
}

TEST_F(ServeHttpServerTest, RestClientLearnsTheFeaturesAndSendsRowsByNameInBatches) {
  RunningServer server(base_.path());
  auto client = RestClient::open(server.url() + "/");
  ASSERT_TRUE(client.ok()) << client.error().message;
  auto model = client->describe("vgsales");
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_EQ(model->features.size(), 2u);
  EXPECT_EQ(model->features[0].name, "critic_rating");
  EXPECT_TRUE(model->features[0].numeric);
  EXPECT_EQ(model->target_name, "total_earnings");
  std::vector<std::string> texts;
  const int rows = static_cast<int>(kRestClientBatchRows) * 2 + 7;  // three batches
  for (int i = 0; i < rows; ++i) {
    texts.push_back(std::to_string(i));
    texts.push_back(i == 3 ? "NA" : "0.50");
  }
  const std::vector<std::string_view> cells(texts.begin(), texts.end());
  EXPECT_FALSE(model->has_interval);
  auto predicted = client->predict("vgsales", model->features, cells, MissingValueSet());
  ASSERT_TRUE(predicted.ok()) << predicted.error().message;
  const std::vector<float>& values = predicted->values;
  ASSERT_EQ(values.size(), static_cast<std::size_t>(rows));
  EXPECT_FALSE(predicted->has_interval());
  EXPECT_FLOAT_EQ(values[0], 0.5f);
  EXPECT_FLOAT_EQ(values[3], 3.0f);  // "NA" went as null and was imputed
  EXPECT_FLOAT_EQ(values[rows - 1], rows - 1 + 0.5f);
}

TEST_F(ServeHttpServerTest, RestClientReportsTheServersError) {
  RunningServer server(base_.path());
  auto client = RestClient::open(server.url());
  ASSERT_TRUE(client.ok());
  const std::vector<RemoteFeature> features = {{"critic_rating", true}, {"user_rating", true}};
  const std::vector<std::string_view> cells = {"1", "high"};
  auto values = client->predict("vgsales", features, cells, MissingValueSet());
  ASSERT_FALSE(values.ok());
  EXPECT_NE(values.error().message.find("the server answered 400"), std::string::npos) << values.error().message;
  EXPECT_NE(values.error().message.find("value 'high' is not a number"), std::string::npos) << values.error().message;
  const std::vector<std::string_view> good = {"1", "2"};
  auto unknown = client->predict("other", features, good, MissingValueSet());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::not_found);
  auto https = RestClient::open("https://127.0.0.1:1");
  ASSERT_FALSE(https.ok());
  EXPECT_EQ(https.error().kind, ErrorKind::usage);
}

TEST_F(ServeHttpServerTest, HotReloadUnderLoadHasNoFailedRequest) {
  RunningServer server(base_.path());
  server.versions().start_polling(std::chrono::milliseconds(20));
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> requests{0};
  std::atomic<int> saw_version_two{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      HttpTestClient client(server.port());
      for (int i = 0; i < 200000 && !done; ++i) {  // bounded in count; `done` ends it in time
        const HttpReply reply = client.request("POST", "/v1/models/vgsales:predict", R"({"instances": [[1, 2]]})");
        ++requests;
        if (reply.status != 200) ++failures;
        if (reply.body == R"({"predictions": [[103.0]]})") ++saw_version_two;  // version 2 adds 100
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  testing::write_fake_version(base_ / "2.partial", 100);
  fs::rename(base_ / "2.partial", base_ / "2");  // appears atomically
  // Up to 60 s: a loaded or sanitized machine may take a while to poll, load and serve; a quick one ends at once.
  for (int i = 0; i < 6000 && saw_version_two < 50; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  done = true;
  for (auto& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(requests.load(), 50);
  EXPECT_GE(saw_version_two.load(), 50);
  EXPECT_EQ(server.version(), 2);
}

}  // namespace
}  // namespace vgsales::serve
