#pragma once
// Aggregate swaps of one step in a deterministic order (market.md "Constant-product pools"):
// each aggregate is one swap, or `sub_swaps` equal pieces, and every agent in it receives its
// pro-rata share of the aggregate's output, so all pay the same average price within a step.
#include <cstdint>
#include <span>

#include "engine/market/pool.hpp"

namespace stampede::market {

enum class SwapSide : std::uint8_t { token_in, quote_in };

struct AggregateSwap {
  SwapSide side = SwapSide::token_in;
  double amount = 0.0;  // input, in the input side's units
};

// Executes `swaps` in the given order; outputs[i] = total output of swaps[i].
// Requires outputs.size() >= swaps.size(). For protocols that insert their own flows.
void execute_in_order(ConstantProductPool& pool, std::span<const AggregateSwap> swaps, int sub_swaps,
                      std::span<double> outputs);

// An agent's fill: its share of the aggregate's output, pro rata to its input (0 for an empty
// aggregate). Linear in the agent's input, so the per-agent kernel applies one ratio.
inline double fill_ratio(double aggregate_in, double aggregate_out) noexcept {
  return aggregate_in > 0.0 ? aggregate_out / aggregate_in : 0.0;
}

// The step's intents for the default order.
struct StepSwapIntents {
  double agent_token_sells = 0.0;  // tokens, all agents' sells together
  double external_demand = 0.0;    // D_t in quote (signed: < 0 sells, > 0 buys)
  double whale_tokens = 0.0;       // an active whale_exit piece, tokens (sold with D_t's sells)
  double outside_tokens = 0.0;     // outside holdings available to external sells
  double agent_quote_buys = 0.0;   // quote, all agents' buys together
};

struct StepSwapFills {
  double agent_sell_quote = 0.0;      // quote out of the agents' sell aggregate
  double external_tokens_sold = 0.0;  // tokens the outside sold (−D/p + whale, capped by holdings)
  double external_sell_quote = 0.0;   // quote the outside received
  double agent_buy_tokens = 0.0;      // tokens out of the agents' buy aggregate
  double external_quote_spent = 0.0;  // D_t when positive
  double external_buy_tokens = 0.0;   // tokens bought by the outside (to its holdings)
};

// market.md default order: agent sells, then the external net demand if negative (−D_t/p tokens
// at the spot p of that slot, plus the whale piece, capped by the outside holdings), then agent
// buys, then the external demand if positive. Arbitrage and protocol flows (kai.md K14 first,
// K18 last) are run by the caller before/after.
StepSwapFills clear_default_order(ConstantProductPool& pool, const StepSwapIntents& intents, int sub_swaps);

}  // namespace stampede::market
