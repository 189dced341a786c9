#include "engine/market/clearing.hpp"

#include <algorithm>

#include "engine/core/errors.hpp"

namespace stampede::market {

void execute_in_order(ConstantProductPool& pool, std::span<const AggregateSwap> swaps, int sub_swaps,
                      std::span<double> outputs) {
  if (outputs.size() < swaps.size()) throw RuntimeFailure("execute_in_order: outputs too short");
  for (std::size_t i = 0; i < swaps.size(); ++i) {
    const AggregateSwap& s = swaps[i];
    outputs[i] = s.side == SwapSide::token_in ? pool.swap_token_in(s.amount, sub_swaps)
                                              : pool.swap_quote_in(s.amount, sub_swaps);
  }
}

StepSwapFills clear_default_order(ConstantProductPool& pool, const StepSwapIntents& in, int sub_swaps) {
  StepSwapFills f;
  f.agent_sell_quote = pool.swap_token_in(in.agent_token_sells, sub_swaps);

  // External sells: −D/p tokens at this slot's spot, with the whale piece, from the outside holdings.
  double ext_sell = in.whale_tokens;
  if (in.external_demand < 0.0) ext_sell += -in.external_demand / pool.spot();
  f.external_tokens_sold = std::clamp(ext_sell, 0.0, std::max(0.0, in.outside_tokens));
  f.external_sell_quote = pool.swap_token_in(f.external_tokens_sold, sub_swaps);

  f.agent_buy_tokens = pool.swap_quote_in(in.agent_quote_buys, sub_swaps);

  if (in.external_demand > 0.0) {
    f.external_quote_spent = in.external_demand;
    f.external_buy_tokens = pool.swap_quote_in(in.external_demand, sub_swaps);
  }
  return f;
}

}  // namespace stampede::market
