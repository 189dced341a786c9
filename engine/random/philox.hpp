#pragma once
// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC'11), scalar and SIMD, header-only so kernels can inline the rounds into their own loops.
//
// One round:  (hi0, lo0) = M0 * c0,  (hi1, lo1) = M1 * c2   (32x32 -> 64 multiplies)
//             c' = {hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0}
// and the key is bumped by the Weyl constants (W0, W1) before every round but the first.
//
// SIMD: lanes are independent Philox instances (consecutive agents in stream.hpp), one instance
// per 32-bit lane (Lanes32<Arch>), products split into even/odd 64-bit halves. That only needs
// "multiply the low 32 bits of each 64-bit lane into a 64-bit product", which SSE2/AVX2/AVX-512
// have (pmuludq); other architectures fall back to xsimd's 64-bit multiply.
#include <array>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>
#if XSIMD_WITH_SSE2
#include <immintrin.h>
#endif

namespace stampede::rng::philox {

using Counter = std::array<std::uint32_t, 4>;
using Key = std::array<std::uint32_t, 2>;

inline constexpr std::uint32_t kM0 = 0xD2511F53u;  // Random123 PHILOX_M4x32_0
inline constexpr std::uint32_t kM1 = 0xCD9E8D57u;  // Random123 PHILOX_M4x32_1
inline constexpr std::uint32_t kW0 = 0x9E3779B9u;  // golden ratio
inline constexpr std::uint32_t kW1 = 0xBB67AE85u;  // sqrt(3) - 1
inline constexpr int kRounds = 10;

// ---------------------------------------------------------------- scalar
constexpr Counter round(const Counter& c, const Key& k) noexcept {
  const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * c[0];
  const std::uint64_t p1 = static_cast<std::uint64_t>(kM1) * c[2];
  return {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<std::uint32_t>(p1),
          static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<std::uint32_t>(p0)};
}

// The key schedule: round r uses key + r·(W0, W1) (mod 2^32).
struct RoundKeys {
  std::array<std::uint32_t, kRounds> k0{};
  std::array<std::uint32_t, kRounds> k1{};
};
constexpr RoundKeys schedule(const Key& key) noexcept {
  RoundKeys rk;
  std::uint32_t a = key[0], b = key[1];
  for (int r = 0; r < kRounds; ++r) {
    rk.k0[r] = a;
    rk.k1[r] = b;
    a += kW0;
    b += kW1;
  }
  return rk;
}

constexpr Counter philox4x32_10(Counter c, Key k) noexcept {
  for (int r = 0; r < kRounds; ++r) {
    if (r > 0) {
      k[0] += kW0;
      k[1] += kW1;
    }
    c = round(c, k);
  }
  return c;
}

// ---------------------------------------------------------------- SIMD
template <class Arch>
using U64 = xsimd::batch<std::uint64_t, Arch>;
template <class Arch>
using U32 = xsimd::batch<std::uint32_t, Arch>;

// GCC 12.2 warns "'__Y' is used uninitialized" inside the AVX-512 intrinsics that start from
// _mm512_undefined_*() (GCC bug 105593), which is what xsimd's shifts and int->float conversion
// use. The zero-masking forms with a full mask compile to the same instructions and don't warn.
template <int n, class Arch>
inline U64<Arch> shl64(const U64<Arch>& a) noexcept {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) return U64<Arch>(_mm512_maskz_slli_epi64(0xFF, a.data, n));
  else
#endif
    return a << n;
}
template <int n, class Arch>
inline U64<Arch> shr64(const U64<Arch>& a) noexcept {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) return U64<Arch>(_mm512_maskz_srli_epi64(0xFF, a.data, n));
  else
#endif
    return a >> n;
}
// Portable fallback of mul_lo32_wide (any architecture with a 64-bit lane multiply).
template <class Arch>
inline U64<Arch> mul_lo32_wide_generic(const U64<Arch>& a, const U64<Arch>& m) noexcept {
  const U64<Arch> lo(0xFFFFFFFFull);
  return (a & lo) * (m & lo);
}

