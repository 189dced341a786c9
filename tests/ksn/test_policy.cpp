// ksn.md §10 case 2 (policy KS5), the KS6 volatility window and g_TVL, §9 invariant 4 (r clamped).
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "engine/protocols/ksn/history.hpp"
#include "engine/protocols/ksn/rebase_policy.hpp"
#include "tests/ksn/digits.hpp"

using namespace stampede::ksn;
using ksn_test::check_digits;

namespace {
RebasePolicy default_policy() {
  const KsnParams p;
  return RebasePolicy(p.policy, p.rebase, p.potp);
}
}  // namespace

TEST_CASE("ksn case 2: sigmoid policy at the spec's two input points") {
  const RebasePolicy policy = default_policy();
  PolicyInputs a;
  a.v = 0.5;
  a.g_tvl = 0.0;
  a.kappa = 0.75;
  check_digits(policy.index(a), -1.25, 2);
  check_digits(policy.rate(a), 0.0030043, 7);
  PolicyInputs b;
  b.v = 2.0;
  b.g_tvl = -0.3;
  b.kappa = 0.5;
  check_digits(policy.index(b), -5.1, 1);
  check_digits(policy.rate(b), 0.0010545, 7);
  // Calibrated calm operating point v ≈ 0.2, κ ≈ 1.1 → r ≈ 0.0046–0.0055.
  PolicyInputs calm;
  calm.v = 0.2;
  calm.kappa = 1.1;
  CHECK(policy.rate(calm) >= 0.0046);
  CHECK(policy.rate(calm) <= 0.0055);
}

TEST_CASE("ksn invariant 4: r_t is always in [r_min, r_max], for both kinds") {
  KsnParams p;
  const RebasePolicy sig(p.policy, p.rebase, p.potp);
  PolicyInputs hot;
  hot.v = 1e6;
  CHECK(sig.rate(hot) == p.rebase.r_min);
  PolicyInputs boom;
  boom.kappa = 1e6;
  CHECK(sig.rate(boom) == p.rebase.r_max);
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(-50.0, 50.0);
  for (int k = 0; k < 1000; ++k) {
    PolicyInputs in;
    in.v = u(gen);
    in.g_tvl = u(gen);
    in.kappa = u(gen);
    const double r = sig.rate(in);
    CHECK(r >= p.rebase.r_min);
    CHECK(r <= p.rebase.r_max);
  }
  p.policy.kind = PolicyKind::constant;
  CHECK(RebasePolicy(p.policy, p.rebase, p.potp).rate({}) == 0.003);
  p.policy.r_const = 0.5;
  CHECK(RebasePolicy(p.policy, p.rebase, p.potp).rate({}) == p.rebase.r_max);
  p.policy.r_const = 0.0;
  CHECK(RebasePolicy(p.policy, p.rebase, p.potp).rate({}) == p.rebase.r_min);
}

TEST_CASE("ksn policy PoTP weights: fixed, clamped to [0, 1]") {
  KsnParams p;
  PotpWeights w = RebasePolicy(p.policy, p.rebase, p.potp).potp_weights({});
  CHECK(w.lambda == 0.144);
  CHECK(w.mu == 0.1);
  CHECK(w.nu == 0.1);
  p.potp.lambda = 3.0;
  p.potp.nu = -1.0;
  w = RebasePolicy(p.policy, p.rebase, p.potp).potp_weights({});
  CHECK(w.lambda == 1.0);
  CHECK(w.nu == 0.0);
}

TEST_CASE("ksn KS6 volatility: vol_ref with no history, closed form for alternating returns") {
  const std::int64_t dt = 3600;
  SpotVolatility vol(168, 10.0);
  CHECK(vol.value(0.5, dt) == 0.5);
  // Spots 10·e^{±a} alternating: every |ℓ_k| = a (the first from the initial spot 10), so
  // v = a·sqrt(8760) exactly (365d/1h = 8760 steps a year).
  const double a = 0.01;
  for (int k = 0; k < 10; ++k) vol.push(k % 2 == 0 ? 10.0 * std::exp(a) : 10.0);
  CHECK(vol.count() == 10);
  CHECK(vol.value(0.5, dt) == doctest::Approx(a * std::sqrt(8760.0)).epsilon(1e-9));
  // A flat price has zero volatility.
  SpotVolatility flat(168, 10.0);
  for (int k = 0; k < 5; ++k) flat.push(10.0);
  CHECK(flat.value(0.5, dt) == 0.0);
}

TEST_CASE("ksn KS6 volatility uses only the last window of returns") {
  SpotVolatility vol(3, 1.0);
  vol.push(2.0);  // ln 2, leaves the window after three more steps
  vol.push(2.0 * std::exp(0.02));
  vol.push(2.0);
  vol.push(2.0 * std::exp(0.02));
  CHECK(vol.count() == 3);
  // 30-minute steps: 17520 a year; returns 0.02, −0.02, 0.02 → mean square 4e−4.
  CHECK(vol.value(0.5, 1800) == doctest::Approx(std::sqrt(17520.0 * 4e-4)).epsilon(1e-9));
}

TEST_CASE("ksn KS5 g_TVL: against the oldest available TVL, then the one a window back") {
  TvlGrowth g(14, 100.0);
  CHECK(g.growth() == 0.0);  // only the initial TVL
  g.push(110.0);
  CHECK(g.growth() == doctest::Approx(0.1));
  // Rebases 2…14 at TVL 100 + 10k; at rebase 14 the reference is still t = 0 (exactly 7d back).
  for (int k = 2; k <= 14; ++k) g.push(100.0 + 10.0 * k);
  CHECK(g.growth() == doctest::Approx(240.0 / 100.0 - 1.0));
  g.push(300.0);  // rebase 15: reference = rebase 1 (TVL 110)
  CHECK(g.growth() == doctest::Approx(300.0 / 110.0 - 1.0));
}
