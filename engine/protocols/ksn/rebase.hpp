#pragma once
// The rebase step on totals (ksn.md §5 phase 4b–4c): surplus mint KS7, budget KS8, and the
// scalar side of the distribution KS9. The per-agent Δ_i = g·m_i·q_i is the accrue kernel's.
#include "engine/protocols/ksn/params.hpp"
#include "engine/protocols/ksn/state.hpp"

namespace stampede::ksn {

struct RebaseBudget {
  double r_t = 0.0;    // target rate (KS5)
  double mint = 0.0;   // KS7 M, minted from excess reserves into the DCP
  double R = 0.0;      // KS8 budget min(r_t·Q, DCP)
  double r_eff = 0.0;  // KS8 R/Q (0 if Q = 0)
  double g = 0.0;      // KS8 R/W: agent i earns g·m_i (0 if W = 0)
};

// KS7 M = [mode = dcp_plus_surplus_mint]·min(max(0, r_t·Q − DCP), φ·max(0, E))
double surplus_mint(FundingMode mode, double phi, double r_t, double Q, double DCP, double excess);

// KS7–KS8 on the state: mints M (DCP += M, S += M, ledger), then computes R, r_eff, g and
// records r_t, r_eff, Q, W in the state. `excess` is E = RFV − S before the mint (KS3).
// Does not pay: the accrue kernel does, then pay_rebase(Σ Δ_i).
RebaseBudget plan_rebase(KsnState& s, const KsnFundingParams& funding, double r_t, double Q, double W,
                         double excess);

// KS9 per position: Δ_i = g·m_i·q_i (the reward compounds into the position it accrued on).
inline double rebase_reward(double g, double m_i, double q_i) { return g * m_i * q_i; }

// KS9 DCP −= Σ_i Δ_i (the kernel's fixed-order reduction, = R to rounding). A rounding excess
// over the DCP leaves it at 0, never negative (§9 invariant 3).
void pay_rebase(KsnState& s, double sum_rewards);

}  // namespace stampede::ksn
