// Philox streams (performance.md "What the benchmarks must include": RNG throughput, Philox
// scalar vs SIMD): one uniform per agent over 1<<20 agents, scalar Stream::uniform per agent vs
// the SIMD fills (native = what xsimd picks for this build, plus AVX2 explicitly since the
// targets are stated for AVX2). items/s = draws per second; bytes/s = output written, and its
// ratio to the STREAM triad measured by this binary (the generator is compute-bound, so this
// says how far a fused kernel's draws are from the memory limit).
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

template <class T, class Fill>
void run(benchmark::State& state, Fill&& fill) {
  stampede::bench::triad_bytes_per_second();  // measured once, outside the timed loop
  stampede::AlignedArray<T> out(kAgents);
  std::uint64_t step = 0;
  for (auto _ : state) {
    const Stream s(42, 7, Purpose::decide, step++);
    fill(s, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kAgents));
  stampede::bench::report_bandwidth(state, static_cast<double>(kAgents * sizeof(T)));
}

void BM_UniformDoubleScalar(benchmark::State& state) {
  run<double>(state, [](const Stream& s, double* out) {
    for (std::size_t j = 0; j < kAgents; ++j) out[j] = s.uniform(static_cast<std::uint32_t>(j), 0);
  });
}
void BM_UniformDoubleSimd(benchmark::State& state) {
  run<double>(state, [](const Stream& s, double* out) { s.uniform_doubles(0, kAgents, 0, out); });
}
void BM_UniformFloatScalar(benchmark::State& state) {
  run<float>(state, [](const Stream& s, float* out) {
    for (std::size_t j = 0; j < kAgents; ++j) out[j] = s.uniform_float(static_cast<std::uint32_t>(j), 0);
  });
}
void BM_UniformFloatSimd(benchmark::State& state) {
  run<float>(state, [](const Stream& s, float* out) { s.uniform_floats(0, kAgents, 0, out); });
}
BENCHMARK(BM_UniformDoubleScalar)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_UniformDoubleSimd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_UniformFloatScalar)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_UniformFloatSimd)->Unit(benchmark::kMillisecond)->UseRealTime();

#if XSIMD_WITH_AVX2
void BM_UniformDoubleSimdAvx2(benchmark::State& state) {
  run<double>(state, [](const Stream& s, double* out) {
    stampede::rng::fill_uniform_doubles<xsimd::avx2>(s, 0, kAgents, 0, out);
  });
}
void BM_UniformFloatSimdAvx2(benchmark::State& state) {
  run<float>(state, [](const Stream& s, float* out) {
    stampede::rng::fill_uniform_floats<xsimd::avx2>(s, 0, kAgents, 0, out);
  });
}
BENCHMARK(BM_UniformDoubleSimdAvx2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_UniformFloatSimdAvx2)->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

BENCHMARK(stampede::bench::BM_triad)
    ->Arg(static_cast<std::int64_t>(stampede::bench::kTriadElements))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
