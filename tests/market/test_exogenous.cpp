// Exogenous processes (market.md): moments of the market factor and of the OU demand noise vs
// closed forms (tolerance 5 standard errors), the demand formula, and each shock kind's effect.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "engine/market/exogenous.hpp"

using namespace stampede::market;

namespace {
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;
constexpr double kYear = 8760.0 * 3600.0;

MarketParams quiet() {  // M constant, no OU noise: isolates the effect under test
  MarketParams p;
  p.factor.sigma = 0.0;
  p.factor.jump_rate = 0.0;
  p.demand.sd = 0.0;
  return p;
}

struct Moments {
  double mean, var, var_se;
};
Moments moments(const std::vector<double>& v) {
  const double n = static_cast<double>(v.size());
  double m = 0;
  for (double x : v) m += x;
  m /= n;
  double m2 = 0, m4 = 0;
  for (double x : v) {
    const double d = (x - m) * (x - m);
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  // Standard error of the sample variance: sqrt((μ4 − σ⁴)/n).
  return {m, m2 * n / (n - 1), std::sqrt((m4 - m2 * m2) / n)};
}

// ln M_T over `paths` paths of `steps` steps of `dt` seconds.
std::vector<double> ln_factor_at_end(const MarketParams& p, std::int64_t dt, int steps, int paths) {
  ExogenousProcesses ex(p, dt, 2024);
  std::vector<double> out;
  out.reserve(paths);
  for (int path = 0; path < paths; ++path) {
    ex.start_path(path);
    for (int t = 0; t < steps; ++t) ex.advance(t, 1.0);
    out.push_back(ex.ln_factor());
  }
  return out;
}
}  // namespace

TEST_CASE("exogenous: Poisson inversion against the pmf on a uniform grid") {
  const double mean = 0.7;
  const int K = 100000;
  std::vector<int> count(12, 0);
  for (int k = 0; k < K; ++k) {
    const int n = poisson_inversion(mean, (k + 0.5) / K);
    REQUIRE(n < 12);
    ++count[n];
  }
  double pk = std::exp(-mean);
  for (int n = 0; n < 8; ++n) {
    CHECK(std::abs(count[n] / double(K) - pk) <= 1.0 / K + 1e-12);
    pk *= mean / (n + 1);
  }
  CHECK(poisson_inversion(0.001, std::exp(-0.001) * (1 - 1e-12)) == 0);
  CHECK(poisson_inversion(0.001, std::exp(-0.001) * (1 + 1e-9)) == 1);
}

TEST_CASE("exogenous: GBM ln M_T mean and variance match the closed form") {
  MarketParams p;
  p.factor = {0.3, 0.8, 0.0, 0.0, 0.0};
  const int steps = 90, paths = 20000;
  const auto v = ln_factor_at_end(p, kDay, steps, paths);
  const Moments m = moments(v);
  const double T = steps * kDay / kYear;
  const double mean = (0.3 - 0.5 * 0.64) * T, var = 0.64 * T;
  CHECK(std::abs(m.mean - mean) < 5 * std::sqrt(var / paths));
  CHECK(std::abs(m.var - var) < 5 * m.var_se);
}

TEST_CASE("exogenous: GBM with compound-Poisson jumps, moments of ln M_T") {
  MarketParams p;
  p.factor = {0.0, 0.5, 60.0, -0.05, 0.10};  // many jumps so their moments are visible
  const int steps = 60, paths = 20000;
  const auto v = ln_factor_at_end(p, kDay, steps, paths);
  const Moments m = moments(v);
  const double T = steps * kDay / kYear;
  // E = (μ − σ²/2)T + λT·μ_J ; Var = σ²T + λT·(σ_J² + μ_J²)
  const double mean = (0.0 - 0.125) * T + 60.0 * T * -0.05;
  const double var = 0.25 * T + 60.0 * T * (0.01 + 0.0025);
  CHECK(std::abs(m.mean - mean) < 5 * std::sqrt(var / paths));
  CHECK(std::abs(m.var - var) < 5 * m.var_se);
  // Without the jump terms the mean would be off by λTμ_J ≈ −0.49: more than 5 SE.
  CHECK(std::abs(m.mean - (-0.125 * T)) > 5 * std::sqrt(var / paths));
}

TEST_CASE("exogenous: OU noise reaches its stationary sd; X = 0 before step 0") {
  MarketParams p;
  p.factor.sigma = 0.0;
  p.factor.jump_rate = 0.0;
  p.demand.theta = 0.05;
  p.demand.sd = 3000.0;
  ExogenousProcesses ex(p, kHour, 7);
  const int paths = 8000, steps = 30;
  std::vector<double> x30, x300;
  for (int path = 0; path < paths; ++path) {
    ex.start_path(path);
    CHECK(ex.ou() == 0.0);
    for (int t = 0; t < 300; ++t) {
      ex.advance(t, 1.0);
      if (t == steps - 1) x30.push_back(ex.ou());
    }
    x300.push_back(ex.ou());
  }
  // Var X_t = sd²·(1 − e^(−2θt)) exactly for the discretised OU started at 0.
  const Moments a = moments(x30), b = moments(x300);
  const double var30 = 9e6 * (1 - std::exp(-2 * 0.05 * 30));
  CHECK(std::abs(a.mean) < 5 * std::sqrt(var30 / paths));
  CHECK(std::abs(a.var - var30) < 5 * a.var_se);
  CHECK(std::abs(std::sqrt(b.var) - 3000.0) < 5 * b.var_se / (2 * 3000.0));
}

TEST_CASE("exogenous: demand formula with the factor scaling and demand shocks") {
  MarketParams p = quiet();
  p.factor.mu = 8.76;  // ln M grows by 0.001 per hour, deterministically
  p.demand.mean = 100.0;
  p.demand.mean_per_circ = 4.5e-4;
  p.demand.elasticity = 0.02;
  p.shocks.push_back({ShockKind::demand, true, 2 * kHour, 0.0, -6000.0, 3 * kHour, ""});
  ExogenousProcesses ex(p, 2 * kHour, 1);  // dt = 2h
  ex.advance(0, 1.0);
  const double m = std::exp(0.002);
  // D = m·[100 + 4.5e-4·1e6 + 0.02·(1 − 0.9)·1e6]·2h = m·(100 + 450 + 2000)·2
  CHECK(ex.demand(1e6, 1.0, 0.9) == doctest::Approx(m * 2550.0 * 2).epsilon(1e-13));
  // The shock starts at 2h (step 1), n = round(3h/2h) = 2 (llround(1.5) = 2): −3000 per step, not scaled.
  ex.advance(1, 1.0);
  CHECK(ex.demand(1e6, 1.0, 1.0) == doctest::Approx(std::exp(0.004) * 550.0 * 2 - 3000.0).epsilon(1e-13));
  ex.advance(2, 1.0);
  CHECK(ex.demand_shock() == -3000.0);
  ex.advance(3, 1.0);
  CHECK(ex.demand_shock() == 0.0);
  // scale_with_factor false: m = 1.
  p.demand.scale_with_factor = false;
  ExogenousProcesses ex2(p, 2 * kHour, 1);
  ex2.advance(0, 1.0);
  CHECK(ex2.demand(0.0, 1.0, 1.0) == doctest::Approx(200.0).epsilon(1e-15));
  CHECK(ex2.log_return_24h() == doctest::Approx(0.002).epsilon(1e-12));
}

TEST_CASE("exogenous: crash of -50% over one step halves M exactly; over n steps geometrically") {
  MarketParams p = quiet();
  p.shocks.push_back({ShockKind::crash, true, 3 * kHour, 0.0, -0.5, kHour, ""});
  ExogenousProcesses ex(p, kHour, 3);
  for (int t = 0; t < 3; ++t) ex.advance(t, 1.0);
  CHECK(ex.factor() == 1.0);
  ex.advance(3, 1.0);
  CHECK(ex.shock_active(0));
  CHECK(std::abs(ex.factor() - 0.5) <= 1e-15);
  ex.advance(4, 1.0);
  CHECK(!ex.shock_active(0));
  CHECK(std::abs(ex.factor() - 0.5) <= 1e-15);
  CHECK(ex.log_return_24h() == doctest::Approx(std::log(0.5)).epsilon(1e-14));

  MarketParams q = quiet();
  q.shocks.push_back({ShockKind::crash, true, 0, 0.0, -0.4, 4 * kHour, ""});
  ExogenousProcesses e4(q, kHour, 3);
  for (int t = 0; t < 4; ++t) {
    e4.advance(t, 1.0);
    CHECK(e4.factor() == doctest::Approx(std::pow(0.6, (t + 1) / 4.0)).epsilon(1e-14));
  }
  e4.advance(4, 1.0);
  CHECK(e4.factor() == doctest::Approx(0.6).epsilon(1e-14));
}

TEST_CASE("exogenous: whale_exit pieces sum to size*S with S at the first active step") {
  MarketParams p = quiet();
  // at 90m with dt 1h: starts with the first step beginning at or after it, step 2.
  p.shocks.push_back({ShockKind::whale_exit, true, 90 * 60, 0.0, 0.1, 6 * kHour, ""});
  ExogenousProcesses ex(p, kHour, 5);
  double sum = 0.0;
  int active = 0;
  for (int t = 0; t < 20; ++t) {
    ex.advance(t, t <= 2 ? 1e6 : 5e6);  // supply changes after the first active step: ignored
    if (ex.whale_tokens() > 0.0) {
      ++active;
      CHECK(ex.whale_tokens() == doctest::Approx(1e5 / 6).epsilon(1e-15));
      CHECK(t >= 2);
      CHECK(t < 8);
    }
    sum += ex.whale_tokens();
  }
  CHECK(ex.shock_start(0) == 2);
  CHECK(active == 6);
  CHECK(sum == doctest::Approx(1e5).epsilon(1e-14));
}

TEST_CASE("exogenous: liquidity_drain leaves (1 - size) of the outside shares after n steps") {
  MarketParams p = quiet();
  p.shocks.push_back({ShockKind::liquidity_drain, true, kDay, 0.0, 0.7, 10 * kHour, ""});
  ExogenousProcesses ex(p, kHour, 5);
  double shares = 123456.0;
  int active = 0;
  for (int t = 0; t < 48; ++t) {
    ex.advance(t, 1.0);
    if (ex.drain_fraction() > 0.0) ++active;
    shares -= shares * ex.drain_fraction();
  }
  CHECK(active == 10);
  CHECK(shares == doctest::Approx(0.3 * 123456.0).epsilon(1e-13));
}

TEST_CASE("exogenous: reserve_depeg values the quote at 1 + size while active") {
  MarketParams p = quiet();
  p.shocks.push_back({ShockKind::reserve_depeg, true, 2 * kHour, 0.0, -0.13, 2 * kHour, ""});
  ExogenousProcesses ex(p, kHour, 5);
  const double expected[] = {1, 1, 0.87, 0.87, 1, 1};
  for (int t = 0; t < 6; ++t) {
    ex.advance(t, 1.0);
    CHECK(ex.quote_usd() == doctest::Approx(expected[t]).epsilon(1e-15));
  }
}

TEST_CASE("exogenous: a rate shock fires at most once, with probability 1 - exp(-rate*T) by T") {
  MarketParams p = quiet();
  p.shocks.push_back({ShockKind::demand, false, 0, 10.0, 100.0, kHour, ""});  // 10 per year
  ExogenousProcesses ex(p, kHour, 11);
  const int paths = 4000, steps = 24 * 30;
  int fired = 0;
  for (int path = 0; path < paths; ++path) {
    ex.start_path(path);
    int active_steps = 0;
    for (int t = 0; t < steps; ++t) {
      ex.advance(t, 1.0);
      if (ex.shock_active(0)) ++active_steps;
    }
    REQUIRE(active_steps <= 1);
    if (ex.shock_start(0) >= 0) {
      CHECK(active_steps == 1);
      ++fired;
    }
  }
  const double prob = 1 - std::exp(-10.0 * steps * kHour / kYear);
  CHECK(std::abs(fired / double(paths) - prob) < 5 * std::sqrt(prob * (1 - prob) / paths));
}

TEST_CASE("exogenous: draws are keyed by (seed, path, step), not by history") {
  MarketParams p;  // defaults: σ 0.8, jumps 4/y, OU sd 3000
  ExogenousProcesses a(p, kHour, 99), b(p, kHour, 99);
  a.start_path(3);
  b.start_path(2);
  b.advance(0, 1.0);  // another path first: no effect on path 3
  b.start_path(3);
  for (int t = 0; t < 50; ++t) {
    a.advance(t, 1.0);
    b.advance(t, 1.0);
  }
  CHECK(a.ln_factor() == b.ln_factor());
  CHECK(a.ou() == b.ou());
  b.start_path(4);
  for (int t = 0; t < 50; ++t) b.advance(t, 1.0);
  CHECK(a.ln_factor() != b.ln_factor());
  CHECK_THROWS(b.advance(60, 1.0));
}
