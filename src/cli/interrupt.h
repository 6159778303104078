// Ctrl-C during training: the first one asks the trainer to stop after the current batch and save;
// a second one ends the process at once.
#pragma once

#include <atomic>

namespace vgsales::cli {

// Installs the SIGINT/SIGTERM handler and returns the flag it sets.
const std::atomic<bool>* install_stop_handler();

}  // namespace vgsales::cli
