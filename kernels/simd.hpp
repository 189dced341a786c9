#pragma once
// SIMD vocabulary shared by the per-agent kernels (agents.md "Kernels", style.md: a kernel is
// written once, templated on the xsimd architecture, with a scalar reference of the same
// arithmetic). Everything here has a scalar twin with identical IEEE semantics so that a SIMD
// kernel and its scalar reference agree bit for bit.
#include <cstddef>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace stampede::kernels {

// The architecture the library's non-template entry points are compiled for (-march=native).
using DefaultArch = xsimd::default_arch;

template <class A>
using DoubleBatch = xsimd::batch<double, A>;

// min/max with one fixed rule for NaN and signed zeros, the same in scalar and SIMD code
// (x86 vminpd/vmaxpd semantics: the second operand unless the comparison holds).
inline double min_of(double a, double b) { return a < b ? a : b; }
inline double max_of(double a, double b) { return a > b ? a : b; }
template <class A>
inline DoubleBatch<A> min_of(DoubleBatch<A> a, DoubleBatch<A> b) {
  return xsimd::select(a < b, a, b);
}
template <class A>
inline DoubleBatch<A> max_of(DoubleBatch<A> a, DoubleBatch<A> b) {
  return xsimd::select(a > b, a, b);
}

// floor per lane. AVX-512: the zero-masking form (GCC 12 warns about the _mm512_undefined_pd()
// inside the plain intrinsic, GCC bug 105593).
template <class A>
inline DoubleBatch<A> floor_of(DoubleBatch<A> x) {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>)
    return DoubleBatch<A>(_mm512_maskz_roundscale_pd(0xFF, x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
#endif
  return xsimd::floor(x);
}

// Per-agent parameters are floats, amounts doubles: a double batch of W lanes reads W floats.
// Widening float -> double is exact, so the conversion itself cannot break bitwise agreement.
template <class A>
inline DoubleBatch<A> load_widened(const float* p) {
  using B = DoubleBatch<A>;
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
    // maskz form: GCC 12 warns about the _mm512_undefined_pd() inside _mm512_cvtps_pd.
    return B(_mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(p)));
  }
#endif
#if XSIMD_WITH_AVX
  if constexpr (std::is_base_of_v<xsimd::avx, A>) {
    return B(_mm256_cvtps_pd(_mm_loadu_ps(p)));
  }
#endif
#if XSIMD_WITH_SSE2
  if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
    return B(_mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))));
  }
#endif
  alignas(64) double wide[B::size];
  for (std::size_t k = 0; k < B::size; ++k) wide[k] = static_cast<double>(p[k]);
  return B::load_aligned(wide);
}

// Narrowing double -> float rounds to nearest, as static_cast<float> does in the scalar twin.
template <class A>
inline void store_narrowed(float* p, DoubleBatch<A> x) {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
    // maskz form: GCC 12 warns about the _mm256_undefined_ps() inside _mm512_cvtpd_ps.
    _mm256_storeu_ps(p, _mm512_maskz_cvtpd_ps(0xFF, x));
    return;
  }
#endif
#if XSIMD_WITH_AVX
  if constexpr (std::is_base_of_v<xsimd::avx, A>) {
    _mm_storeu_ps(p, _mm256_cvtpd_ps(x));
    return;
  }
#endif
#if XSIMD_WITH_SSE2
  if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_castps_si128(_mm_cvtpd_ps(x)));
    return;
  }
#endif
  alignas(64) double wide[DoubleBatch<A>::size];
  x.store_aligned(wide);
  for (std::size_t k = 0; k < DoubleBatch<A>::size; ++k) p[k] = static_cast<float>(wide[k]);
}

// Bit k set where lane k of a comparison holds (xsimd 8 has no batch_bool::mask()).
template <class A>
inline unsigned lane_mask(const xsimd::batch_bool<double, A>& b) {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) return static_cast<unsigned>(static_cast<__mmask8>(b));
#endif
#if XSIMD_WITH_AVX
  if constexpr (std::is_base_of_v<xsimd::avx, A>) return static_cast<unsigned>(_mm256_movemask_pd(b));
#endif
#if XSIMD_WITH_SSE2
  if constexpr (std::is_base_of_v<xsimd::sse2, A>) return static_cast<unsigned>(_mm_movemask_pd(b));
#endif
  alignas(64) double lanes[DoubleBatch<A>::size];
  xsimd::select(b, DoubleBatch<A>(1.0), DoubleBatch<A>(0.0)).store_aligned(lanes);
  unsigned m = 0;
  for (std::size_t k = 0; k < DoubleBatch<A>::size; ++k) m |= lanes[k] != 0.0 ? 1u << k : 0u;
  return m;
}

}  // namespace stampede::kernels
