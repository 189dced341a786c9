#include "engine/protocols/ksn/rebase.hpp"

#include <algorithm>

namespace stampede::ksn {

double surplus_mint(FundingMode mode, double phi, double r_t, double Q, double DCP, double excess) {
  if (mode != FundingMode::dcp_plus_surplus_mint) return 0.0;
  // Mint only the shortfall of the DCP, capped by the allowed share of excess reserves.
  return std::min(std::max(0.0, r_t * Q - DCP), phi * std::max(0.0, excess));
}

RebaseBudget plan_rebase(KsnState& s, const KsnFundingParams& funding, double r_t, double Q, double W,
                         double excess) {
  RebaseBudget b;
  b.r_t = r_t;
  b.mint = surplus_mint(funding.mode, funding.surplus_fraction, r_t, Q, s.DCP, excess);  // KS7
  s.DCP += b.mint;
  s.S += b.mint;
  s.ledger.minted_surplus += b.mint;
  b.R = std::min(r_t * Q, s.DCP);  // KS8
  // (r_t·Q)/Q can round one ulp above r_t; invariant 4 requires r_eff ≤ r_t.
  b.r_eff = Q > 0.0 ? std::min(r_t, b.R / Q) : 0.0;
  b.g = W > 0.0 ? b.R / W : 0.0;
  s.r_t = r_t;
  s.r_eff = b.r_eff;
  s.Q = Q;
  s.W = W;
  return b;
}

void pay_rebase(KsnState& s, double sum_rewards) { s.DCP = std::max(0.0, s.DCP - sum_rewards); }

}  // namespace stampede::ksn
