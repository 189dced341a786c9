#pragma once
// Tiered issuance caps (kai.md K5): tier(S) and the never-increasing ratchet.
#include <span>

#include "engine/protocols/kai/params.hpp"

namespace stampede::kai {

// Cap of the highest tier whose supply bound ≤ S (tiers ascending by supply). Below the first
// bound the first cap applies (the seed table starts at 0, so this only matters for odd tables).
double tier(double S, std::span<const Tier> tiers) noexcept;

// K5 ratchet, every round (contraction rounds too), before the rate: the cap never rises again
// when bonds burn supply back below a tier bound (seed: "will not change to the previous figure").
inline double ratchet(double cap_tier, double S, std::span<const Tier> tiers) noexcept {
  const double t = tier(S, tiers);
  return t < cap_tier ? t : cap_tier;
}

}  // namespace stampede::kai
