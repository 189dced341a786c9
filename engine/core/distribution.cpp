#include "engine/core/distribution.hpp"

namespace stampede {

const char* to_string(DistKind k) {
  switch (k) {
    case DistKind::constant: return "constant";
    case DistKind::uniform: return "uniform";
    case DistKind::uniform_int: return "uniform_int";
    case DistKind::normal: return "normal";
    case DistKind::lognormal: return "lognormal";
    case DistKind::beta: return "beta";
    case DistKind::pareto: return "pareto";
  }
  return "?";
}

}  // namespace stampede
