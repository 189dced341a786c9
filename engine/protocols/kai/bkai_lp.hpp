#pragma once
// bKAI-KAI LP earn rate and sKAI emission (kai.md K12–K13). The LP pool itself is not simulated:
// every bKAI holder accrues sKAI through RPS_lp (K23).
#include "engine/protocols/kai/params.hpp"

namespace stampede::kai {

// bKAI below this is dust left by pro-rata redemption and counts as 0 (K13).
inline constexpr double kBkaiDust = 1e-6;

// K12: earn_rate = clamp(slope·B/C + offset, min, max), in %. C ≤ 0 (no circulation) → max.
inline double contraction_earn_rate(double B, double C, const BkaiLpParams& p) noexcept {
  const double raw = C > 0.0 ? p.slope * B / C + p.offset : p.max;
  return raw < p.min ? p.min : (raw > p.max ? p.max : raw);
}

// K13: sKAI emitted to bKAI holders this round (sKAI), given the current earn rate.
inline double skai_lp_emission(double earn_rate, double B, double skai_emission_per_round) noexcept {
  if (!(earn_rate > 0.0) || !(B > kBkaiDust)) return 0.0;
  return skai_emission_per_round * earn_rate / 100.0;
}

}  // namespace stampede::kai
