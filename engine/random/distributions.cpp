// Scalar samplers (distributions.hpp).
#include "engine/random/distributions.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace stampede::rng {

double uniform_real(Sequence& q, double low, double high) noexcept {
  return low + (high - low) * q.uniform();
}

// Lemire's multiply-shift with rejection ("Fast random integer generation in an interval",
// 2019): unbiased for every range, including the full 2^64 one.
std::int64_t uniform_int(Sequence& q, std::int64_t low, std::int64_t high) noexcept {
  assert(low <= high);
  const std::uint64_t range = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low) + 1u;
  auto draw64 = [&q] {
    const std::uint64_t lo = q.next_u32();
    return (static_cast<std::uint64_t>(q.next_u32()) << 32) | lo;
  };
  if (range == 0) return static_cast<std::int64_t>(draw64());  // [INT64_MIN, INT64_MAX]
  unsigned __int128 m = static_cast<unsigned __int128>(draw64()) * range;
  if (static_cast<std::uint64_t>(m) < range) {
    const std::uint64_t threshold = (0 - range) % range;  // 2^64 mod range
    while (static_cast<std::uint64_t>(m) < threshold) m = static_cast<unsigned __int128>(draw64()) * range;
  }
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + static_cast<std::uint64_t>(m >> 64));
}

double normal(Sequence& q, double mean, double sd) noexcept { return mean + sd * q.normal(); }

double lognormal(Sequence& q, double mu, double sigma) noexcept { return std::exp(mu + sigma * q.normal()); }

// Inversion: -ln U / rate; U < 1 strictly, so the result is finite and > 0.
double exponential(Sequence& q, double rate) noexcept { return -std::log(q.uniform()) / rate; }

namespace {

// Sequential inversion (Devroye 1986, X.3.3); exp(-mean) does not underflow for mean < 10.
std::uint64_t poisson_inversion(Sequence& q, double mean) noexcept {
  double p = std::exp(-mean);
  double cdf = p;
  const double u = q.uniform();
  std::uint64_t k = 0;
  // The bound stops the walk if rounding leaves cdf just below a u near 1 (P(X > 200) ~ 1e-200).
  while (u > cdf && k < 200) {
    ++k;
    p *= mean / static_cast<double>(k);
    cdf += p;
  }
  return k;
}

// PTRS, transformed rejection with squeeze (Hörmann, "The transformed rejection method for
// generating Poisson random variables", 1993), exact for mean >= 10; as in NumPy.
std::uint64_t poisson_ptrs(Sequence& q, double mean) noexcept {
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = q.uniform() - 0.5;
    const double v = q.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - std::lgamma(k + 1.0))
      return static_cast<std::uint64_t>(k);
  }
}

}  // namespace

std::uint64_t poisson(Sequence& q, double mean) noexcept {
  if (!(mean > 0.0)) return 0;
  return mean < 10.0 ? poisson_inversion(q, mean) : poisson_ptrs(q, mean);
}

// Marsaglia & Tsang, "A simple method for generating gamma variables" (2000), shape >= 1;
// shape < 1 via Gamma(shape) = Gamma(shape + 1)·U^(1/shape).
double gamma(Sequence& q, double shape, double scale) noexcept {
  assert(shape > 0.0);
  if (shape < 1.0) {
    const double g = gamma(q, shape + 1.0, 1.0);
    return scale * g * std::pow(q.uniform(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = q.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = q.uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return scale * d * v;              // squeeze
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return scale * d * v;
  }
}

// X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
double beta(Sequence& q, double a, double b) noexcept {
  const double x = gamma(q, a, 1.0);
  const double y = gamma(q, b, 1.0);
  return x / (x + y);
}

double pareto(Sequence& q, double alpha, double x_m) noexcept {
  return x_m * std::pow(q.uniform(), -1.0 / alpha);
}

namespace {

double draw(const Distribution& d, Sequence& q) noexcept {
  switch (d.kind) {
    case DistKind::constant: return d.a;
    case DistKind::uniform: return uniform_real(q, d.a, d.b);
    case DistKind::uniform_int:
      return static_cast<double>(uniform_int(q, static_cast<std::int64_t>(std::ceil(d.a)),
                                             static_cast<std::int64_t>(std::floor(d.b))));
    case DistKind::normal: return normal(q, d.a, d.b);
    case DistKind::lognormal: return lognormal(q, d.a, d.b);
    case DistKind::beta: return beta(q, d.a, d.b);
    case DistKind::pareto: return pareto(q, d.a, d.b);
  }
  return d.a;
}

}  // namespace

double sample(const Distribution& d, Sequence& q) noexcept {
  double x = draw(d, q);
  if (d.is_constant()) return std::clamp(x, d.min, std::max(d.min, d.max));
  for (int i = 0; i < kMaxRedraws && !(x >= d.min && x <= d.max); ++i) x = draw(d, q);
  return std::min(std::max(x, d.min), d.max);
}

}  // namespace stampede::rng
