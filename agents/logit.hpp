#pragma once
// The logistic function of the choice rule (agents.md "The behaviour model": P = ρ·σ(score/T)),
// written once for every protocol, and the closed-form bound behind the decision's exact skip
// (agents/fused_pass.hpp).
#include <cmath>
#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "engine/random/philox.hpp"
#include "kernels/simd.hpp"

namespace stampede::agents {

inline double sigmoid(double x) noexcept { return 1.0 / (1.0 + std::exp(-x)); }

// An upper bound of σ(z) that needs no division and no exponential: σ(z) = e^z/(1 + e^z) ≤
// min(1, e^z), and with t = z·log2(e) = k + f (k integer, 0 ≤ f < 1), e^z = 2^k·2^f ≤ 2^k·(1 + f)
// (2^f is convex: below its chord on [0, 1]). Within 6% of e^z, and e^z is within 0.2% of σ(z)
// for z ≤ −6. z is clamped to [−700, 0] first: raising z only raises the bound, and above 0 the
// bound is 1. The rounding of t (~1e−16·|t|) is covered by the skip's slack.
inline constexpr double kLog2e = 1.4426950408889634;
inline constexpr double kMinBoundExponent = -700.0;

// 2^k for an integer-valued k with k + 1023 in [1, 2046]: k sits in the low mantissa bits of
// k + 1.5·2^52, and (those bits + 1023) << 52 is the exponent field of 2^k.
inline double pow2_integer(double k) noexcept {
  const double m = k + 0x1.8p52;
  std::uint64_t bits;
  std::memcpy(&bits, &m, sizeof bits);
  bits = (bits + 1023u) << 52;
  double r;
  std::memcpy(&r, &bits, sizeof r);
  return r;
}

inline double sigmoid_upper_bound(double z) noexcept {
  const double zc = z > 0.0 ? 0.0 : (z > kMinBoundExponent ? z : kMinBoundExponent);  // NaN -> −700
  const double t = zc * kLog2e;
  const double k = std::floor(t);
  const double b = pow2_integer(k) * (1.0 + (t - k));
  return b < 1.0 ? b : 1.0;
}

// sigmoid_upper_bound lane by lane, with the same operations (so the same values).
template <class A>
inline xsimd::batch<double, A> sigmoid_upper_bound(const xsimd::batch<double, A>& z) noexcept {
  using D = xsimd::batch<double, A>;
  using U = xsimd::batch<std::uint64_t, A>;
  const D zc = xsimd::select(z > D(0.0), D(0.0), xsimd::select(z > D(kMinBoundExponent), z, D(kMinBoundExponent)));
  const D t = zc * D(kLog2e);
  const D k = kernels::floor_of<A>(t);
  const U bits = xsimd::bitwise_cast<U>(k + D(0x1.8p52)) + U(1023u);
  const D bound = xsimd::bitwise_cast<D>(rng::philox::shl64<52, A>(bits)) * (D(1.0) + (t - k));
  return kernels::min_of<A>(bound, D(1.0));
}

}  // namespace stampede::agents
