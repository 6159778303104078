// Implementation of the shared test helpers.
#include "support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace vgsales::testing {
namespace fs = std::filesystem;

TemporaryDirectory::TemporaryDirectory() {
  std::random_device device;
  std::ostringstream name;
  name << "vgsales-test-" << ::getpid() << "-" << std::hex << device() << device();
  path_ = fs::temp_directory_path() / name.str();
  fs::create_directories(path_);
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

fs::path write_text_file(const fs::path& path, const std::string& contents) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << contents;
  return path;
}

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

fs::path source_dir() { return fs::path(VGSALES_SOURCE_DIR); }

std::optional<fs::path> shared_data_file(const std::string& name) {
  const fs::path candidate = source_dir().parent_path() / "shared" / "data" / name;
  if (fs::exists(candidate)) return candidate;
  return std::nullopt;
}

fs::path vgsales_binary() { return fs::path(VGSALES_BINARY); }

std::string shell_quote(const std::string& argument) {
  std::string quoted = "'";
  for (char c : argument) {
    if (c == '\'') quoted += "'\\''";
    else quoted += c;
  }
  return quoted + "'";
}

CommandOutput run_command(const std::string& command_line) {
  TemporaryDirectory scratch;
  const fs::path out_file = scratch / "stdout";
  const fs::path err_file = scratch / "stderr";
  const std::string full = command_line + " >" + shell_quote(out_file.string()) + " 2>" +
                           shell_quote(err_file.string()) + " </dev/null";
  const int status = std::system(full.c_str());
  CommandOutput output;
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  output.out = read_text_file(out_file);
  output.err = read_text_file(err_file);
  return output;
}

}  // namespace vgsales::testing
