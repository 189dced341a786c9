// GCC 12 reports -Wmaybe-uninitialized inside its own AVX-512 intrinsics (the
// _mm512_undefined_*() they start from; GCC PR 105593, fixed in GCC 13) when xsimd::exp and
// xsimd::hadd are inlined here. It must be silenced before the intrinsic headers are first read.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include "agents/decide.hpp"

#include "agents/decide_simd.hpp"
#include "engine/random/stream.hpp"

namespace stampede::agents {

void decide_reference(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols,
                      TypeRange chunk, DecideTotals& totals) {
  const double inv_temperature = 1.0 / type.temperature;
  const rng::Stream stream(step.seed, step.path, rng::Purpose::decide, step.step);
  for (std::size_t i = chunk.begin; i < chunk.end; ++i)
    detail::decide_agent(type, step, cols, i, stream.uniform(static_cast<std::uint32_t>(i), 0), totals,
                         inv_temperature);
}

void decide(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols, TypeRange chunk,
            DecideTotals& totals) {
  simd::decide_simd<xsimd::default_arch>(type, step, cols, chunk, totals);
}

void decide_avx2(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols, TypeRange chunk,
                 DecideTotals& totals) {
#if XSIMD_WITH_AVX2
  simd::decide_simd<xsimd::avx2>(type, step, cols, chunk, totals);
#else
  decide(type, step, cols, chunk, totals);
#endif
}

std::size_t decide_native_width() noexcept { return xsimd::batch<double, xsimd::default_arch>::size; }

}  // namespace stampede::agents
