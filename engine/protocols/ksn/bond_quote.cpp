#include "engine/protocols/ksn/bond_quote.hpp"

#include <algorithm>

namespace stampede::ksn {

BondQuote quote_bond(double twap, double D, double S, const KsnBondParams& bond) {
  BondQuote q;
  q.debt_ratio = S > 0.0 ? D / S : 0.0;
  q.price =
      std::max(bond.min_price, twap * (1.0 - bond.zero_debt_discount) * (1.0 + bond.bcv * q.debt_ratio));
  q.discount = 1.0 - q.price / twap;
  return q;
}

BondType choose_bond_type(double stable_share, const KsnBondParams& bond) {
  switch (bond.type_policy) {
    case BondTypePolicy::reserve_only:
      return BondType::reserve;
    case BondTypePolicy::lp_only:
      return BondType::lp;
    case BondTypePolicy::automatic:
      break;
  }
  // Below the stable target the treasury wants USDC; at or above it, protocol-owned liquidity.
  return stable_share < bond.stable_target ? BondType::reserve : BondType::lp;
}

double cap_bond_usdc(double u_i, double S, double p_b, const KsnBondParams& bond) {
  return std::min(u_i, bond.max_payout * S * p_b);
}

double bond_fill_fraction(double sum_e, double D, double S, const KsnBondParams& bond) {
  if (sum_e <= 0.0) return 1.0;
  return std::min(1.0, std::max(0.0, bond.max_debt * S - D) / sum_e);
}

}  // namespace stampede::ksn
