// The decide kernel (agents/decide.hpp), scalar reference vs SIMD, at 10^4, 10^6 and 1.6·10^7
// agents of one KAI-holder-like type (2 actions: sell = exit, buy; one own term pnl; a bias and a
// non-constant fraction per action). bytes/s counts each byte of agent state read and written once
// (performance.md): read h, ρ, 2 biases, pnl (5 floats), 2 fractions (2 floats), 2 holdings
// (2 doubles), exited and mask (2 bytes); write action and exited (2 bytes): 48 B per agent.
// ratio_to_triad compares with the triad measured by this binary in this run (bench/triad.hpp);
// the target at 1.6·10^7 agents is >= 0.5 (performance.md).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>

#include "agents/decide.hpp"
#include "engine/core/aligned.hpp"
#include "triad.hpp"

namespace {

using namespace stampede;
using namespace stampede::agents;

constexpr std::size_t kBytesPerAgent = 5 * 4 + 2 * 4 + 2 * 8 + 2 + 2;

struct Holders {
  explicit Holders(std::size_t n)
      : h(n), rho(n), pnl(n), f_sell(n), f_buy(n), exited(n), allowed(n), action(n), kai(n), kusdt(n) {
    for (auto& b : bias) b.resize(n);
    std::mt19937_64 gen(1);
    std::lognormal_distribution<float> hd(0.0f, 0.5f);
    std::uniform_real_distribution<float> rd(0.05f, 0.25f), pd(-0.2f, 0.2f), fs(0.5f, 1.0f), fb(0.05f, 0.3f);
    std::normal_distribution<float> b0(-3.0f, 1.0f), b1(-2.5f, 1.0f);
    for (std::size_t i = 0; i < n; ++i) {
      h[i] = hd(gen);
      rho[i] = rd(gen);
      pnl[i] = pd(gen);
      bias[0][i] = b0(gen);
      bias[1][i] = b1(gen);
      f_sell[i] = fs(gen);
      f_buy[i] = fb(gen);
      allowed[i] = 0x3;
      kai[i] = 100.0 + static_cast<double>(i % 1000);
      kusdt[i] = 50.0;
    }
    type.actions = 2;
    type.exit_action = 0;
    type.reentry = 0.02;
    type.own_terms = 1;
    type.v[0][0] = -2.0;
    type.own_zero_on_reentry = 1;
  }
  DecideColumns columns() {
    DecideColumns c;
    c.behaviour.sensitivity = h.data();
    c.behaviour.attention = rho.data();
    c.behaviour.bias = {bias[0].data(), bias[1].data(), nullptr, nullptr};
    c.behaviour.own = {pnl.data(), nullptr, nullptr, nullptr};
    c.behaviour.exited = exited.data();
    c.amounts.holding = {kai.data(), kusdt.data(), nullptr, nullptr};
    c.amounts.fraction = {f_sell.data(), f_buy.data(), nullptr, nullptr};
    c.allowed = allowed.data();
    c.action = action.data();
    return c;
  }
  AlignedArray<float> h, rho, pnl, f_sell, f_buy;
  std::array<AlignedArray<float>, 2> bias;
  AlignedArray<std::uint8_t> exited, allowed, action;
  AlignedArray<double> kai, kusdt;
  TypeBehaviour type;
};

template <void (*Kernel)(const TypeBehaviour&, const DecideStep&, const DecideColumns&, TypeRange, DecideTotals&)>
void BM_Decide(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Holders pop(n);
  const DecideColumns cols = pop.columns();
  DecideStep step;
  step.seed = 42;
  step.common = {-0.5, 0.3, 0.0, 0.0};
  std::uint64_t exits = 0;
  stampede::bench::triad_bytes_per_second();
  for (auto _ : state) {
    DecideTotals totals;
    Kernel(pop.type, step, cols, {0, n}, totals);
    exits += totals.exits(pop.type);
    ++step.step;
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(exits);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  stampede::bench::report_bandwidth(state, static_cast<double>(n * kBytesPerAgent));
}

void BM_DecideScalar(benchmark::State& s) { BM_Decide<decide_reference>(s); }
void BM_DecideSimdAvx2(benchmark::State& s) { BM_Decide<decide_avx2>(s); }
void BM_DecideSimdNative(benchmark::State& s) { BM_Decide<decide>(s); }

BENCHMARK(BM_DecideScalar)->Arg(10'000)->Arg(1'000'000)->Arg(16'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DecideSimdAvx2)->Arg(10'000)->Arg(1'000'000)->Arg(16'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DecideSimdNative)->Arg(10'000)->Arg(1'000'000)->Arg(16'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(stampede::bench::BM_triad)->Arg(static_cast<std::int64_t>(stampede::bench::kTriadElements))->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
