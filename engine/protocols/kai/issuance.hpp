#pragma once
// Expansion issuance rate (kai.md K5).
#include <cstdint>

#include "engine/protocols/kai/params.hpp"

namespace stampede::kai {

// K5: the fraction of C minted this expansion round. `cap_tier` is the already-ratcheted cap.
inline double issuance_rate(const KaiParams& p, double twap_r, std::int64_t r, bool debt,
                            double cap_tier) noexcept {
  if (r < p.bootstrap_rounds) return p.bootstrap_rate;
  if (debt) {
    if (p.debt_issuance_mode == DebtIssuanceMode::seed) return p.debt_issuance_rate;
    const double premium = twap_r > p.peg ? twap_r - p.peg : 0.0;
    const double code_rate = p.expansion_factor * premium;
    return code_rate < p.debt_issuance_rate ? code_rate : p.debt_issuance_rate;
  }
  if (p.issuance_mode == IssuanceMode::fixed) return p.fixed_rate;
  const double raw = p.expansion_factor * (twap_r - p.peg);
  return raw < 0.0 ? 0.0 : (raw > cap_tier ? cap_tier : raw);
}

}  // namespace stampede::kai
