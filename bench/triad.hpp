#pragma once
// STREAM-style triad c[i] = a[i] + k·b[i] over arrays far larger than the last-level cache: the
// yardstick every kernel benchmark is compared with (performance.md "The limit on this machine").
// Bytes are counted as STREAM does, 24 per element (read a, read b, write c; the write-allocate
// read of c is not counted). An in-place kernel has no write-allocate traffic, so counting its
// reads and writes once each, its ratio to the triad can exceed 1 (up to 32/24) on this machine.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "engine/core/aligned.hpp"

namespace stampede::bench {

inline constexpr std::size_t kTriadElements = 20'000'000;  // 3 × 160 MB, far beyond any LLC here
inline constexpr double kTriadBytesPerElement = 24.0;

[[gnu::noinline]] inline void triad(double* __restrict c, const double* __restrict a,
                                    const double* __restrict b, double k, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = a[i] + k * b[i];
}

struct TriadArrays {
  AlignedArray<double> a, b, c;
  explicit TriadArrays(std::size_t n) : a(n), b(n), c(n) {
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = 1.0 + static_cast<double>(i % 1000);
      b[i] = 2.0;
      c[i] = 0.0;  // touch every page before timing
    }
  }
};

// Triad bandwidth of this process on `threads` threads (each streams its own contiguous slice
// of the arrays, so 2 threads measure what 2 independent paths can share), measured once per
// thread count on first use: one warm-up pass, then the best of 5 timed passes over 2·10^7
// doubles. Call it before a benchmark's timed loop.
inline double measure_triad_bytes_per_second(int threads) {
  TriadArrays t(kTriadElements);
  const auto pass = [&] {
    std::vector<std::thread> workers;
    const std::size_t slice = kTriadElements / static_cast<std::size_t>(threads);
    for (int w = 0; w < threads; ++w) {
      const std::size_t lo = static_cast<std::size_t>(w) * slice;
      const std::size_t n = w + 1 == threads ? kTriadElements - lo : slice;
      workers.emplace_back([&, lo, n] { triad(t.c.data() + lo, t.a.data() + lo, t.b.data() + lo, 3.0, n); });
    }
    for (auto& w : workers) w.join();
  };
  pass();
  double best = 1e300;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    pass();
    benchmark::ClobberMemory();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  benchmark::DoNotOptimize(t.c.data());
  return kTriadBytesPerElement * static_cast<double>(kTriadElements) / best;
}

inline double triad_bytes_per_second(int threads = 1) {
  static std::map<int, double> measured;  // benchmarks run one at a time: no lock needed
  auto it = measured.find(threads);
  if (it == measured.end()) it = measured.emplace(threads, measure_triad_bytes_per_second(threads)).first;
  return it->second;
}

// Reports bytes/s (SetBytesProcessed) and "ratio_to_triad" = (bytes/s) / triad bytes/s. Both are
// rates over the benchmark's own time (register with UseRealTime() so that is wall time).
inline void report_bandwidth(benchmark::State& state, double bytes_per_iteration) {
  const double bytes = bytes_per_iteration * static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["ratio_to_triad"] = benchmark::Counter(bytes / triad_bytes_per_second(), benchmark::Counter::kIsRate);
}

inline void BM_triad(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  triad_bytes_per_second();
  TriadArrays t(n);
  for (auto _ : state) {
    triad(t.c.data(), t.a.data(), t.b.data(), 3.0, n);
    benchmark::ClobberMemory();
  }
  report_bandwidth(state, kTriadBytesPerElement * static_cast<double>(n));
}

}  // namespace stampede::bench
