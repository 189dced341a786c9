#include "engine/protocols/ksn/rebase_step.hpp"

#include "engine/protocols/ksn/observers.hpp"

namespace stampede::ksn {

PolicyInputs make_policy_inputs(const KsnState& s, const KsnParams& params,
                                const TreasuryValuation& valuation, double v, double g_tvl, double W) {
  PolicyInputs in;
  in.v = v;
  in.g_tvl = g_tvl;
  in.kappa = valuation.s_circ > 0.0 ? W / valuation.s_circ : 0.0;  // κ = W/S_circ
  in.runway_days =
      runway_days(s.DCP, valuation.excess, params.funding.mode == FundingMode::dcp_plus_surplus_mint,
                  params.funding.surplus_fraction, s.r_t, s.Q, params.rebase.period);
  in.premium = s.pool.spot() / valuation.backing;
  in.r_prev = s.r_t;
  return in;
}

RebaseOutcome plan_rebase_step(KsnState& s, const KsnParams& params, const RebasePolicy& policy,
                               const SpotVolatility& volatility, TvlGrowth& tvl, std::int64_t dt_seconds,
                               double Q, double W) {
  RebaseOutcome out;
  out.valuation = value_treasury(s, params.treasury, Q);
  tvl.push(out.valuation.tvl);
  out.inputs = make_policy_inputs(s, params, out.valuation,
                                  volatility.value(params.policy.vol_ref, dt_seconds), tvl.growth(), W);
  const double r_t = policy.rate(out.inputs);
  out.budget = plan_rebase(s, params.funding, r_t, Q, W, out.valuation.excess);
  return out;
}

double initialise_rates(KsnState& s, const KsnParams& params, const RebasePolicy& policy, double Q0,
                        double W0) {
  const TreasuryValuation valuation = value_treasury(s, params.treasury, Q0);
  s.Q = Q0;
  s.W = W0;
  const PolicyInputs in = make_policy_inputs(s, params, valuation, params.policy.vol_ref, 0.0, W0);
  s.r_t = policy.rate(in);
  s.r_eff = s.r_t;
  return s.r_t;
}

}  // namespace stampede::ksn
