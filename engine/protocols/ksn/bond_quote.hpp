#pragma once
// Bond price and sizing (ksn.md KS13–KS14): Olympus v1.1 control factor (1 + BCV·DR) on a
// market-scaled zero-debt price, an RFV floor, per-bond and total-debt caps with pro-rata fill.
#include "engine/protocols/ksn/params.hpp"

namespace stampede::ksn {

struct BondQuote {
  double debt_ratio = 0.0;  // DR = D/S
  double price = 0.0;       // p_b, USDC per KSN
  double discount = 0.0;    // d = 1 − p_b/P̄ (negative if the floor is above the TWAP)
};

// KS13  p_b = max(p_min, P̄·(1 − d0)·(1 + BCV·DR)), d = 1 − p_b/P̄; P̄ = previous closed 1h TWAP.
BondQuote quote_bond(double twap, double D, double S, const KsnBondParams& bond);

// KS14 type: reserve (USDC) if σ_s < σ*, else LP; fixed by type_policy otherwise.
BondType choose_bond_type(double stable_share, const KsnBondParams& bond);

// KS14 per-agent cap u_i ← min(u_i, π_max·S·p_b) (a bond pays at most π_max·S KSN).
double cap_bond_usdc(double u_i, double S, double p_b, const KsnBondParams& bond);

// KS14 pro-rata fill f_b = min(1, max(0, D_max·S − D)/Σe_i), Σe_i = Σ u_i/p_b after the cap
// (1 when Σe = 0). Every u_i ×= f_b; unfilled USDC stays with the agent.
double bond_fill_fraction(double sum_e, double D, double S, const KsnBondParams& bond);

}  // namespace stampede::ksn
