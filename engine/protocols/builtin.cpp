#include "engine/protocols/builtin.hpp"

#include "engine/protocols/kai/model.hpp"
#include "engine/protocols/ksn/model.hpp"

namespace stampede {

const ProtocolRegistry& builtin_protocols() {
  static const ProtocolRegistry registry = [] {
    ProtocolRegistry r;
    r.add(kai::protocol());
    r.add(ksn::protocol());
    return r;
  }();
  return registry;
}

}  // namespace stampede
