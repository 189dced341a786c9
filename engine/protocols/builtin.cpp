#include "engine/protocols/builtin.hpp"

// The list of shipped protocols, generated from STAMPEDE_PROTOCOLS in CMakeLists.txt.
#include "builtin_protocols.inc"

namespace stampede {

const ProtocolRegistry& builtin_protocols() {
  static const ProtocolRegistry registry = [] {
    ProtocolRegistry r;
    add_builtin_protocols(r);
    return r;
  }();
  return registry;
}

}  // namespace stampede
