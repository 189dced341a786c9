// Philox streams (performance.md "What the benchmarks must include": RNG throughput, Philox
// scalar vs SIMD), on the draw every protocol makes: the decision uniform of each agent per step
// (stream.hpp decide_uniform), scalar per agent vs decide_uniform_group, which the fused agent
// pass calls once per 64 agents (native = what xsimd picks for this build, plus AVX2 explicitly).
// Over 1<<20 agents; items/s = draws per second; bytes/s = output written, and its ratio to the
// STREAM triad measured by this binary (the generator is compute-bound, so this says how far the
// pass's draws are from the memory limit).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "engine/core/aligned.hpp"
#include "engine/random/stream.hpp"
#include "engine/random/stream_simd.hpp"
#include "triad.hpp"

namespace {

using stampede::rng::Purpose;
using stampede::rng::Stream;

constexpr std::size_t kAgents = std::size_t{1} << 20;

template <class Fill>
void run(benchmark::State& state, Fill&& fill) {
  stampede::bench::triad_bytes_per_second();  // measured once, outside the timed loop
  stampede::AlignedArray<double> out(kAgents);
  std::uint64_t step = 0;
  for (auto _ : state) {
    const Stream s(42, 7, Purpose::decide, step++);
    fill(s, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kAgents));
  stampede::bench::report_bandwidth(state, static_cast<double>(kAgents * sizeof(double)));
}

template <class Arch>
void groups(const Stream& s, double* out) {
  const stampede::rng::philox::RoundKeys rk = stampede::rng::philox::schedule(s.key());
  for (std::size_t g = 0; g < kAgents / 64; ++g)
    stampede::rng::decide_uniform_group<Arch>(s, rk, static_cast<std::uint32_t>(g), out + 64 * g);
}

void BM_DecideUniformScalar(benchmark::State& state) {
  run(state, [](const Stream& s, double* out) {
    for (std::size_t j = 0; j < kAgents; ++j) out[j] = stampede::rng::decide_uniform(s, static_cast<std::uint32_t>(j));
  });
}
void BM_DecideUniformSimd(benchmark::State& state) { run(state, groups<xsimd::default_arch>); }
BENCHMARK(BM_DecideUniformScalar)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DecideUniformSimd)->Unit(benchmark::kMillisecond)->UseRealTime();

#if XSIMD_WITH_AVX2
void BM_DecideUniformSimdAvx2(benchmark::State& state) { run(state, groups<xsimd::avx2>); }
BENCHMARK(BM_DecideUniformSimdAvx2)->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

BENCHMARK(stampede::bench::BM_triad)
    ->Arg(static_cast<std::int64_t>(stampede::bench::kTriadElements))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
