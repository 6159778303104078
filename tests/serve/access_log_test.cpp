// Tests of src/serve/access_log: one JSON object per line with every field, the time in RFC 3339 UTC with
// milliseconds, hostile text escaped, lines from many threads never interleaved, and an unopenable file an error.
#include "serve/access_log.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.h"

namespace vgsales::serve {
namespace {

using vgsales::testing::read_text_file;
using vgsales::testing::TemporaryDirectory;

AccessLogEntry sample_entry() {
  AccessLogEntry entry;
  entry.remote = "127.0.0.1:53412";
  entry.method = "POST";
  entry.target = "/v1/models/vgsales:predict";
  entry.status = 200;
  entry.route = "predict";
  entry.request_bytes = 120;
  entry.response_bytes = 33;
  entry.instances = 2;
  entry.duration_ms = 0.25;
  entry.model_version = 3;
  return entry;
}

TEST(ServeAccessLog, OneLineHoldsEveryFieldAsJson) {
  const std::string line = format_access_log_line(sample_entry());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  ASSERT_FALSE(doc.HasParseError()) << line;
  EXPECT_TRUE(std::regex_match(std::string(doc["time"].GetString()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << doc["time"].GetString();
  EXPECT_STREQ(doc["remote"].GetString(), "127.0.0.1:53412");
  EXPECT_STREQ(doc["method"].GetString(), "POST");
  EXPECT_STREQ(doc["target"].GetString(), "/v1/models/vgsales:predict");
  EXPECT_EQ(doc["status"].GetInt(), 200);
  EXPECT_STREQ(doc["route"].GetString(), "predict");
  EXPECT_EQ(doc["request_bytes"].GetUint64(), 120u);
  EXPECT_EQ(doc["response_bytes"].GetUint64(), 33u);
  EXPECT_EQ(doc["instances"].GetUint64(), 2u);
  EXPECT_DOUBLE_EQ(doc["duration_ms"].GetDouble(), 0.25);
  EXPECT_EQ(doc["model_version"].GetInt64(), 3);
}

TEST(ServeAccessLog, HostileTargetsStayOneEscapedString) {
  AccessLogEntry entry = sample_entry();
  const std::string target = "/v1/models/x\"}\n{\"status\": 500\\";
  entry.target = target;
  const std::string line = format_access_log_line(entry);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  ASSERT_FALSE(doc.HasParseError()) << line;
  EXPECT_EQ(std::string(doc["target"].GetString()), target);
  EXPECT_EQ(doc["status"].GetInt(), 200);
}

TEST(ServeAccessLog, ConcurrentWritersNeverInterleaveLines) {
  TemporaryDirectory dir;
  const auto path = dir / "access.log";
  {
    auto log = AccessLog::open(path.string());
    ASSERT_TRUE(log.ok()) << log.error().message;
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
      writers.emplace_back([&log, t] {
        AccessLogEntry entry = sample_entry();
        entry.model_version = t;
        for (int i = 0; i < 250; ++i) (*log)->write(entry);
      });
    for (auto& writer : writers) writer.join();
  }
  std::istringstream lines(read_text_file(path));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << "line " << count + 1 << ": " << line;
    ++count;
  }
  EXPECT_EQ(count, 1000);
}

TEST(ServeAccessLog, AppendsToAnExistingFile) {
  TemporaryDirectory dir;
  const auto path = dir / "access.log";
  for (int run = 0; run < 2; ++run) {
    auto log = AccessLog::open(path.string());
    ASSERT_TRUE(log.ok()) << log.error().message;
    (*log)->write(sample_entry());
  }
  const std::string text = read_text_file(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

TEST(ServeAccessLog, AFileThatCannotBeOpenedIsAnErrorNamingIt) {
  TemporaryDirectory dir;
  const auto path = dir / "no-such-folder" / "access.log";
  const auto log = AccessLog::open(path.string());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().kind, ErrorKind::io);
  EXPECT_NE(log.error().message.find("cannot open access log " + path.string()), std::string::npos)
      << log.error().message;
}

}  // namespace
}  // namespace vgsales::serve
