#include "engine/protocols/kai/buyback.hpp"


namespace stampede::kai {

BuybackIntent buyback_intent(double twap_r, double bb_kai, double bb_kusdt, const BuybackParams& p,
                             double u_trade) noexcept {
  BuybackIntent out;
  if (!(u_trade < p.trade_probability)) return out;
  if (twap_r >= p.sell_above) {
    const double q = bb_kai < p.max_sell_per_round ? bb_kai : p.max_sell_per_round;
    if (q > 0.0) out = {BuybackKind::sell_kai, q};
  } else if (twap_r <= p.buy_below) {
    const double avail = (1.0 - p.lp_fraction) * bb_kusdt;
    const double u = avail < p.max_buy_per_round ? avail : p.max_buy_per_round;
    if (u > 0.0) out = {BuybackKind::buy_kai, u};
  }
  return out;
}

SwapFill execute_buyback(KaiState& s, const BuybackIntent& intent) {
  SwapFill f;
  if (intent.kind == BuybackKind::sell_kai) {
    const double q = intent.amount < s.bb_kai ? intent.amount : s.bb_kai;
    if (!(q > 0.0)) return f;
    const double out = s.pool.swap_token_in(q);
    s.bb_kai -= q;
    s.bb_kusdt += out;
    f = {q, out};
  } else if (intent.kind == BuybackKind::buy_kai) {
    const double u = intent.amount < s.bb_kusdt ? intent.amount : s.bb_kusdt;
    if (!(u > 0.0)) return f;
    const double out = s.pool.swap_quote_in(u);
    s.bb_kusdt -= u;
    s.S -= out;  // K14: KAI bought back is burned
    s.ledger.burn(BurnChannel::bb_burn, out);
    f = {u, out};
  }
  return f;
}

}  // namespace stampede::kai
