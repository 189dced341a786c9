#pragma once
// Shared helpers for the kernel tests: the ranges every kernel is checked on, the architectures a
// kernel template is instantiated for, random SoA columns and bitwise comparisons.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "engine/core/aligned.hpp"

namespace stampede::kernels::test {

struct Range {
  std::size_t begin;
  std::size_t end;
};

// Lengths named by the task (block and lane edges) times starts that are off the lane grid, and
// one that crosses a 4096-agent block boundary.
inline std::vector<Range> ranges() {
  const std::size_t lengths[] = {0, 1, 7, 8, 9, 4095, 4096, 4097, 10007};
  const std::size_t starts[] = {0, 1, 5, 8, 4093};
  std::vector<Range> out;
  for (std::size_t s : starts)
    for (std::size_t n : lengths) out.push_back({s, s + n});
  return out;
}

// Every architecture this compiler targets: the result must not depend on the batch width.
template <class F>
void for_each_arch(F&& f) {
  f.template operator()<xsimd::sse2>();
#if XSIMD_WITH_AVX2
  f.template operator()<xsimd::avx2>();
#endif
#if XSIMD_WITH_AVX512BW
  f.template operator()<xsimd::avx512bw>();
#endif
}

// Columns are allocated a little longer than the largest range so writes outside it show up.
inline constexpr std::size_t kSlack = 11;

// noinline: GCC 12 inlines these into callers and then warns about impossible sizes.
[[gnu::noinline]] inline AlignedArray<double> random_doubles(std::size_t n, std::mt19937_64& rng, double lo, double hi) {
  AlignedArray<double> a(n);
  std::uniform_real_distribution<double> u(lo, hi);
  for (std::size_t i = 0; i < n; ++i) a[i] = u(rng);
  return a;
}

// Log-uniform magnitudes over many decades: sums of these depend on the order of addition.
[[gnu::noinline]] inline AlignedArray<double> wide_doubles(std::size_t n, std::mt19937_64& rng, double lo_exp, double hi_exp) {
  AlignedArray<double> a(n);
  std::uniform_real_distribution<double> u(lo_exp, hi_exp);
  for (std::size_t i = 0; i < n; ++i) a[i] = std::exp2(u(rng));
  return a;
}

[[gnu::noinline]] inline AlignedArray<float> random_floats(std::size_t n, std::mt19937_64& rng, float lo, float hi) {
  AlignedArray<float> a(n);
  std::uniform_real_distribution<float> u(lo, hi);
  for (std::size_t i = 0; i < n; ++i) a[i] = u(rng);
  return a;
}

template <class T>
AlignedArray<T> copy_of(const AlignedArray<T>& a) {
  AlignedArray<T> b(a.size());
  if (a.capacity()) std::memcpy(static_cast<void*>(b.data()), a.data(), a.capacity() * sizeof(T));
  return b;
}

template <class T>
bool same_bits(const AlignedArray<T>& a, const AlignedArray<T>& b) {
  return a.size() == b.size() &&
         (a.capacity() == 0 || std::memcmp(a.data(), b.data(), a.capacity() * sizeof(T)) == 0);
}

inline bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Distance in units in the last place between two finite doubles of the same sign.
inline std::uint64_t ulps_apart(double a, double b) {
  const auto ia = std::bit_cast<std::int64_t>(a), ib = std::bit_cast<std::int64_t>(b);
  return ia > ib ? static_cast<std::uint64_t>(ia - ib) : static_cast<std::uint64_t>(ib - ia);
}

}  // namespace stampede::kernels::test
