#pragma once
// The `kai` protocol as the engine sees it (engine/driver/protocol.hpp).
#include "engine/driver/protocol.hpp"

namespace stampede::kai {

Protocol protocol();

}  // namespace stampede::kai
