// Per-agent kernels, scalar reference vs SIMD (xsimd, the native architecture), at 10^4, 10^6 and
// 1.6·10^7 agents, each against the triad measured by this binary in this run (performance.md).
// Bytes per agent count each byte of agent state read once and each byte written once.
//   ./bench_kernels --benchmark_min_time=0.2
#include <cstddef>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "engine/core/aligned.hpp"
#include "kernels/accrue_bond.hpp"
#include "kernels/accrue_rebase.hpp"
#include "kernels/accrue_reward_per_share.hpp"
#include "kernels/accrue_vesting.hpp"
#include "kernels/mark_to_market.hpp"
#include "kernels/settle.hpp"
#include "triad.hpp"

namespace {

using stampede::AlignedArray;
using namespace stampede::kernels;
using stampede::bench::report_bandwidth;
using stampede::bench::triad_bytes_per_second;

// Deterministic, cheap fill (a 16M-agent state is set up several times per run).
AlignedArray<double> doubles(std::size_t n, double scale) {
  AlignedArray<double> a(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = scale * (1.0 + static_cast<double>((i * 2654435761u) % 1000) / 1000.0);
  return a;
}
AlignedArray<float> floats(std::size_t n, float lo, float span) {
  AlignedArray<float> a(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = lo + span * static_cast<float>((i * 40503u) % 997) / 997.0f;
  return a;
}

template <bool kSimd>
void BM_accrue_rebase(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  triad_bytes_per_second();
  auto stake = doubles(n, 100.0), bond = doubles(n, 10.0);
  auto m = floats(n, 1.0f, 1.0f);
  const RebaseColumns c{stake.data(), bond.data(), m.data()};
  for (auto _ : state) {
    OrderedSum sum;
    if constexpr (kSimd) accrue_rebase_simd<DefaultArch>(c, 0, n, 1e-7, sum);
    else accrue_rebase_reference(c, 0, n, 1e-7, sum);
    benchmark::DoNotOptimize(sum.total);
  }
  report_bandwidth(state, static_cast<double>(n) * (8 + 8 + 4 + 8 + 8));  // stake, bond, m; stake, bond
}

template <bool kSimd>
void BM_accrue_vesting(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  triad_bytes_per_second();
  auto vested = doubles(n, 1.0), remaining = doubles(n, 1e6);
  auto rate = floats(n, 0.1f, 2.0f);
  const VestingColumns c{vested.data(), remaining.data(), rate.data()};
  for (auto _ : state) {
    OrderedSum sum;
    if constexpr (kSimd) accrue_vesting_simd<DefaultArch>(c, 0, n, 60.0, sum);
    else accrue_vesting_reference(c, 0, n, 60.0, sum);
    benchmark::DoNotOptimize(sum.total);
  }
  report_bandwidth(state, static_cast<double>(n) * (8 + 8 + 4 + 8 + 8));  // vested, remaining, rate; vested, remaining
}

template <bool kSimd>
void BM_accrue_bond(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  triad_bytes_per_second();
  auto rem = doubles(n, 100.0), claim = doubles(n, 1.0);
  auto left = floats(n, 3600.0f, 2.0e7f);  // long terms: the division stays on the path
  const BondColumns c{rem.data(), claim.data(), left.data()};
  for (auto _ : state) {
    OrderedSum sum;
    if constexpr (kSimd) accrue_bond_simd<DefaultArch>(c, 0, n, 1.0, sum);
    else accrue_bond_reference(c, 0, n, 1.0, sum);
    benchmark::DoNotOptimize(sum.total);
  }
  report_bandwidth(state, static_cast<double>(n) * (8 + 8 + 4 + 8 + 8 + 4));  // rem, claim, left, both ways
}

template <bool kSimd>
void BM_accrue_reward_per_share(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  triad_bytes_per_second();
  auto earned = doubles(n, 1.0), snap = doubles(n, 0.001), balance = doubles(n, 500.0);
  const RewardColumns c{earned.data(), snap.data(), balance.data()};
  double rps = 0.01;
  for (auto _ : state) {
    OrderedSum sum;
    if constexpr (kSimd) accrue_reward_per_share_simd<DefaultArch>(c, 0, n, rps, sum);
    else accrue_reward_per_share_reference(c, 0, n, rps, sum);
    benchmark::DoNotOptimize(sum.total);
    rps += 1e-4;
  }
  report_bandwidth(state, static_cast<double>(n) * (8 + 8 + 8 + 8 + 8));  // earned, snap, balance; earned, snap
}

// KS21-sized: 6 holdings, cost in, pnl (float) out, wealth not stored.
template <bool kSimd>
void BM_mark_to_market(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  triad_bytes_per_second();
  constexpr std::size_t kHoldings = 6;
  AlignedArray<double> h[kHoldings] = {doubles(n, 1.0), doubles(n, 2.0), doubles(n, 3.0),
                                       doubles(n, 4.0), doubles(n, 5.0), doubles(n, 6.0)};
  auto cost = doubles(n, 20.0);
  AlignedArray<float> pnl(n);
  MarkColumns c;
  c.count = kHoldings;
  for (std::size_t k = 0; k < kHoldings; ++k) {
    c.holding[k] = h[k].data();
    c.price[k] = 0.5 + static_cast<double>(k);
  }
  c.cost = cost.data();
  c.pnl = pnl.data();
  for (auto _ : state) {
    OrderedSum sum;
    if constexpr (kSimd) mark_to_market_simd<DefaultArch>(c, 0, n, sum);
    else mark_to_market_reference(c, 0, n, sum);
    benchmark::DoNotOptimize(sum.total);
  }
  report_bandwidth(state, static_cast<double>(n) * (kHoldings * 8 + 8 + 4));
}

// 1% of agents act (a busy step in a calm market); bytes: every action code, plus amount and
// src/dst (read and written) of the agents that act.
template <bool kSimd>
void BM_settle(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  triad_bytes_per_second();
  AlignedArray<std::uint8_t> action(n);
  std::size_t acting = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t h = (i * 0x9E3779B97F4A7C15ull) >> 40;
    if (h % 100 == 0) {
      action[i] = static_cast<std::uint8_t>(1 + (h / 100) % 3);
      ++acting;
    }
  }
  auto amount = doubles(n, 1.0), liquid = doubles(n, 100.0), stake = doubles(n, 100.0), usdc = doubles(n, 100.0);
  SettleTable t;
  t.action[1] = {liquid.data(), stake.data(), 1.0, 1.0};
  t.action[2] = {liquid.data(), usdc.data(), 0.9, 0.97};
  t.action[3] = {usdc.data(), liquid.data(), 1.0, 1.03};
  const SettleColumns c{action.data(), amount.data()};
  for (auto _ : state) {
    if constexpr (kSimd) settle_simd<DefaultArch>(c, t, 0, n);
    else settle_reference(c, t, 0, n);
    benchmark::ClobberMemory();
  }
  report_bandwidth(state, static_cast<double>(n) * 1 + static_cast<double>(acting) * (8 + 16 + 16));
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(10'000)->Arg(1'000'000)->Arg(16'000'000)->UseRealTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace

BENCHMARK(stampede::bench::BM_triad)->Arg(static_cast<int64_t>(stampede::bench::kTriadElements))->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_accrue_rebase, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_rebase, true)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_vesting, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_vesting, true)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_bond, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_bond, true)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_reward_per_share, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_reward_per_share, true)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_mark_to_market, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_mark_to_market, true)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_settle, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_settle, true)->Apply(sizes);

BENCHMARK_MAIN();
