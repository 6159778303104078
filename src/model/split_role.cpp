// The split roles' name table.
#include "model/split_role.h"

namespace vgsales {

std::string split_role_name(SplitRole role) {
  switch (role) {
    case SplitRole::train: return "train";
    case SplitRole::validation: return "validation";
    case SplitRole::test: return "test";
  }
  return "unknown";
}

}  // namespace vgsales
