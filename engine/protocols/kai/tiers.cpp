#include "engine/protocols/kai/tiers.hpp"

namespace stampede::kai {

double tier(double S, std::span<const Tier> tiers) noexcept {
  if (tiers.empty()) return 0.0;
  double cap = tiers.front().cap;
  for (const Tier& t : tiers) {
    if (t.supply_from <= S) cap = t.cap;
    else break;
  }
  return cap;
}

}  // namespace stampede::kai