// Low 32 bits of each 64-bit lane of a times those of m, as full 64-bit products.
template <class Arch>
inline U64<Arch> mul_lo32_wide(const U64<Arch>& a, const U64<Arch>& m) noexcept {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return U64<Arch>(_mm512_maskz_mul_epu32(0xFF, a.data, m.data));
  } else
#endif
#if XSIMD_WITH_AVX2
  if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    return U64<Arch>(_mm256_mul_epu32(a.data, m.data));
  } else
#endif
#if XSIMD_WITH_SSE2
  if constexpr (std::is_base_of_v<xsimd::sse2, Arch>) {
    return U64<Arch>(_mm_mul_epu32(a.data, m.data));
  } else
#endif
  {
    return mul_lo32_wide_generic<Arch>(a, m);
  }
}

// (hi, lo) halves of a * m per 32-bit lane.
template <class Arch>
struct HiLo32 {
  U32<Arch> hi, lo;
};
// 32-bit lanes: even lanes from x, odd lanes from y (x, y viewed as 32-bit lanes).
template <class Arch>
inline U32<Arch> blend_odd(const U64<Arch>& x, const U64<Arch>& y) noexcept {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) return U32<Arch>(_mm512_mask_blend_epi32(0xAAAA, x.data, y.data));
  else
#endif
#if XSIMD_WITH_AVX2
  if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) return U32<Arch>(_mm256_blend_epi32(x.data, y.data, 0xAA));
  else
#endif
  {
    const U64<Arch> lo(0xFFFFFFFFull);
    return xsimd::bitwise_cast<U32<Arch>>((x & lo) | (y & ~lo));
  }
}
template <class Arch>
inline HiLo32<Arch> mulhilo32(const U32<Arch>& a, const U64<Arch>& m) noexcept {
  const U64<Arch> a64 = xsimd::bitwise_cast<U64<Arch>>(a);
  const U64<Arch> even = mul_lo32_wide<Arch>(a64, m);                  // lanes 0, 2, 4, ...
  const U64<Arch> odd = mul_lo32_wide<Arch>(shr64<32, Arch>(a64), m);  // lanes 1, 3, 5, ...
  return {blend_odd<Arch>(shr64<32, Arch>(even), odd), blend_odd<Arch>(even, shl64<32, Arch>(odd))};
}

// Philox state, one instance per 32-bit lane.
template <class Arch>
struct Lanes32 {
  U32<Arch> c0, c1, c2, c3;
};

template <class Arch>
inline Lanes32<Arch> philox4x32_10(Lanes32<Arch> s, const RoundKeys& rk) noexcept {
  const U64<Arch> m0(kM0), m1(kM1);
  for (int r = 0; r < kRounds; ++r) {
    const HiLo32<Arch> p0 = mulhilo32<Arch>(s.c0, m0);
    const HiLo32<Arch> p1 = mulhilo32<Arch>(s.c2, m1);
    s.c0 = p1.hi ^ s.c1 ^ U32<Arch>(rk.k0[r]);
    s.c1 = p1.lo;
    s.c2 = p0.hi ^ s.c3 ^ U32<Arch>(rk.k1[r]);
    s.c3 = p0.lo;
  }
  return s;
}

// 0, 1, 2, ... per lane (up to 16 lanes, i.e. 32-bit lanes of a 512-bit register).
template <class T, class Arch>
inline xsimd::batch<T, Arch> lane_index() noexcept {
  constexpr std::size_t n = xsimd::batch<T, Arch>::size;
  static_assert(n <= 16, "wider registers need a longer lane table");
  alignas(64) static constexpr T iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  return xsimd::batch<T, Arch>::load_unaligned(iota);
}

}  // namespace stampede::rng::philox
