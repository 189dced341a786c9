// ksn.md §4–§5 phase 4b wiring: the initial rate, policy inputs and one planned rebase.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/protocols/ksn/rebase_step.hpp"
#include "tests/ksn/digits.hpp"

using namespace stampede::ksn;
using ksn_test::check_digits;

TEST_CASE("ksn initial rate is KS5 at the initial state with v = vol_ref, g_TVL = 0") {
  const KsnParams p;
  KsnState s = make_initial_state(p, 3600);
  const RebasePolicy policy(p.policy, p.rebase, p.potp);
  // W0 = 0.75·S_circ (S_circ0 = 8.4e6) gives case 2's first point: r = 0.0030043.
  const double r = initialise_rates(s, p, policy, 6e6, 0.75 * 8.4e6);
  check_digits(r, 0.0030043, 7);
  CHECK(s.r_t == r);
  CHECK(s.r_eff == r);
}

TEST_CASE("ksn planned rebase: inputs from the state and histories, budget from KS7-KS8") {
  const KsnParams p;
  KsnState s = make_initial_state(p, 3600);
  const RebasePolicy policy(p.policy, p.rebase, p.potp);
  const double Q = 6e6, W = 6.3e6;  // κ = 0.75
  initialise_rates(s, p, policy, Q, W);
  const double r_prev = s.r_t;
  // 12 flat hours: v = 0; TVL unchanged: g_TVL = 0 → x = −1 + 0.75 = −0.25.
  SpotVolatility vol(168, s.pool.spot());
  for (int k = 0; k < 12; ++k) vol.push(s.pool.spot());
  TvlGrowth tvl(14, s.pool.spot() * Q + 2.0 * s.pool.quote_reserve());
  const double dcp0 = s.DCP, S0 = s.S;
  const RebaseOutcome out = plan_rebase_step(s, p, policy, vol, tvl, 3600, Q, W);
  CHECK(out.inputs.v == 0.0);
  CHECK(out.inputs.g_tvl == 0.0);
  CHECK(out.inputs.kappa == doctest::Approx(0.75));
  CHECK(out.inputs.premium == doctest::Approx(10.0 / (13e6 / 8.4e6)));
  CHECK(out.inputs.r_prev == r_prev);
  // runway_days = 0.5·(DCP + E)/(r_prev·Q)
  CHECK(out.inputs.runway_days ==
        doctest::Approx(0.5 * (100000.0 + 2162277.66) / (r_prev * Q)).epsilon(1e-9));
  const double r_expected = 0.001 + 0.009 / (1.0 + std::exp(0.25));
  CHECK(out.budget.r_t == doctest::Approx(r_expected).epsilon(1e-12));
  // r·Q ≈ 2.9e4 < DCP0 = 1e5: no mint, R = r·Q, g = R/W.
  CHECK(out.budget.mint == 0.0);
  CHECK(out.budget.R == doctest::Approx(r_expected * Q).epsilon(1e-12));
  CHECK(out.budget.g == doctest::Approx(r_expected * Q / W).epsilon(1e-12));
  CHECK(s.DCP == dcp0);  // nothing paid until pay_rebase
  CHECK(s.S == S0);
}
