// Aggregate swaps in market.md's default order with pro-rata fills.
#include <doctest/doctest.h>

#include <array>

#include "engine/market/clearing.hpp"

using namespace stampede::market;

namespace {
// Closed form of one Uniswap v2 swap, written out independently of the pool.
double out_of(double in, double rin, double rout, double f) {
  return in * (1 - f) * rout / (rin + in * (1 - f));
}
}  // namespace

TEST_CASE("clearing: default order sells, external sells, buys, external buys") {
  ConstantProductPool pool(1e6, 1e6, 0.003);
  StepSwapIntents in;
  in.agent_token_sells = 1000.0;
  in.external_demand = -2000.0;  // quote: −D/p tokens at the spot after the agents' sells
  in.whale_tokens = 500.0;
  in.outside_tokens = 1e9;
  in.agent_quote_buys = 3000.0;
  const StepSwapFills f = clear_default_order(pool, in, 1);

  double x = 1e6, y = 1e6;
  const double q1 = out_of(1000, x, y, 0.003);
  x += 1000, y -= q1;
  const double ext_tokens = 2000.0 / (y / x) + 500.0;
  const double q2 = out_of(ext_tokens, x, y, 0.003);
  x += ext_tokens, y -= q2;
  const double t3 = out_of(3000, y, x, 0.003);
  x -= t3, y += 3000;

  CHECK(f.agent_sell_quote == doctest::Approx(q1).epsilon(1e-13));
  CHECK(f.external_tokens_sold == doctest::Approx(ext_tokens).epsilon(1e-13));
  CHECK(f.external_sell_quote == doctest::Approx(q2).epsilon(1e-13));
  CHECK(f.agent_buy_tokens == doctest::Approx(t3).epsilon(1e-13));
  CHECK(f.external_buy_tokens == 0.0);
  CHECK(pool.token_reserve() == doctest::Approx(x).epsilon(1e-13));
  CHECK(pool.quote_reserve() == doctest::Approx(y).epsilon(1e-13));
}

TEST_CASE("clearing: external sells are capped by the outside holdings; positive demand buys last") {
  ConstantProductPool pool(1e6, 2e6, 0.003);
  StepSwapIntents in;
  in.whale_tokens = 5000.0;
  in.outside_tokens = 1200.0;
  in.external_demand = 0.0;
  StepSwapFills f = clear_default_order(pool, in, 1);
  CHECK(f.external_tokens_sold == 1200.0);
  CHECK(f.external_sell_quote == doctest::Approx(out_of(1200, 1e6, 2e6, 0.003)).epsilon(1e-13));

  ConstantProductPool p2(1e6, 2e6, 0.003);
  StepSwapIntents b;
  b.agent_quote_buys = 1000.0;
  b.external_demand = 4000.0;
  f = clear_default_order(p2, b, 1);
  const double t1 = out_of(1000, 2e6, 1e6, 0.003);
  const double t2 = out_of(4000, 2e6 + 1000, 1e6 - t1, 0.003);
  CHECK(f.agent_buy_tokens == doctest::Approx(t1).epsilon(1e-13));
  CHECK(f.external_quote_spent == 4000.0);
  CHECK(f.external_buy_tokens == doctest::Approx(t2).epsilon(1e-13));
}

TEST_CASE("clearing: execute_in_order and pro-rata fills") {
  ConstantProductPool pool(1e6, 1e6, 0.0);
  const std::array<AggregateSwap, 2> swaps{{{SwapSide::token_in, 1e5}, {SwapSide::quote_in, 5e4}}};
  std::array<double, 2> out{};
  execute_in_order(pool, swaps, 2, out);
  const double q = 1e6 * 1e5 / 1.1e6;  // fee 0: pieces do not matter
  CHECK(out[0] == doctest::Approx(q).epsilon(1e-13));
  CHECK(out[1] == doctest::Approx((1e6 + 1e5) * 5e4 / (1e6 - q + 5e4)).epsilon(1e-13));
  // Agents with inputs 1, 3 of an aggregate of 4 get 1/4 and 3/4 of its output.
  const double r = fill_ratio(4.0, 10.0);
  CHECK(1.0 * r == doctest::Approx(2.5));
  CHECK(3.0 * r == doctest::Approx(7.5));
  CHECK(fill_ratio(0.0, 0.0) == 0.0);
}
