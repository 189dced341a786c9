// Market mechanisms, scalar per path (performance.md "What the benchmarks must include"):
// one AMM swap and one TWAP update, in ns per call; plus one step of the exogenous processes.
#include <benchmark/benchmark.h>

#include "engine/market/exogenous.hpp"
#include "engine/market/pool.hpp"
#include "engine/market/twap.hpp"

namespace {

using namespace stampede::market;

// Alternating buy and sell of the same size keeps the pool near its start over any run length.
void BM_AmmSwap(benchmark::State& state) {
  ConstantProductPool pool(3e6, 3e6, 0.003);
  double amount = 1000.0;
  bool sell = true;
  for (auto _ : state) {
    const double out = sell ? pool.swap_token_in(amount) : pool.swap_quote_in(amount);
    benchmark::DoNotOptimize(out);
    sell = !sell;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AmmSwap);

void BM_TwapUpdate(benchmark::State& state) {
  TwapOracle oracle(3600, 24 * 3600, 1.0);
  double p = 1.0;
  for (auto _ : state) {
    oracle.accumulate(p);
    p = p < 1.1 ? p + 1e-6 : 1.0;
    benchmark::DoNotOptimize(oracle.cumulative());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TwapUpdate);

// Update plus the read a protocol makes at its round event.
void BM_TwapUpdateAndRead(benchmark::State& state) {
  TwapOracle oracle(3600, 24 * 3600, 1.0);
  double p = 1.0;
  for (auto _ : state) {
    oracle.accumulate(p);
    benchmark::DoNotOptimize(oracle.twap_last_closed(3600));
    p = p < 1.1 ? p + 1e-6 : 1.0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TwapUpdateAndRead);

void BM_ExogenousStep(benchmark::State& state) {
  MarketParams params;  // market.md defaults: σ 0.8, jumps 4/y, OU sd 3000
  ExogenousProcesses ex(params, 3600, 1);
  std::int64_t step = 0;
  for (auto _ : state) {
    if (step == 1'000'000) {  // keep the step index in a realistic range
      ex.start_path(0);
      step = 0;
    }
    ex.advance(step++, 1e7);
    benchmark::DoNotOptimize(ex.demand(1e7, 1.0, 1.0));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExogenousStep);

}  // namespace

BENCHMARK_MAIN();
