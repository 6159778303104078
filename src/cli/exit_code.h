// The one place where an error becomes a process exit code.
#pragma once

#include "common/result.h"

namespace vgsales::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;        // data or I/O problem
constexpr int kExitUsage = 2;          // malformed command line
constexpr int kExitDrift = 3;          // `monitor` found a feature drifting (not a failure of the run)
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report Ctrl-C

inline int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::usage: return kExitUsage;
    case ErrorKind::interrupted: return kExitInterrupted;
    case ErrorKind::drift_detected: return kExitDrift;
    default: return kExitFailure;
  }
}

}  // namespace vgsales::cli
