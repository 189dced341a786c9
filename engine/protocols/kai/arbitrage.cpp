#include "engine/protocols/kai/arbitrage.hpp"

namespace stampede::kai {

ArbTrade arbitrage(market::ConstantProductPool& pool, double& arb_kai, double& arb_kusdt, double peg,
                   double band) {
  ArbTrade t;
  const double p = pool.spot();
  if (p < peg - band) {
    const double target = pool.quote_in_to_reach(peg - band);
    const double d = arb_kusdt < target ? arb_kusdt : target;
    if (!(d > 0.0)) return t;
    t = {ArbKind::buy_kai, d, pool.swap_quote_in(d)};
    arb_kusdt -= d;
    arb_kai += t.amount_out;
  } else if (p > peg + band) {
    const double target = pool.token_in_to_reach(peg + band);
    const double q = arb_kai < target ? arb_kai : target;
    if (!(q > 0.0)) return t;
    t = {ArbKind::sell_kai, q, pool.swap_token_in(q)};
    arb_kai -= q;
    arb_kusdt += t.amount_out;
  }
  return t;
}

}  // namespace stampede::kai
