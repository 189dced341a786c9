#pragma once
// The `ksn` protocol as the engine sees it (engine/driver/protocol.hpp).
#include "engine/driver/protocol.hpp"

namespace stampede::ksn {

Protocol protocol();

}  // namespace stampede::ksn
