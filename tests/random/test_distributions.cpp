// Samplers: sample moments against closed forms, tolerance 5 standard errors of the estimator
// (se(mean) = sqrt(Var/n); se(sample variance) ~ sqrt((mu4 - sigma^4)/n)).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <set>
#include <vector>

#include "engine/random/distributions.hpp"

using namespace stampede::rng;
using stampede::Distribution;

namespace {

struct Moments {
  double mean = 0, var = 0;
  std::size_t n = 0;
};
template <class F>
Moments moments(std::size_t n, F&& f) {
  // Welford, so large means do not cancel.
  Moments m;
  double mean = 0, m2 = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    const double x = f();
    const double d = x - mean;
    mean += d / static_cast<double>(i);
    m2 += d * (x - mean);
  }
  m.mean = mean;
  m.var = m2 / static_cast<double>(n - 1);
  m.n = n;
  return m;
}
// mean within 5 se of mu, variance within 5 se of var given the 4th central moment mu4.
void check_moments(const Moments& m, double mu, double var, double mu4) {
  const double n = static_cast<double>(m.n);
  CHECK(std::abs(m.mean - mu) < 5.0 * std::sqrt(var / n));
  CHECK(std::abs(m.var - var) < 5.0 * std::sqrt((mu4 - var * var) / n));
}
constexpr std::size_t kN = 200000;

}  // namespace

TEST_CASE("uniform_real: mean (a+b)/2, variance (b-a)^2/12") {
  Sequence q(1, 0, Purpose::agent_init, 0);
  const double a = -2, b = 6, w = b - a;
  const Moments m = moments(kN, [&] { return uniform_real(q, a, b); });
  check_moments(m, 2.0, w * w / 12.0, w * w * w * w / 80.0);
}

TEST_CASE("uniform_int: inclusive range, every value, discrete-uniform moments") {
  Sequence q(2, 0, Purpose::agent_init, 0);
  std::set<std::int64_t> seen;
  const Moments m = moments(kN, [&] {
    const std::int64_t x = uniform_int(q, -3, 6);  // 10 values
    seen.insert(x);
    return static_cast<double>(x);
  });
  CHECK(seen.size() == 10);
  CHECK(*seen.begin() == -3);
  CHECK(*seen.rbegin() == 6);
  // n = 10 values: var = (n^2 - 1)/12 = 8.25; mu4 = (n^2-1)(3n^2-7)/240 = 99·293/240
  check_moments(m, 1.5, 8.25, 99.0 * 293.0 / 240.0);
  CHECK(uniform_int(q, 7, 7) == 7);
  // Full range does not hang and covers both signs.
  bool neg = false, pos = false;
  for (int i = 0; i < 64; ++i) {
    const auto x = uniform_int(q, INT64_MIN, INT64_MAX);
    neg |= x < 0;
    pos |= x > 0;
  }
  CHECK((neg && pos));
}

TEST_CASE("normal and lognormal") {
  Sequence q(3, 0, Purpose::market, 0);
  const Moments m = moments(kN, [&] { return normal(q, 5.0, 2.0); });
  check_moments(m, 5.0, 4.0, 3.0 * 16.0);
  // ln X ~ N(mu, sigma^2); E[X] = exp(mu + sigma^2/2)
  const double mu = -0.5, s = 0.4;
  Sequence q2(4, 0, Purpose::market, 0);
  std::vector<double> xs(kN);
  for (double& x : xs) x = lognormal(q2, mu, s);
  std::size_t i = 0;
  const Moments lm = moments(kN, [&] { return std::log(xs[i++]); });
  check_moments(lm, mu, s * s, 3 * s * s * s * s);
  i = 0;
  const Moments xm = moments(kN, [&] { return xs[i++]; });
  const double var_x = (std::exp(s * s) - 1.0) * std::exp(2 * mu + s * s);
  CHECK(std::abs(xm.mean - std::exp(mu + s * s / 2)) < 5.0 * std::sqrt(var_x / kN));
}

TEST_CASE("exponential: mean 1/rate, variance 1/rate^2") {
  Sequence q(5, 0, Purpose::shocks, 0);
  const double r = 2.5;
  const Moments m = moments(kN, [&] { return exponential(q, r); });
  check_moments(m, 1 / r, 1 / (r * r), 9 / (r * r * r * r));
}

TEST_CASE("poisson: mean = variance = lambda at 0.01, 3, 50 (and 9.99, 10, 1e4 at the switch/large)") {
  for (double lam : {0.01, 3.0, 9.99, 10.0, 50.0, 1e4}) {
    CAPTURE(lam);
    Sequence q(6, 0, Purpose::arrivals, static_cast<std::uint64_t>(lam * 100));
    std::size_t zeros = 0;
    const Moments m = moments(kN, [&] {
      const auto k = poisson(q, lam);
      zeros += k == 0;
      return static_cast<double>(k);
    });
    check_moments(m, lam, lam, lam * (1 + 3 * lam));  // mu4 = lam(1 + 3 lam)
    const double p0 = std::exp(-lam);
    CHECK(std::abs(static_cast<double>(zeros) / kN - p0) < 5 * std::sqrt(p0 * (1 - p0) / kN) + 1e-12);
  }
  Sequence q(6, 1, Purpose::arrivals, 0);
  CHECK(poisson(q, 0.0) == 0);
  CHECK(poisson(q, -1.0) == 0);
}

