#include "engine/protocols/kai/arbitrage.hpp"

#include <cmath>

#include "engine/market/amm.hpp"

namespace stampede::kai {

ArbTrade plan_arbitrage(double x, double y, double fee, double arb_kai, double arb_kusdt, double peg,
                        double band) noexcept {
  ArbTrade t;
  if (!(x > 0.0) || !(y > 0.0) || !(fee < 1.0)) return t;
  const double k = x * y;
  const double p = y / x;
  if (p < peg - band) {
    const double target = (std::sqrt(k * (peg - band)) - y) / (1.0 - fee);
    const double d = arb_kusdt < target ? arb_kusdt : target;
    if (!(d > 0.0)) return t;
    t = {ArbKind::buy_kai, d, amm::amount_out(d, y, x, fee), d * fee};
  } else if (p > peg + band) {
    const double target = (std::sqrt(k / (peg + band)) - x) / (1.0 - fee);
    const double q = arb_kai < target ? arb_kai : target;
    if (!(q > 0.0)) return t;
    t = {ArbKind::sell_kai, q, amm::amount_out(q, x, y, fee), q * fee * p};
  }
  return t;
}

void apply_arbitrage(KaiState& s, const ArbTrade& t) noexcept {
  if (t.kind == ArbKind::buy_kai) {
    s.y += t.amount_in;
    s.x -= t.amount_out;
    s.arb_kusdt -= t.amount_in;
    s.arb_kai += t.amount_out;
  } else if (t.kind == ArbKind::sell_kai) {
    s.x += t.amount_in;
    s.y -= t.amount_out;
    s.arb_kai -= t.amount_in;
    s.arb_kusdt += t.amount_out;
  }
}

}  // namespace stampede::kai
