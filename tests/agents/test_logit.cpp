// The bound behind the decision's exact skip (agents/logit.hpp): above σ everywhere, tight where
// agents rarely act, and the same in SIMD as in scalar code.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "agents/logit.hpp"

using namespace stampede::agents;

TEST_CASE("sigmoid_upper_bound is an upper bound of σ, within 6.2% of e^z and 1 above 0") {
  for (double z = -760.0; z <= 40.0; z += 0.0137) {
    const double s = sigmoid(z), b = sigmoid_upper_bound(z);
    REQUIRE_MESSAGE(b >= s, "z = " << z);
    REQUIRE(b <= 1.0);
    if (z > 0) REQUIRE(b == 1.0);
    if (z < -1 && z > -700) REQUIRE(b <= 1.0615 * std::exp(z));  // the chord bound of 2^f: at most (1 + f)/2^f ≤ 1.0614
  }
  // Where agents rarely act the bound is tight: σ(−6.5) = 0.0015 and the bound within 6%.
  CHECK(sigmoid_upper_bound(-6.5) / sigmoid(-6.5) < 1.07);
  CHECK(sigmoid_upper_bound(0.0) == 1.0);
  // NaN scores are bounded like the most negative ones (the full rule holds on a NaN too).
  CHECK(sigmoid_upper_bound(std::nan("")) < 1e-300);
}

TEST_CASE("pow2_integer is 2^k exactly over the exponents the bound uses") {
  for (int k = -1010; k <= 0; ++k) REQUIRE(pow2_integer(static_cast<double>(k)) == std::ldexp(1.0, k));
}

template <class A>
void simd_matches_scalar() {
  using D = xsimd::batch<double, A>;
  std::vector<double> z;
  for (double x = -800.0; x <= 20.0; x += 0.731) z.push_back(x);
  z.push_back(std::nan(""));
  while (z.size() % D::size) z.push_back(-1.0);
  alignas(64) double out[D::size];
  for (std::size_t i = 0; i < z.size(); i += D::size) {
    sigmoid_upper_bound<A>(D::load_unaligned(z.data() + i)).store_aligned(out);
    for (std::size_t j = 0; j < D::size; ++j) REQUIRE(out[j] == sigmoid_upper_bound(z[i + j]));
  }
}

TEST_CASE("sigmoid_upper_bound: SIMD lanes equal the scalar bound bit for bit") {
  simd_matches_scalar<xsimd::default_arch>();
#if XSIMD_WITH_AVX2
  simd_matches_scalar<xsimd::avx2>();
#endif
#if XSIMD_WITH_SSE2
  simd_matches_scalar<xsimd::sse2>();
#endif
}