TEST_CASE("poisson pmf at lambda = 50 (PTRS) matches the closed form") {
  Sequence q(7, 0, Purpose::arrivals, 0);
  const double lam = 50;
  std::vector<std::size_t> counts(200, 0);
  for (std::size_t i = 0; i < kN; ++i) {
    const auto k = poisson(q, lam);
    if (k < counts.size()) ++counts[k];
  }
  for (int k : {35, 45, 50, 55, 65}) {
    CAPTURE(k);
    const double p = std::exp(-lam + k * std::log(lam) - std::lgamma(k + 1.0));
    CHECK(std::abs(static_cast<double>(counts[k]) / kN - p) < 5 * std::sqrt(p * (1 - p) / kN));
  }
}

TEST_CASE("gamma (Marsaglia-Tsang): mean k·theta, variance k·theta^2, shapes below and above 1") {
  for (double k : {0.3, 1.0, 2.5, 30.0}) {
    CAPTURE(k);
    const double th = 1.7;
    Sequence q(8, 0, Purpose::agent_init, static_cast<std::uint64_t>(k * 10));
    const Moments m = moments(kN, [&] { return gamma(q, k, th); });
    const double var = k * th * th;
    check_moments(m, k * th, var, (3 + 6 / k) * var * var);  // excess kurtosis 6/k
  }
}

TEST_CASE("beta via gammas") {
  for (auto [a, b] : {std::pair{2.0, 5.0}, std::pair{0.5, 0.5}}) {
    CAPTURE(a);
    Sequence q(9, 0, Purpose::agent_init, static_cast<std::uint64_t>(a * 10));
    const Moments m = moments(kN, [&] {
      const double x = beta(q, a, b);
      REQUIRE(x >= 0.0);
      REQUIRE(x <= 1.0);
      return x;
    });
    const double s = a + b;
    const double var = a * b / (s * s * (s + 1));
    const double exk = 6 * ((a - b) * (a - b) * (s + 1) - a * b * (s + 2)) / (a * b * (s + 2) * (s + 3));
    check_moments(m, a / s, var, (3 + exk) * var * var);
  }
}

TEST_CASE("pareto: support [x_m, inf), ln(X/x_m) ~ Exp(alpha), mean alpha·x_m/(alpha-1)") {
  Sequence q(10, 0, Purpose::agent_init, 0);
  const double alpha = 5.0, xm = 2.0;
  std::vector<double> xs(kN);
  for (double& x : xs) {
    x = pareto(q, alpha, xm);
    REQUIRE(x >= xm);
  }
  std::size_t i = 0;
  const Moments lm = moments(kN, [&] { return std::log(xs[i++] / xm); });
  check_moments(lm, 1 / alpha, 1 / (alpha * alpha), 9 / std::pow(alpha, 4));
  i = 0;
  const Moments m = moments(kN, [&] { return xs[i++]; });
  const double var = xm * xm * alpha / ((alpha - 1) * (alpha - 1) * (alpha - 2));
  CHECK(std::abs(m.mean - alpha * xm / (alpha - 1)) < 5 * std::sqrt(var / kN));
}

TEST_CASE("sample: kinds dispatch to the samplers") {
  Sequence q(11, 0, Purpose::agent_init, 0);
  CHECK(sample(Distribution::constant(3.25), q) == 3.25);
  const Moments m = moments(kN, [&] { return sample(Distribution::normal(1.0, 3.0), q); });
  check_moments(m, 1.0, 9.0, 3 * 81.0);
  Distribution ui{stampede::DistKind::uniform_int, 1.0, 3.0};
  std::set<double> seen;
  for (int i = 0; i < 200; ++i) seen.insert(sample(ui, q));
  CHECK(seen == std::set<double>{1.0, 2.0, 3.0});
  const Moments bm = moments(kN, [&] { return sample(Distribution::beta(2.0, 2.0), q); });
  CHECK(std::abs(bm.mean - 0.5) < 5 * std::sqrt(0.05 / kN));  // Var Beta(2,2) = 1/20
}

TEST_CASE("sample: truncation redraws (half-normal), impossible bounds clamp") {
  Sequence q(12, 0, Purpose::agent_init, 0);
  Distribution half = Distribution::normal(0.0, 1.0);
  half.min = 0.0;
  const Moments m = moments(kN, [&] {
    const double x = sample(half, q);
    REQUIRE(x >= 0.0);
    return x;
  });
  // Half-normal raw moments: E X = sqrt(2/pi) = mu, E X^2 = 1, E X^3 = 2 mu, E X^4 = 3;
  // central mu4 = E X^4 - 4 mu E X^3 + 6 mu^2 E X^2 - 3 mu^4.
  const double mu = std::sqrt(2 / std::numbers::pi), var = 1 - mu * mu;
  const double mu4 = 3 - 4 * mu * (2 * mu) + 6 * mu * mu - 3 * std::pow(mu, 4);
  check_moments(m, mu, var, mu4);

  Distribution far = Distribution::normal(0.0, 1.0);  // P(10 <= X <= 11) ~ 1e-23: always clamps
  far.min = 10.0;
  far.max = 11.0;
  for (int i = 0; i < 100; ++i) CHECK(sample(far, q) == 10.0);
  Distribution pinned = Distribution::constant(5.0);
  pinned.max = 4.0;
  CHECK(sample(pinned, q) == 4.0);
}

TEST_CASE("samplers are deterministic in the stream key") {
  Sequence a(13, 2, Purpose::agent_init, 4, 9), b(13, 2, Purpose::agent_init, 4, 9), c(13, 2, Purpose::agent_init, 4, 10);
  bool differ = false;
  for (int i = 0; i < 100; ++i) {
    const double x = gamma(a, 2.0), y = gamma(b, 2.0), z = gamma(c, 2.0);
    CHECK(x == y);
    differ |= x != z;
  }
  CHECK(differ);
}
