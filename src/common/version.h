// The version of vgsales every artifact and `--version` report; set once, from the project() call in CMakeLists.txt.
#pragma once

namespace vgsales {
inline constexpr const char* kVgsalesVersion = VGSALES_VERSION;
}  // namespace vgsales
