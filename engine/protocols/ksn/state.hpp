#pragma once
// KSN protocol state (ksn.md §2): the per-path scalars and the ledger that invariant 1–2 of §9
// check. Per-agent arrays live in agents/; histories (spots, TVL, unstakes) in history.hpp and
// observers.hpp.
#include <cstdint>

#include "engine/market/pool.hpp"
#include "engine/protocols/ksn/bond_debt.hpp"
#include "engine/protocols/ksn/params.hpp"

namespace stampede::ksn {


// PoTP weights (KS10), set by the policy (§5 phase 3.6), each in [0, 1].
struct PotpWeights {
  double lambda = 0.0;
  double mu = 0.0;
  double nu = 0.0;
};

// Cumulative flows for §9 invariants 1–2 and the §8 finals (minted_*_cum, burned_cum, ...).
struct KsnLedger {
  double minted_bonds = 0.0;      // KS17 Σ payout
  double minted_surplus = 0.0;    // KS7 Σ M
  double burned_penalties = 0.0;  // KS11 (1 − s_p)·Σ pen
  double burned_sell_tax = 0.0;   // KS12 (1 − s_τ)·Σ tax
  double penalties = 0.0;         // KS11 Σ pen (penalties_cum), DCP share included
  double sell_tax = 0.0;          // KS12 Σ tax
  double usdc_in = 0.0;           // USDC entering the system from outside (external buys)
  double usdc_out = 0.0;          // USDC leaving the system (external sells' proceeds)

  double minted() const { return minted_bonds + minted_surplus; }
  double burned() const { return burned_penalties + burned_sell_tax; }
};

struct KsnState {
  double S = 0.0;       // total supply, KSN
  market::ConstantProductPool pool{1.0, 1.0, 0.0};  // KSN-USDC: x (KSN), y (USDC), L shares
  double H_ext = 0.0;   // KSN held outside the agent population
  double DCP = 0.0;     // Dynamic Collaboration Pool, KSN
  double T_usdc = 0.0;  // treasury USDC
  double T_lp = 0.0;    // treasury-owned LP shares (POL)
  double cert_units = 0.0;  // certificate units C (KS1)
  double p_c = 1.0;     // certificate price, USD (KS1)
  double q_usd = 1.0;   // USD per USDC (reserve_depeg, market.md)
  BondDebt debt;        // D and its vintage ring (KS17–KS18)
  double r_t = 0.0;     // policy target rate of the last rebase (KS5)
  double r_eff = 0.0;   // funded mean rate of the last rebase (KS8)
  PotpWeights weights;  // λ, μ, ν (KS10)
  double Q = 0.0;       // Σ_i stake_i + bond_rem_i (last reduction)
  double W = 0.0;       // Σ_i q_i·m_i (last reduction)
  double S0 = 0.0;      // initial supply (invariant 1)
  KsnLedger ledger;
};

// The §3 initial state: pool (x0, y0, L0 = sqrt(x0·y0)), treasury (USDC, its share of L0,
// certificates at p_c0), DCP, H_ext and S0 = staked + agent_liquid + external + dcp + pool_ksn.
// dt_seconds sizes the debt ring (T_v/dt steps; must divide exactly). D = 0, weights from params.
KsnState make_initial_state(const KsnParams& params, std::int64_t dt_seconds);

}  // namespace stampede::ksn
