#include "engine/protocols/ksn/treasury.hpp"

#include <cmath>
#include <limits>

namespace stampede::ksn {

double certificate_price(double p_c0, double market_factor_ratio, double beta) {
  return p_c0 * std::pow(market_factor_ratio, beta);  // KS1
}

double treasury_lp_rfv(const KsnState& s) {
  const auto& p = s.pool;
  return p.shares() > 0.0 ? s.q_usd * 2.0 * std::sqrt(p.k()) * s.T_lp / p.shares() : 0.0;
}

TreasuryValuation value_treasury(const KsnState& s, const KsnTreasuryParams& params, double Q) {
  const auto& p = s.pool;
  const double lp_share = p.shares() > 0.0 ? s.T_lp / p.shares() : 0.0;
  const double cert = s.cert_units * s.p_c;
  TreasuryValuation v;
  // KS1  RFV = q_usd·[T_usdc + 2·sqrt(x·y)·T_lp/L] + (1 − h)·C·p_c
  v.rfv = s.q_usd * (s.T_usdc + 2.0 * std::sqrt(p.k()) * lp_share) + (1.0 - params.cert_haircut) * cert;
  // KS2  MV = q_usd·[T_usdc + y·T_lp/L] + C·p_c
  v.mv = s.q_usd * (s.T_usdc + p.quote_reserve() * lp_share) + cert;
  // KS3  S_circ = S − x·T_lp/L − DCP;  B = MV/S_circ;  E = RFV − S
  v.s_circ = s.S - p.token_reserve() * lp_share - s.DCP;
  v.backing = v.s_circ > 0.0 ? v.mv / v.s_circ : std::numeric_limits<double>::infinity();
  v.excess = v.rfv - s.S;
  // KS4  σ_s = q_usd·T_usdc/MV;  TVL = P·Q + 2·y
  v.stable_share = v.mv > 0.0 ? s.q_usd * s.T_usdc / v.mv : 0.0;
  v.tvl = p.spot() * Q + 2.0 * p.quote_reserve();
  return v;
}

}  // namespace stampede::ksn
