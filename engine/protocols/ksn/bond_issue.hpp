#pragma once
// Bond issuance on totals (ksn.md KS15, KS17): the treasury takes the filled USDC (reserve bond)
// or zaps it into protocol-owned LP (LP bond), and mints the payouts into linear vesting.
// Every KS15 value is proportional to u_i, so one payout per USDC serves all agents:
// payout_i = payout_per_usdc·u_i (the settle kernel applies it; bond_left_i ← T_v).
#include "engine/protocols/ksn/params.hpp"
#include "engine/protocols/ksn/state.hpp"

namespace stampede::ksn {

// KS15 market and risk-free value of one bond's deposit, USD.
struct BondValue {
  double market = 0.0;  // V_mkt
  double rfv = 0.0;     // V_rfv
};

// KS15 reserve: V_mkt = V_rfv = q_usd·u_i.
inline BondValue reserve_bond_value(double u_i, double q_usd) { return {q_usd * u_i, q_usd * u_i}; }
// KS15 LP: V_mkt = q_usd·2y·ℓ_i/L, V_rfv = q_usd·2·sqrt(x·y)·ℓ_i/L (pool after the zap).
BondValue lp_bond_value(double lp_i, const market::ConstantProductPool& pool, double q_usd);
// KS15 payout_i = min(V_mkt/p_b, V_rfv/p_min, u_i/p_b): never above the USDC paid at p_b
// (so the KS14 caps hold) and never more KSN than the deposit's RFV at the floor price.
double bond_payout(const BondValue& value, double u_i, double p_b, double p_min);

struct BondIssue {
  BondType type = BondType::reserve;
  double usdc = 0.0;             // Σu (filled)
  double lp_minted = 0.0;        // ℓ (LP bonds), added to T_lp
  double payout = 0.0;           // Σ payout, KSN minted (KS17)
  double payout_per_usdc = 0.0;  // payout_i/u_i, the same for every agent of the step
};

// KS15 + KS17 for the step's filled bonds: Σu USDC at price p_b. Updates T_usdc or (pool, T_lp),
// S, D (vintage of this step) and the ledger. Call before BondDebt::end_step (KS18 order).
BondIssue issue_bonds(KsnState& s, double sum_u, double p_b, BondType type, const KsnBondParams& bond);

}  // namespace stampede::ksn
