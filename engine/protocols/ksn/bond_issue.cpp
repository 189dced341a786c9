#include "engine/protocols/ksn/bond_issue.hpp"

#include <algorithm>
#include <cmath>


namespace stampede::ksn {

BondValue lp_bond_value(double lp_i, const market::ConstantProductPool& pool, double q_usd) {
  const double share = lp_i / pool.shares();
  return {q_usd * 2.0 * pool.quote_reserve() * share, q_usd * 2.0 * std::sqrt(pool.k()) * share};
}

double bond_payout(const BondValue& value, double u_i, double p_b, double p_min) {
  return std::min({value.market / p_b, value.rfv / p_min, u_i / p_b});
}

BondIssue issue_bonds(KsnState& s, double sum_u, double p_b, BondType type, const KsnBondParams& bond) {
  BondIssue out;
  out.type = type;
  out.usdc = sum_u;
  if (sum_u <= 0.0) return out;
  BondValue value;
  if (type == BondType::reserve) {
    s.T_usdc += sum_u;
    value = reserve_bond_value(sum_u, s.q_usd);
  } else {
    const market::Zap z = s.pool.zap_quote(sum_u);  // KS16
    s.T_lp += z.added.shares;
    out.lp_minted = z.added.shares;
    value = lp_bond_value(z.added.shares, s.pool, s.q_usd);  // pool values after the zap
  }
  out.payout = bond_payout(value, sum_u, p_b, bond.min_price);
  out.payout_per_usdc = out.payout / sum_u;
  // KS17  S += Σ payout;  D += Σ payout (this step's vintage)
  s.S += out.payout;
  s.debt.deposit(out.payout);
  s.ledger.minted_bonds += out.payout;
  return out;
}

}  // namespace stampede::ksn
