// A damaged model file under every command that reads it (issue 15): model.json, model.safetensors,
// checkpoint.safetensors and SHA256SUMS, each truncated to half its size or with one bit flipped (a disk or copy
// error), give `predict`, `evaluate`, `export`, `info` and `train --resume` one line `vgsales: error: ...` naming the
// file, exit 1 and no output; a command that does not read the file (only `train --resume` reads the checkpoint)
// still works. `vgsales serve` never serves a damaged version: it serves the highest version that loads, names
// the damaged file in its log, and with nothing loadable it answers 404 until a good version arrives, as TF Serving
// keeps waiting for a model it cannot load yet (tensorflow/serving#1693).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "e2e/fault_test_support.h"

namespace vgsales::testing {
namespace {

const std::vector<std::string> kModelFiles = {"model.json",     "model.safetensors",     "checkpoint.safetensors",
                                              "background.csv", "training_profile.json", "SHA256SUMS"};

enum class Damage { truncated, bit_flipped };

std::string damage_name(Damage damage) { return damage == Damage::truncated ? "truncated" : "bit-flipped"; }

// Truncates `file` to half its size, or flips the lowest bit of one byte: the middle one, or in SHA256SUMS the
// first digit of model.json's checksum (so that every command meets it).
void damage_file(const fs::path& file, Damage damage) {
  std::string bytes = read_text_file(file);
  ASSERT_GT(bytes.size(), 8u) << file;
  if (damage == Damage::truncated) {
    bytes.resize(bytes.size() / 2);
  } else {
    size_t at = bytes.size() / 2;
    if (file.filename() == "SHA256SUMS") {
      const size_t line = bytes.find("  model.json\n");
      ASSERT_NE(line, std::string::npos) << bytes;
      at = bytes.rfind('\n', line) == std::string::npos ? 0 : bytes.rfind('\n', line) + 1;
    }
    bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
  }
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// One line on stderr, ours, naming `file`, and exit code 1 (not a crash, not a usage error).
void expect_one_line_error(const CommandOutput& output, const std::string& file, const std::string& what) {
  EXPECT_EQ(output.exit_code, 1) << what << "\n" << output.err;
  EXPECT_EQ(output.err.rfind("vgsales: error: ", 0), 0u) << what << "\n" << output.err;
  EXPECT_EQ(std::count(output.err.begin(), output.err.end(), '\n'), 1) << what << "\n" << output.err;
  EXPECT_NE(output.err.find(file), std::string::npos) << what << ": the message must name " << file << "\n"
                                                      << output.err;
}

class FaultCorruptModelTest : public ::testing::Test {
 protected:
  // A failed set-up is reported by each test's SetUp as a failure: GoogleTest skips a suite whose SetUpTestSuite
  // failed, and CTest would count those tests as skipped, hiding the failure.
  static void SetUpTestSuite() {
    work_ = new TemporaryDirectory();
    setup_failure_ = new std::string(prepare_suite());
  }
  static std::string prepare_suite() {
    if (!write_synthetic_sales(*work_ / "train.csv", {.rows = 300, .seed = 1}).ok()) return "synthetic data failed";
    const CommandOutput rows = run_command("{ head -n 6 " + q(*work_ / "train.csv") + " | cut -d, -f1-8,10 > " +
                                           q(*work_ / "rows.csv") + "; }");
    if (rows.exit_code != 0) return "rows.csv failed: " + rows.err;
    const CommandOutput trained =
        run_vgsales("train --train " + q(*work_ / "train.csv") +
                    " --target total_earnings --epochs 3 --layers 8,4 --no-logs --quiet --out " + q(*work_ / "model"));
    if (trained.exit_code != 0) return "train failed: " + trained.err;
    const std::set<std::string> files = files_in(*work_ / "model");
    if (files != std::set<std::string>(kModelFiles.begin(), kModelFiles.end())) {
      std::string listed;
      for (const std::string& file : files) listed += " " + file;
      return "the model directory holds" + listed + ", not the files this test damages";
    }
    return "";
  }
  void SetUp() override { ASSERT_TRUE(setup_failure_->empty()) << *setup_failure_; }
  static void TearDownTestSuite() {
    delete work_;
    work_ = nullptr;
    delete setup_failure_;
    setup_failure_ = nullptr;
  }

  // A copy of the trained model with `file` damaged.
  fs::path damaged_copy(const std::string& file, Damage damage) {
    const fs::path copy = scratch_ / (file + "-" + damage_name(damage));
    fs::copy(*work_ / "model", copy, fs::copy_options::recursive);
    damage_file(copy / file, damage);
    return copy;
  }

  // Every command that reads a model directory, on `model`; `out` is where it may write.
  std::vector<std::pair<std::string, std::string>> commands_on(const fs::path& model, const fs::path& out) const {
    const std::string m = " --model " + q(model);
    return {
        {"predict", "predict" + m + " --input " + q(*work_ / "rows.csv")},
        {"evaluate", "evaluate" + m + " --data " + q(*work_ / "train.csv")},
        {"export", "export" + m + " --out " + q(out) + kExportFormatFlags},
        {"info", "info" + m},
        {"explain", "explain" + m + " --input " + q(*work_ / "rows.csv")},
        {"train --resume", "train --resume " + q(model) + " --train " + q(*work_ / "train.csv") +
                               " --target total_earnings --epochs 5 --no-logs --quiet --out " + q(out)},
    };
  }

  static TemporaryDirectory* work_;
  static std::string* setup_failure_;
  TemporaryDirectory scratch_;
};

TemporaryDirectory* FaultCorruptModelTest::work_ = nullptr;
std::string* FaultCorruptModelTest::setup_failure_ = nullptr;

TEST_F(FaultCorruptModelTest, EveryCommandOnTheIntactModelWorks) {
  for (const auto& [name, arguments] : commands_on(*work_ / "model", scratch_ / "out")) {
    fs::remove_all(scratch_ / "out");
    const CommandOutput output = run_vgsales(arguments);
    EXPECT_EQ(output.exit_code, 0) << name << ": " << output.err;
  }
}

TEST_F(FaultCorruptModelTest, EveryCommandNamesTheDamagedFileInOneLine) {
  for (const std::string& file : kModelFiles) {
    for (Damage damage : {Damage::truncated, Damage::bit_flipped}) {
      const fs::path model = damaged_copy(file, damage);
      for (const auto& [name, arguments] : commands_on(model, scratch_ / "out")) {
        fs::remove_all(scratch_ / "out");
        const std::string what = name + " with " + damage_name(damage) + " " + file;
        const CommandOutput output = run_vgsales(arguments);
        if (file == "checkpoint.safetensors" && name != "train --resume") {
          // Only `train --resume` reads the checkpoint: the model itself is whole and serves as ever.
          EXPECT_EQ(output.exit_code, 0) << what << ": " << output.err;
          continue;
        }
        if (file == "training_profile.json" && name != "export") {
          // Only `export` (which copies it) and `monitor` read the profile: the model itself serves as ever.
          EXPECT_EQ(output.exit_code, 0) << what << ": " << output.err;
          continue;
        }
        if (file == "background.csv" && name != "export" && name != "explain") {
          // Only `explain` and `export` (which copies it) read the background rows: predictions are unaffected.
          EXPECT_EQ(output.exit_code, 0) << what << ": " << output.err;
          continue;
        }
        expect_one_line_error(output, file, what);
        EXPECT_FALSE(fs::exists(scratch_ / "out")) << what << ": nothing may be written from a damaged model";
      }
    }
  }
}

// `vgsales serve` on a base path, stopped with SIGTERM when the test ends.
class ServeProcess {
 public:
  ServeProcess(const fs::path& base, const fs::path& log) : log_(log) {
    const std::vector<std::string> arguments = {vgsales_binary().string(),
                                                "serve",
                                                "--model_base_path",
                                                base.string(),
                                                "--model_name",
                                                "vgsales",
                                                "--host",
                                                "127.0.0.1",
                                                "--port",
                                                "0",
                                                "--poll-seconds",
                                                "0.2"};
    std::vector<std::string> text = arguments;
    std::vector<char*> argv;
    for (std::string& word : text) argv.push_back(word.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    // The port, once it listens (it loads the versions it finds first); up to 60 s on a loaded machine.
    const std::regex listening(R"(listening on 127\.0\.0\.1:(\d+))");
    for (int i = 0; i < 600 && pid_ > 0 && port_.empty(); ++i) {
      std::smatch match;
      const std::string text_so_far = read_text_file(log_);
      if (std::regex_search(text_so_far, match, listening)) port_ = match[1];
      else std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~ServeProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  bool listening() const { return !port_.empty(); }
  std::string log() const { return read_text_file(log_); }
  // The HTTP status and body curl gets for GET (or POST with `body`) of `path`.
  std::pair<std::string, std::string> get(const std::string& path, const std::string& body = "") const {
    const std::string data = body.empty() ? ""
                                          : " -H 'Content-Type: application/json' --data-binary " + shell_quote(body);
    const CommandOutput output =
        run_command("curl -sS --max-time 20 -w '\\n%{http_code}'" + data + " http://127.0.0.1:" + port_ + path);
    const size_t end = output.out.rfind('\n');
    if (end == std::string::npos) return {"curl failed: " + output.err, ""};
    return {output.out.substr(end + 1), output.out.substr(0, end)};
  }
  // The version GET /v1/models/vgsales reports, or "" when it reports none.
  std::string served_version() const {
    const auto [status, body] = get("/v1/models/vgsales");
    std::smatch match;
    if (status != "200" || !std::regex_search(body, match, std::regex(R"re("version"\s*:\s*"(\d+)")re"))) return "";
    return match[1];
  }

 private:
  fs::path log_;
  pid_t pid_ = -1;
  std::string port_;
};

TEST_F(FaultCorruptModelTest, ServeStartsOnTheHighestVersionThatLoadsAndNamesTheDamagedFile) {
  for (const std::string file : {"model.json", "model.safetensors", "SHA256SUMS"}) {
    for (Damage damage : {Damage::truncated, Damage::bit_flipped}) {
      const std::string what = damage_name(damage) + " " + file + " in version 2";
      const fs::path base = scratch_ / ("base-" + file + "-" + damage_name(damage));
      fs::create_directories(base);
      fs::copy(*work_ / "model", base / "1", fs::copy_options::recursive);
      fs::rename(damaged_copy(file, damage), base / "2");
      ServeProcess server(base, scratch_ / "serve.log");
      ASSERT_TRUE(server.listening()) << what << ": " << server.log();
      EXPECT_EQ(server.served_version(), "1") << what << ": " << server.log();
      EXPECT_NE(server.log().find("failed to load version 2"), std::string::npos) << what << ": " << server.log();
      EXPECT_NE(server.log().find(file), std::string::npos) << what << ": the log must name the file\n" << server.log();
      // A damaged version 3 arriving while it serves changes nothing either.
      fs::copy(base / "2", scratch_ / "incoming", fs::copy_options::recursive);
      fs::rename(scratch_ / "incoming", base / "3");
      bool logged = false;
      for (int i = 0; i < 600 && !logged; ++i) {  // a poll every 0.2 s; up to 60 s on a loaded machine
        logged = server.log().find("failed to load version 3") != std::string::npos;
        if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      EXPECT_TRUE(logged) << what << ": " << server.log();
      EXPECT_EQ(server.served_version(), "1") << what << ": " << server.log();
      EXPECT_EQ(server.get("/v1/models/vgsales/versions/2").first, "404") << what;
    }
  }
}

TEST_F(FaultCorruptModelTest, ServeWithOnlyADamagedVersionAnswers404UntilAGoodOneArrives) {
  const fs::path base = scratch_ / "base";
  fs::create_directories(base);
  fs::rename(damaged_copy("model.safetensors", Damage::bit_flipped), base / "1");
  ServeProcess server(base, scratch_ / "serve.log");
  ASSERT_TRUE(server.listening()) << server.log();
  EXPECT_NE(server.log().find("model.safetensors: damaged"), std::string::npos) << server.log();
  EXPECT_EQ(server.served_version(), "") << server.log();
  const std::string request = R"({"instances": [[1, 2, 3, 4, 5, 6, 7, 8, 9]]})";
  EXPECT_EQ(server.get("/v1/models/vgsales:predict", request).first, "404") << server.log();
  // A good version 2: served as soon as it is seen.
  fs::copy(*work_ / "model", scratch_ / "incoming", fs::copy_options::recursive);
  fs::rename(scratch_ / "incoming", base / "2");
  std::string version;
  for (int i = 0; i < 600 && version != "2"; ++i) {  // up to 60 s on a loaded machine
    version = server.served_version();
    if (version != "2") std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(version, "2") << server.log();
}

}  // namespace
}  // namespace vgsales::testing
