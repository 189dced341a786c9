#pragma once
// Treasury valuation (ksn.md KS1–KS4): reserves at risk-free and market value, circulating
// supply, backing per KSN, excess reserves, stable share and TVL.
#include "engine/protocols/ksn/params.hpp"
#include "engine/protocols/ksn/state.hpp"

namespace stampede::ksn {

struct TreasuryValuation {
  double rfv = 0.0;           // KS1 risk-free value, USD
  double mv = 0.0;            // KS2 market value, USD (KSN side of owned LP excluded)
  double s_circ = 0.0;        // KS3 circulating supply, KSN
  double backing = 0.0;       // KS3 B = MV/S_circ, USD per KSN
  double excess = 0.0;        // KS3 E = RFV − S (1 KSN ≡ 1 USD of RFV, [OHM])
  double stable_share = 0.0;  // KS4 σ_s = q_usd·T_usdc/MV
  double tvl = 0.0;           // KS4 TVL = P·Q + 2·y
};

// KS1: p_c = p_c0·(M_t/M_0)^β_c (certificates follow the market factor).
double certificate_price(double p_c0, double market_factor_ratio, double beta);

// KS1–KS4 from the state; Q = Σ_i (stake_i + bond_rem_i) at the time of valuation (for TVL).
TreasuryValuation value_treasury(const KsnState& s, const KsnTreasuryParams& params, double Q);

// §8 treasury series: RFV of the owned LP, q_usd·2·sqrt(x·y)·T_lp/L; certificate value C·p_c.
double treasury_lp_rfv(const KsnState& s);

}  // namespace stampede::ksn
