#pragma once
// The protocols shipped with stampede.
#include "engine/driver/protocol.hpp"

namespace stampede {

const ProtocolRegistry& builtin_protocols();

}  // namespace stampede
