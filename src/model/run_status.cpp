// The run statuses' name table.
#include "model/run_status.h"

namespace vgsales {

std::string run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::completed: return "completed";
    case RunStatus::stopped_early: return "stopped_early";
    case RunStatus::interrupted: return "interrupted";
    case RunStatus::failed: return "failed";
  }
  return "unknown";
}

}  // namespace vgsales
