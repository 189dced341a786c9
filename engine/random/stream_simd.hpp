#pragma once
// SIMD building blocks over a Stream (stream.hpp): lane j of a batch holds agent first_agent + j
// (mod 2^32), and every lane is bit-identical to the scalar Stream::uniform / uniform_float.
// Kernels call these inside their own fused loops (agents.md "Randomness per agent"); hoist the
// key schedule out of the loop with philox::schedule(stream.key()) and the RoundKeys overloads.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "engine/random/philox.hpp"
#include "engine/random/stream.hpp"

namespace stampede::rng {

// Philox blocks of agents first_agent .. first_agent + batch<uint64_t, Arch>::size - 1.
template <class Arch>
inline philox::Wide64<Arch> block_batch_wide(const Stream& s, const philox::RoundKeys& rk,
                                             std::uint32_t first_agent, std::uint32_t block) noexcept {
  using B = philox::U64<Arch>;
  const B agents = (B(first_agent) + philox::lane_index<std::uint64_t, Arch>()) & B(0xFFFFFFFFull);
  return philox::philox4x32_10<Arch>({B(s.purpose_word() | block), agents, B(s.step_word()), B(s.path_word())},
                                     rk);
}

// Philox blocks of agents first_agent .. first_agent + batch<uint32_t, Arch>::size - 1.
template <class Arch>
inline philox::Lanes32<Arch> block_batch_32(const Stream& s, const philox::RoundKeys& rk,
                                            std::uint32_t first_agent, std::uint32_t block) noexcept {
  using B = philox::U32<Arch>;
  const B agents = B(first_agent) + philox::lane_index<std::uint32_t, Arch>();
  return philox::philox4x32_10<Arch>({B(s.purpose_word() | block), agents, B(s.step_word()), B(s.path_word())},
                                     rk);
}

// u01_from_words per lane; lo, hi are zero-extended 32-bit words. The 53-bit integer is turned
// into a double exactly by the 2^52 / 2^84 exponent trick (no 64-bit int->double needed).
template <class Arch>
inline xsimd::batch<double, Arch> u01_from_words(const philox::U64<Arch>& lo, const philox::U64<Arch>& hi) noexcept {
  using B = philox::U64<Arch>;
  using D = xsimd::batch<double, Arch>;
  const B x = philox::shl64<21, Arch>(hi) | philox::shr64<11, Arch>(lo);  // ((hi·2^32 + lo) >> 11), < 2^53
  const D upper = xsimd::bitwise_cast<D>(philox::shr64<32, Arch>(x) | B(0x4530000000000000ull)) - D(0x1.0p84);
  const D lower = xsimd::bitwise_cast<D>((x & B(0xFFFFFFFFull)) | B(0x4330000000000000ull)) - D(0x1.0p52);
  const D u = ((upper + lower) + D(0.5)) * D(0x1.0p-53);
  return xsimd::select(u < D(kU01Max), u, D(kU01Max));
}

// u01f_from_word per lane.
template <class Arch>
inline xsimd::batch<float, Arch> u01f_from_word(const philox::U32<Arch>& w) noexcept {
  using F = xsimd::batch<float, Arch>;
  const F u = (philox::small_to_float<Arch>(philox::shr32<8, Arch>(w)) + F(0.5f)) * F(0x1.0p-24f);
  return xsimd::select(u < F(kU01fMax), u, F(kU01fMax));
}

// The k-th uniform double of agents first_agent .. first_agent + size - 1.
template <class Arch>
inline xsimd::batch<double, Arch> uniform_double_batch(const Stream& s, const philox::RoundKeys& rk,
                                                       std::uint32_t first_agent, std::uint32_t k) noexcept {
  const philox::Wide64<Arch> b = block_batch_wide<Arch>(s, rk, first_agent, k >> 1);
  return (k & 1u) ? u01_from_words<Arch>(b.c2, b.c3) : u01_from_words<Arch>(b.c0, b.c1);
}
template <class Arch = xsimd::default_arch>
inline xsimd::batch<double, Arch> uniform_double_batch(const Stream& s, std::uint32_t first_agent,
                                                       std::uint32_t k) noexcept {
  return uniform_double_batch<Arch>(s, philox::schedule(s.key()), first_agent, k);
}

// Doubles 2j and 2j + 1 of the same agents from one Philox block (half the cost of two
// uniform_double_batch calls), for kernels that need two draws per agent per step.
template <class Arch>
struct DoublePair {
  xsimd::batch<double, Arch> first, second;  // k = 2j, k = 2j + 1
};
template <class Arch>
inline DoublePair<Arch> uniform_double_pair_batch(const Stream& s, const philox::RoundKeys& rk,
                                                  std::uint32_t first_agent, std::uint32_t j) noexcept {
  const philox::Wide64<Arch> b = block_batch_wide<Arch>(s, rk, first_agent, j);
  return {u01_from_words<Arch>(b.c0, b.c1), u01_from_words<Arch>(b.c2, b.c3)};
}

// The k-th uniform float of agents first_agent .. first_agent + size - 1.
template <class Arch>
inline xsimd::batch<float, Arch> uniform_float_batch(const Stream& s, const philox::RoundKeys& rk,
                                                     std::uint32_t first_agent, std::uint32_t k) noexcept {
  const philox::Lanes32<Arch> b = block_batch_32<Arch>(s, rk, first_agent, k >> 2);
  switch (k & 3u) {
    case 0: return u01f_from_word<Arch>(b.c0);
    case 1: return u01f_from_word<Arch>(b.c1);
    case 2: return u01f_from_word<Arch>(b.c2);
    default: return u01f_from_word<Arch>(b.c3);
  }
}
template <class Arch = xsimd::default_arch>
inline xsimd::batch<float, Arch> uniform_float_batch(const Stream& s, std::uint32_t first_agent,
                                                     std::uint32_t k) noexcept {
  return uniform_float_batch<Arch>(s, philox::schedule(s.key()), first_agent, k);
}

// W consecutive unsigned 32-bit words (64-byte aligned group) as doubles, exactly.
template <class Arch>
inline xsimd::batch<double, Arch> u32_to_double(const std::uint32_t* p) noexcept {
  using D = xsimd::batch<double, Arch>;
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>)
    return D(_mm512_maskz_cvtepu32_pd(0xFF, _mm256_load_si256(reinterpret_cast<const __m256i*>(p))));
#endif
#if XSIMD_WITH_AVX2
  if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    const __m256i x = _mm256_cvtepu32_epi64(_mm_load_si128(reinterpret_cast<const __m128i*>(p)));
    const __m256i biased = _mm256_or_si256(x, _mm256_set1_epi64x(0x4330000000000000ll));
    return D(_mm256_sub_pd(_mm256_castsi256_pd(biased), _mm256_set1_pd(0x1.0p52)));
  }
