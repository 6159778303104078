// An LD_PRELOAD shim for the fault tests: makes rename(2), renameat2(2), fsync(2) and fdatasync(2) fail with EIO,
// as a failing disk would, for paths under $VGSALES_FAIL_UNDER; $VGSALES_FAIL_CALLS lists which calls fail
// (e.g. "rename,fsync"). Everything else goes to the C library untouched. Needs no root, unlike a full tmpfs.
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

bool call_listed(const char* call) {
  const char* calls = std::getenv("VGSALES_FAIL_CALLS");
  if (!calls) return false;
  const std::string list = std::string(",") + calls + ",";
  return list.find(std::string(",") + call + ",") != std::string::npos;
}

bool under_failing_folder(const char* path) {
  const char* folder = std::getenv("VGSALES_FAIL_UNDER");
  return folder && path && std::strncmp(path, folder, std::strlen(folder)) == 0;
}

bool should_fail(const char* call, const char* path) { return call_listed(call) && under_failing_folder(path); }

bool fd_should_fail(const char* call, int fd) {
  if (!call_listed(call)) return false;
  char link[64], target[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t length = ::readlink(link, target, sizeof target - 1);
  if (length <= 0) return false;
  target[length] = '\0';
  return under_failing_folder(target);
}

template <typename Function>
Function real(const char* name) {
  return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int rename(const char* from, const char* to) {
  if (should_fail("rename", to)) {
    errno = EIO;
    return -1;
  }
  static const auto next = real<int (*)(const char*, const char*)>("rename");
  return next(from, to);
}

int renameat2(int from_dir, const char* from, int to_dir, const char* to, unsigned int flags) {
  if (should_fail("renameat2", to)) {
    errno = EIO;
    return -1;
  }
  static const auto next = real<int (*)(int, const char*, int, const char*, unsigned int)>("renameat2");
  return next(from_dir, from, to_dir, to, flags);
}

int fsync(int fd) {
  if (fd_should_fail("fsync", fd)) {
    errno = EIO;
    return -1;
  }
  static const auto next = real<int (*)(int)>("fsync");
  return next(fd);
}

int fdatasync(int fd) {
  if (fd_should_fail("fdatasync", fd)) {
    errno = EIO;
    return -1;
  }
  static const auto next = real<int (*)(int)>("fdatasync");
  return next(fd);
}

}  // extern "C"
