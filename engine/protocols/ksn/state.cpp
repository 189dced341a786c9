#include "engine/protocols/ksn/state.hpp"

#include <cmath>
#include <stdexcept>

namespace stampede::ksn {

KsnState make_initial_state(const KsnParams& params, std::int64_t dt_seconds) {
  if (dt_seconds <= 0 || params.bond.vesting % dt_seconds != 0)
    throw std::invalid_argument("ksn.bond.vesting must be a positive multiple of dt");
  const KsnInitialParams& in = params.initial;
  KsnState s;
  s.pool = market::ConstantProductPool(in.pool_ksn, in.pool_usdc, params.pool.fee);  // L0 = sqrt(x0·y0)
  s.T_usdc = in.treasury_usdc;
  s.T_lp = in.treasury_lp_share * s.pool.shares();
  s.p_c = params.treasury.cert_price0;
  s.cert_units = in.treasury_cert / params.treasury.cert_price0;  // treasury_cert is in USD at p_c0
  s.DCP = in.dcp;
  s.H_ext = in.external_ksn;
  s.S = in.staked + in.agent_liquid + in.external_ksn + in.dcp + in.pool_ksn;
  s.S0 = s.S;
  s.Q = in.staked;
  s.debt = BondDebt(params.bond.vesting / dt_seconds);
  s.weights = {params.potp.lambda, params.potp.mu, params.potp.nu};
  return s;
}

}  // namespace stampede::ksn