#endif
  // 2^52 exponent trick: (2^52 + w) as bits, minus 2^52.
  alignas(64) std::uint64_t wide[D::size];
  for (std::size_t j = 0; j < D::size; ++j) wide[j] = p[j] | 0x4330000000000000ull;
  return xsimd::bitwise_cast<D>(philox::U64<Arch>::load_aligned(wide)) - D(0x1.0p52);
}

// The decision uniforms of the 64 agents [64·g, 64·g + 64) (stream.hpp decide_uniform): one
// 16-instance Philox batch (1, 2 or 4 registers of 32-bit lanes); word w of instance j is agent
// 64·g + 16·w + j, so out[k] is agent 64·g + k. Bit-identical to decide_uniform.
template <class Arch>
inline void decide_uniform_group(const Stream& s, const philox::RoundKeys& rk, std::uint32_t group,
                                 double* out) noexcept {
  using B = philox::U32<Arch>;
  using D = xsimd::batch<double, Arch>;
  constexpr std::size_t L = B::size;  // instances per register
  static_assert(16 % L == 0, "a register must tile the 16 instances");
  alignas(64) std::uint32_t words[4][16];
  for (std::size_t r = 0; r < 16; r += L) {
    const philox::Lanes32<Arch> b = block_batch_32<Arch>(s, rk, 16u * group + static_cast<std::uint32_t>(r), 0);
    b.c0.store_aligned(&words[0][r]);
    b.c1.store_aligned(&words[1][r]);
    b.c2.store_aligned(&words[2][r]);
    b.c3.store_aligned(&words[3][r]);
  }
  // (w + 0.5)·2^-32 per lane (the 32-bit word converts to double exactly).
  constexpr std::size_t W = D::size;
  const std::uint32_t* flat = &words[0][0];
  for (std::size_t k = 0; k < 64; k += W)
    ((u32_to_double<Arch>(flat + k) + D(0.5)) * D(0x1.0p-32)).store_aligned(out + k);
}

// Whole-array fills on a chosen architecture (Stream::uniform_doubles uses default_arch);
// the tail shorter than one batch is done by the scalar calls.
template <class Arch>
inline void fill_uniform_doubles(const Stream& s, std::uint32_t first_agent, std::size_t n, std::uint32_t k,
                                 double* out) noexcept {
  constexpr std::size_t w = xsimd::batch<double, Arch>::size;
  const philox::RoundKeys rk = philox::schedule(s.key());
  const std::size_t full = n - n % w;
  for (std::size_t j = 0; j < full; j += w)
    uniform_double_batch<Arch>(s, rk, first_agent + static_cast<std::uint32_t>(j), k).store_unaligned(out + j);
  for (std::size_t j = full; j < n; ++j) out[j] = s.uniform(first_agent + static_cast<std::uint32_t>(j), k);
}
template <class Arch>
inline void fill_uniform_floats(const Stream& s, std::uint32_t first_agent, std::size_t n, std::uint32_t k,
                                float* out) noexcept {
  constexpr std::size_t w = xsimd::batch<float, Arch>::size;
  const philox::RoundKeys rk = philox::schedule(s.key());
  const std::size_t full = n - n % w;
  for (std::size_t j = 0; j < full; j += w)
    uniform_float_batch<Arch>(s, rk, first_agent + static_cast<std::uint32_t>(j), k).store_unaligned(out + j);
  for (std::size_t j = full; j < n; ++j) out[j] = s.uniform_float(first_agent + static_cast<std::uint32_t>(j), k);
}

}  // namespace stampede::rng
