// Async-signal-safe stop flag.
#include "cli/interrupt.h"

#include <unistd.h>
#include <csignal>

namespace vgsales::cli {

namespace {
std::atomic<bool> stop_requested{false};

void on_signal(int signal_number) {
  if (stop_requested.exchange(true)) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  const char message[] = "\nstopping after this batch and saving the model (Ctrl-C again to abort)\n";
  [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
}
}  // namespace

const std::atomic<bool>* install_stop_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return &stop_requested;
}

}  // namespace vgsales::cli
