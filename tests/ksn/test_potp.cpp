// ksn.md §10 cases 3–4 (PoTP KS10 and the weighted distribution KS8–KS9), §9 invariant 5.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/protocols/ksn/potp.hpp"
#include "engine/protocols/ksn/rebase.hpp"
#include "tests/ksn/digits.hpp"

using namespace stampede::ksn;
using ksn_test::check_digits;

namespace {
constexpr double kDay = 86400.0;
const PotpWeights kDefaultWeights{0.144, 0.1, 0.1};
double m_of(double days, double G, double L) {
  return potp_multiplier(days * kDay, G, L, kDefaultWeights, 10.0 * kDay, 2.0);
}
}  // namespace

TEST_CASE("ksn case 3: PoTP time bonus with G = L = 0") {
  check_digits(m_of(1.0, 0.0, 0.0), 1.0137247, 7);
  check_digits(m_of(10.0, 0.0, 0.0), 1.0998132, 7);
  check_digits(m_of(30.0, 0.0, 0.0), 1.1996, 4);
  check_digits(m_of(90.0, 0.0, 0.0), 1.3316, 4);
  // [TPC] row 1: +1% … +10% over the first 10 days.
  CHECK(m_of(1.0, 0.0, 0.0) - 1.0 >= 0.01);
  CHECK(m_of(10.0, 0.0, 0.0) - 1.0 <= 0.10);
}

TEST_CASE("ksn case 4: three agents share a rebase by PoTP weight") {
  const double mA = m_of(0.0, 0.0, 1.0), mB = m_of(10.0, 0.5, 1.0), mC = m_of(30.0, 1.0, 0.5);
  check_digits(mA, 1.1, 7);
  check_digits(mB, 1.2498132, 7);
  check_digits(mC, 1.3496264, 7);
  const double q[3] = {1000.0, 1000.0, 2000.0};  // A, B stake; C bond_rem
  const double m[3] = {mA, mB, mC};
  double Q = 0.0, W = 0.0;
  for (int i = 0; i < 3; ++i) {
    Q += q[i];
    W += q[i] * m[i];
  }
  check_digits(Q, 4000.0, 0);
  check_digits(W, 5049.06597, 5);

  SUBCASE("DCP ample: R = r·Q") {
    KsnState s;
    s.DCP = 1e6;
    s.S = 1e7;
    const RebaseBudget b = plan_rebase(s, {FundingMode::dcp_only, 1.0}, 0.003, Q, W, 0.0);
    check_digits(b.R, 12.0, 0);
    check_digits(b.r_eff, 0.003, 3);
    check_digits(b.g, 0.00237668, 8);
    const double expect[3] = {2.614345, 2.970403, 6.415253};
    const double rate_pct[3] = {0.2614, 0.2970, 0.3208};
    double sum = 0.0;
    for (int i = 0; i < 3; ++i) {
      const double d = rebase_reward(b.g, m[i], q[i]);
      check_digits(d, expect[i], 6);
      check_digits(100.0 * d / q[i], rate_pct[i], 4);
      CHECK((d / q[i] > b.r_eff) == (m[i] > W / Q));  // above r_eff iff m_i > W/Q
      sum += d;
    }
    CHECK(sum == doctest::Approx(b.R).epsilon(1e-14));  // Σ Δ_i = R (invariant 4)
    pay_rebase(s, sum);
    CHECK(s.DCP == doctest::Approx(1e6 - 12.0));
  }
  SUBCASE("DCP = 8, dcp_only: the budget is the DCP") {
    KsnState s;
    s.DCP = 8.0;
    s.S = 1e7;
    const RebaseBudget b = plan_rebase(s, {FundingMode::dcp_only, 1.0}, 0.003, Q, W, 1e9);
    CHECK(b.mint == 0.0);
    check_digits(b.R, 8.0, 0);
    check_digits(b.r_eff, 0.002, 3);
    const double expect[3] = {1.742897, 1.980268, 4.276835};
    double sum = 0.0;
    for (int i = 0; i < 3; ++i) {
      const double d = rebase_reward(b.g, m[i], q[i]);
      check_digits(d, expect[i], 6);
      sum += d;
    }
    pay_rebase(s, sum);
    CHECK(s.DCP == doctest::Approx(0.0).epsilon(1e-12).scale(8.0));
    CHECK(s.DCP >= 0.0);
  }
}

TEST_CASE("ksn invariant 5: m in [1, m_cap] over ages, participation and loyalty") {
  for (double days = 0.0; days <= 3650.0; days += 7.3)
    for (double G = 0.0; G <= 1.0; G += 0.25)
      for (double L = 0.0; L <= 1.0; L += 0.25) {
        const double m = m_of(days, G, L);
        CHECK(m >= 1.0);
        CHECK(m <= 2.0);
      }
  // The cap binds: 1 + 0.144·ln(1 + 3650/10) + 0.2 > 2.
  CHECK(m_of(3650.0, 1.0, 1.0) == 2.0);
  // With all weights 0 (case 8) every position has m = 1.
  CHECK(potp_multiplier(1e7, 1.0, 1.0, {0.0, 0.0, 0.0}, 864000.0, 2.0) == 1.0);
}

TEST_CASE("ksn KS10 loyalty: exponential share of epochs without withdrawal") {
  const double a = loyalty_decay(12 * 3600, 30 * 86400);
  CHECK(a == doctest::Approx(std::exp(-0.5 / 30.0)));
  double L = 0.0;
  for (int k = 0; k < 60; ++k) L = loyalty_update(L, false, a);  // 30 days without withdrawal
  CHECK(L == doctest::Approx(1.0 - std::exp(-1.0)).epsilon(1e-12));
  const double before = L;
  L = loyalty_update(L, true, a);  // a withdrawal lowers it
  CHECK(L == doctest::Approx(a * before));
  CHECK(loyalty_update(1.0, false, a) == doctest::Approx(1.0));
}
