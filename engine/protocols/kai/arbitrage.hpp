#pragma once
// Capital-limited arbitrage back to the peg band (kai.md K18), scalar, last swap of the step.
#include "engine/market/pool.hpp"

namespace stampede::kai {

enum class ArbKind { none, buy_kai, sell_kai };

struct ArbTrade {
  ArbKind kind = ArbKind::none;
  double amount_in = 0.0;   // KUSDT for buy_kai, KAI for sell_kai
  double amount_out = 0.0;  // KAI for buy_kai, KUSDT for sell_kai
};

// K18 with k = x·y, p = y/x (fee on the input), trading the arbitrageur's stocks:
//   p < peg − band: KUSDT in d = min(arb_kusdt, (sqrt(k·(peg − band)) − y)/(1 − fee))
//   p > peg + band: KAI in   q = min(arb_kai,   (sqrt(k/(peg + band)) − x)/(1 − fee))
// The price lands on the band edge p* up to the fee overshoot 1 + fee·d/(y + d·(1 − fee)).
ArbTrade arbitrage(market::ConstantProductPool& pool, double& arb_kai, double& arb_kusdt, double peg,
                   double band);

}  // namespace stampede::kai
