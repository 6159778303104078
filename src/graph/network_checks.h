// Consistency checks on a PortableNetwork before any exporter turns it into a file.
#pragma once

#include "common/result.h"
#include "model/portable_network.h"

namespace vgsales {

// Checks that sizes chain (inputs -> layers -> the mean, and maybe a median head), shifted outputs read a column
// that exists, every weight and scale is finite, and the
// output name is usable as a node / tensor name ([A-Za-z0-9.][A-Za-z0-9_.]* without '/' and not a
// name the graph already uses). Errors name the layer and field.
Result<void> check_portable_network(const PortableNetwork& network);

}  // namespace vgsales
