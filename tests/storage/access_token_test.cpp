// Access tokens over real HTTP (libcurl) from local stand-ins on 127.0.0.1 (fake_google_auth.py): the metadata
// server's token with its Metadata-Flavor header, and a generated service-account key's JWT, whose RS256 signature
// and claims the fake token endpoint checks with Python's `cryptography`. Also curl's errors: a refused
// connection, a timeout, a cut download, a 401.
#include "storage/access_token.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "common/atomic_file.h"
#include "storage/gcs_client.h"
#include "support/test_support.h"

namespace vgsales::storage {
namespace {

using vgsales::testing::TemporaryDirectory;

// fake_google_auth.py, started for one test and killed after it; the port is the first line it prints.
class FakeGoogleAuth {
 public:
  explicit FakeGoogleAuth(const std::filesystem::path& work) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      const std::string script = (vgsales::testing::source_dir() / "tests/storage/fake_google_auth.py").string();
      execl(VGSALES_SYSTEM_PYTHON, VGSALES_SYSTEM_PYTHON, script.c_str(), work.c_str(), nullptr);
      _exit(127);
    }
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    char line[32] = {};
    if (out != nullptr && std::fgets(line, sizeof line, out) != nullptr) port_ = std::atoi(line);
    if (out != nullptr) std::fclose(out);
  }
  ~FakeGoogleAuth() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url() const { return "http://" + host(); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

bool python_has_cryptography() {
  return vgsales::testing::run_command(std::string(VGSALES_SYSTEM_PYTHON) + " -c 'import cryptography'").exit_code == 0;
}

class StorageAccessToken : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!python_has_cryptography()) GTEST_SKIP() << VGSALES_SYSTEM_PYTHON << " lacks python3-cryptography";
    fake_ = std::make_unique<FakeGoogleAuth>(work_.path());
    ASSERT_GT(fake_->port(), 0) << "fake_google_auth.py did not start";
  }
  std::string stats() {
    HttpRequest request;
    request.url = fake_->url() + "/stats";
    auto response = http_->send(request);
    return response.ok() ? response->body : response.error().message;
  }
  Result<ServiceAccountKey> key(const std::string& name) {
    auto text = read_file_to_string(work_ / name);
    if (!text.ok()) return text.error();
    return parse_service_account_key(*text, name);
  }
  GcsClient client(std::shared_ptr<AccessTokenSource> tokens) {
    return GcsClient(http_, fake_->url(), std::move(tokens), RetryPolicy{1});
  }

  TemporaryDirectory work_;
  std::unique_ptr<FakeGoogleAuth> fake_;
  std::shared_ptr<HttpClient> http_ = make_curl_http_client();
};

TEST_F(StorageAccessToken, TheMetadataServerTokenIsFetchedOnceAndSent) {
  auto tokens = std::make_shared<MetadataServerTokenSource>(http_, fake_->host());
  const GcsClient gcs = client(tokens);
  for (int i = 0; i < 3; ++i) {
    auto listed = gcs.list_objects("b", "models/");
    ASSERT_TRUE(listed.ok()) << listed.error().message;
  }
  EXPECT_NE(stats().find("\"metadata\": 1"), std::string::npos) << stats();  // kept until it nears expiry
}

TEST_F(StorageAccessToken, AServiceAccountKeyIsExchangedForAToken) {
  auto parsed = key("service-account.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->client_email, "vgsales-reader@test-project.iam.gserviceaccount.com");
  const GcsClient gcs = client(std::make_shared<ServiceAccountTokenSource>(http_, *parsed));
  auto listed = gcs.list_objects("b", "models/");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_TRUE(gcs.list_objects("b", "models/").ok());
  EXPECT_NE(stats().find("\"service_account\": 1"), std::string::npos) << stats();
}

TEST_F(StorageAccessToken, ASignatureFromAnotherKeyIsRefusedClearly) {
  auto wrong = key("wrong-key.json");
  ASSERT_TRUE(wrong.ok()) << wrong.error().message;
  const GcsClient gcs = client(std::make_shared<ServiceAccountTokenSource>(http_, *wrong));
  auto listed = gcs.list_objects("b", "models/");
  ASSERT_FALSE(listed.ok());
  const std::string& message = listed.error().message;
  EXPECT_NE(message.find("cannot get an access token from the service-account key of vgsales-reader@"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("HTTP 400: the credentials were refused"), std::string::npos) << message;
  EXPECT_NE(message.find("Invalid JWT Signature"), std::string::npos) << message;
  EXPECT_NE(stats().find("\"refused\": 1"), std::string::npos) << stats();  // refused once, not retried
}

TEST_F(StorageAccessToken, AnAssertionOutsideItsTimeIsRefused) {
  auto parsed = key("service-account.json");
  ASSERT_TRUE(parsed.ok());
  const GcsClient gcs = client(std::make_shared<ServiceAccountTokenSource>(http_, *parsed, [] { return 1000000LL; }));
  auto listed = gcs.list_objects("b", "models/");
  ASSERT_FALSE(listed.ok());
  EXPECT_NE(listed.error().message.find("bad times"), std::string::npos) << listed.error().message;
}

TEST_F(StorageAccessToken, ARequestWithoutATokenIsA401NamingTheObject) {
  const GcsClient gcs = client(nullptr);
  auto listed = gcs.list_objects("b", "models/");
  ASSERT_FALSE(listed.ok());
  EXPECT_NE(listed.error().message.find("listing gs://b/models/: HTTP 401 unauthenticated"), std::string::npos)
      << listed.error().message;
}

TEST_F(StorageAccessToken, CurlReportsTimeoutsCutDownloadsAndRefusedConnections) {
  HttpRequest slow;
  slow.url = fake_->url() + "/slow";
  slow.timeout = std::chrono::milliseconds(300);
  auto timed_out = http_->send(slow);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.error().kind, ErrorKind::io);
  EXPECT_NE(timed_out.error().message.find("/slow: timed out"), std::string::npos) << timed_out.error().message;

  HttpRequest cut;
  cut.url = fake_->url() + "/cut";
  auto interrupted = http_->send(cut);
  ASSERT_FALSE(interrupted.ok());
  EXPECT_NE(interrupted.error().message.find("interrupted download"), std::string::npos) << interrupted.error().message;

  const int closed_port = fake_->port();
  fake_.reset();  // nothing listens there now
  HttpRequest refused;
  refused.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/storage/v1/b/b/o";
  auto no_answer = http_->send(refused);
  ASSERT_FALSE(no_answer.ok());
  EXPECT_NE(no_answer.error().message.find("connection refused"), std::string::npos) << no_answer.error().message;
}

TEST(StorageServiceAccountKey, OtherKeyTypesAndMissingFieldsAreNamed) {
  auto user = parse_service_account_key(R"({"type": "authorized_user", "client_id": "x"})", "adc.json");
  ASSERT_FALSE(user.ok());
  EXPECT_NE(user.error().message.find("adc.json: a key of type 'authorized_user' is not a service-account key"),
            std::string::npos)
      << user.error().message;
  auto partial = parse_service_account_key(R"({"type": "service_account", "client_email": "a@b"})", "key.json");
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.error().message.find("private_key"), std::string::npos) << partial.error().message;
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");  // RFC 4648 section 5's alphabet, no padding
}

}  // namespace
}  // namespace vgsales::storage
