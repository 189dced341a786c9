#pragma once
// Buyback fund: its mint in expansion rounds (kai.md K9) and its irregular pool trade (K14).
#include "engine/protocols/kai/params.hpp"
#include "engine/protocols/kai/state.hpp"

namespace stampede::kai {

// K9: BB = max(min_share·E, twap_r ≥ threshold ? C·min(max_rate, rate·(twap_r − peg)) : 0).
inline double buyback_mint(double C, double E, double twap_r, double peg, const BuybackParams& p) noexcept {
  const double floor_part = p.min_share * E;
  double premium_part = 0.0;
  if (twap_r >= p.threshold) {
    const double r = p.rate * (twap_r - peg);
    premium_part = C * (r < p.max_rate ? r : p.max_rate);
  }
  return floor_part > premium_part ? floor_part : premium_part;
}

enum class BuybackKind { none, sell_kai, buy_kai };

// K14 intent: sell `amount` KAI for KUSDT, or spend `amount` KUSDT on KAI that is then burned.
struct BuybackIntent {
  BuybackKind kind = BuybackKind::none;
  double amount = 0.0;  // KAI for sell_kai, KUSDT for buy_kai
};

// K14: with probability trade_probability (u_trade uniform in (0,1), stream purpose `protocol`).
BuybackIntent buyback_intent(double twap_r, double bb_kai, double bb_kusdt, const BuybackParams& p,
                             double u_trade) noexcept;

struct SwapFill {
  double amount_in = 0.0;
  double amount_out = 0.0;
};

// Runs the K14 trade as a swap on the state's pool — the first swap of the step, in (c):
// a sale moves bb_kai → pool → bb_kusdt; a buy moves bb_kusdt → pool and burns the KAI bought
// (S −= out, ledger bb_burn).
SwapFill execute_buyback(KaiState& s, const BuybackIntent& intent);

}  // namespace stampede::kai
