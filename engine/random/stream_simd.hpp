#pragma once
// The SIMD draws over a Stream (stream.hpp) that the fused agent pass makes: the decision uniforms
// of 64 agents from one 16-instance Philox batch, bit-identical to the scalar decide_uniform.
// Hoist the key schedule out of the loop with philox::schedule(stream.key()).
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "engine/random/philox.hpp"
#include "engine/random/stream.hpp"

namespace stampede::rng {

// Philox blocks of agents first_agent .. first_agent + batch<uint32_t, Arch>::size - 1.
template <class Arch>
inline philox::Lanes32<Arch> block_batch_32(const Stream& s, const philox::RoundKeys& rk,
                                            std::uint32_t first_agent, std::uint32_t block) noexcept {
  using B = philox::U32<Arch>;
  const B agents = B(first_agent) + philox::lane_index<std::uint32_t, Arch>();
  return philox::philox4x32_10<Arch>({B(s.purpose_word() | block), agents, B(s.step_word()), B(s.path_word())},
                                     rk);
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

}  // namespace stampede::rng
