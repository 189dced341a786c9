// The accrual kernels the shipped protocols run in their fused pass (KSN KS9 rebase and KS19 bond
// vesting, KAI K22/K23 reward per share, K9 N11 esKNINE vesting), scalar reference vs SIMD (xsimd,
// the native architecture), at 10^4, 10^6 and 1.6·10^7 agents, each against the triad measured by
// this binary in this run (performance.md).
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
#include "kernels/accrue_vesting_schedule.hpp"
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

template <bool kSimd>
void BM_accrue_vesting(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  triad_bytes_per_second();
  auto unvested = doubles(n, 1000.0), converted = doubles(n, 10.0), rate = doubles(n, 1e-4);
  auto end = floats(n, 3600.0f, 1.5e7f);  // every position ends after the step: the min() path
  const VestingColumns c{unvested.data(), converted.data(), rate.data(), end.data()};
  for (auto _ : state) {
    OrderedSum sum;
    if constexpr (kSimd) accrue_vesting_simd<DefaultArch>(c, 0, n, 0.0, 1.0, sum);
    else accrue_vesting_reference(c, 0, n, 0.0, 1.0, sum);
    benchmark::DoNotOptimize(sum.total);
  }
  // unvested, converted, rate, end read; unvested, converted written
  report_bandwidth(state, static_cast<double>(n) * (8 + 8 + 8 + 4 + 8 + 8));
}

// One vesting slot of hokusai's contributors (H17): A, rel, tokens read and written, s, c, D read.
template <bool kSimd>
void BM_accrue_vesting_schedule(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  triad_bytes_per_second();
  auto amount = doubles(n, 1000.0), released = doubles(n, 1.0), tokens = doubles(n, 10.0);
  auto start = floats(n, 0.0f, 8.64e6f), cliff = floats(n, 0.0f, 1e5f), duration = floats(n, 3.0e7f, 1e6f);
  const ScheduleColumns c{amount.data(), released.data(), start.data(), cliff.data(), duration.data(), tokens.data()};
  double t1 = 9.0e6;
  for (auto _ : state) {
    double ahead = 0;
    const double d = kSimd ? accrue_vesting_schedule(c, 0, n, t1, 604800.0, ahead)
                           : accrue_vesting_schedule_reference(c, 0, n, t1, 604800.0, ahead);
    benchmark::DoNotOptimize(d);
    benchmark::DoNotOptimize(ahead);
    t1 += 3600.0;
  }
  report_bandwidth(state, static_cast<double>(n) * (3 * 8 + 3 * 4 + 3 * 8));
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(10'000)->Arg(1'000'000)->Arg(16'000'000)->UseRealTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace

BENCHMARK(stampede::bench::BM_triad)->Arg(static_cast<int64_t>(stampede::bench::kTriadElements))->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_accrue_rebase, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_rebase, true)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_bond, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_bond, true)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_reward_per_share, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_reward_per_share, true)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_vesting, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_vesting, true)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_vesting_schedule, false)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_accrue_vesting_schedule, true)->Apply(sizes);

BENCHMARK_MAIN();
