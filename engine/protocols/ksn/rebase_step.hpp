#pragma once
// The scalar part of a rebase step on totals (ksn.md §5 phase 4b): valuation of the
// post-settlement state, policy inputs, r_t (KS5), surplus mint (KS7) and budget (KS8).
// The driver then runs the accrue kernel (KS9) with g and calls pay_rebase(Σ Δ_i).
#include "engine/protocols/ksn/history.hpp"
#include "engine/protocols/ksn/params.hpp"
#include "engine/protocols/ksn/rebase.hpp"
#include "engine/protocols/ksn/rebase_policy.hpp"
#include "engine/protocols/ksn/state.hpp"
#include "engine/protocols/ksn/treasury.hpp"

namespace stampede::ksn {

struct RebaseOutcome {
  PolicyInputs inputs;          // what the policy saw
  TreasuryValuation valuation;  // before the mint
  RebaseBudget budget;          // M, R, r_eff, g (state already minted and recorded)
};

// Policy inputs (§5): v from the spot window (vol_ref before any history), g_TVL, κ = W/S_circ,
// runway_days with the previous r_t (§6), P/B, r_{t−1}.
PolicyInputs make_policy_inputs(const KsnState& s, const KsnParams& params,
                                const TreasuryValuation& valuation, double v, double g_tvl, double W);

// Phase 4b: pushes TVL_t into `tvl`, evaluates the policy and plans the rebase.
RebaseOutcome plan_rebase_step(KsnState& s, const KsnParams& params, const RebasePolicy& policy,
                               const SpotVolatility& volatility, TvlGrowth& tvl, std::int64_t dt_seconds,
                               double Q, double W);

// §4: before the first rebase, r_t and r_eff,last are KS5 at the initial state (v = vol_ref,
// g_TVL = 0, κ = W0/S_circ). Sets s.r_t, s.r_eff, s.Q, s.W; returns r_t.
double initialise_rates(KsnState& s, const KsnParams& params, const RebasePolicy& policy, double Q0,
                        double W0);

}  // namespace stampede::ksn
