#include "engine/protocols/kai/initial_state.hpp"

#include <cmath>

#include "engine/protocols/kai/tiers.hpp"

namespace stampede::kai {

double ext_kai_at_start(const KaiParams& p) noexcept {
  const InitialParams& i = p.initial;
  // board_unclaimed starts at 0: initial stakers have claimed everything (kai.md §3).
  return i.kai_supply - i.agent_kai - p.pool.kai - i.treasury_kai - i.team_kai - i.bb_kai -
         p.arbitrageur.capital_kai;
}

KaiState initial_state(const KaiParams& p) {
  const InitialParams& i = p.initial;
  KaiState s;
  s.S = i.kai_supply;
  s.A = i.treasury_kai;
  s.B = i.bkai_supply;
  s.staked = i.board_staked;
  s.skai_supply = i.skai_supply;
  s.team_kai = i.team_kai;
  s.bb_kai = i.bb_kai;
  s.bb_kusdt = i.bb_kusdt;
  s.pool = market::ConstantProductPool(p.pool.kai, p.pool.kusdt, p.pool.fee);  // L_0 = sqrt(x_0·y_0)
  s.L_out = (1.0 - i.agent_lp_share) * s.pool.shares();
  s.arb_kai = p.arbitrageur.capital_kai;
  s.arb_kusdt = p.arbitrageur.capital_kusdt;
  s.ext_kai = ext_kai_at_start(p);
  s.cap_tier = tier(s.S, p.tiers);  // K5: cap_tier starts at tier(S_0)
  s.twap_r = s.pool.spot();          // round 0 uses the initial spot (kai.md §4)
  return s;
}

}  // namespace stampede::kai
