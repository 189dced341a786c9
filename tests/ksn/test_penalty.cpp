// ksn.md §10 case 9 (early-unstake penalty KS11) and the sell tax KS12.
#include <doctest/doctest.h>

#include "engine/protocols/ksn/penalty.hpp"
#include "engine/protocols/ksn/state.hpp"
#include "tests/ksn/digits.hpp"

using namespace stampede::ksn;
using ksn_test::check_digits;

TEST_CASE("ksn case 9: unstake 1000 KSN at stake age 6d pays 160, half to the DCP, half burned") {
  const KsnParams p;
  KsnState s = make_initial_state(p, 3600);
  const double S0 = s.S, dcp0 = s.DCP;
  const double a = 1000.0;
  const double pen = unstake_penalty(a, 6.0 * 86400.0, p.dcp);
  check_digits(pen, 160.0, 0);
  const ChargeSplit split = apply_penalties(s, pen, p.dcp);
  check_digits(split.to_dcp, 80.0, 0);
  check_digits(split.burned, 80.0, 0);
  check_digits(a - pen, 840.0, 0);  // queued for sale (unstake-and-sell)
  CHECK(s.DCP == doctest::Approx(dcp0 + 80.0));
  CHECK(s.S == doctest::Approx(S0 - 80.0));
  CHECK(s.ledger.penalties == doctest::Approx(160.0));
  CHECK(s.ledger.burned() == doctest::Approx(80.0));
}

TEST_CASE("ksn KS11 penalty is p_max at age 0, zero from T_pen on, never above p_max·a") {
  const KsnDcpParams dcp;
  CHECK(unstake_penalty(500.0, 0.0, dcp) == doctest::Approx(100.0));
  CHECK(unstake_penalty(500.0, 15.0 * 86400.0, dcp) == doctest::Approx(50.0));
  CHECK(unstake_penalty(500.0, 30.0 * 86400.0, dcp) == 0.0);
  CHECK(unstake_penalty(500.0, 90.0 * 86400.0, dcp) == 0.0);
  for (double age = 0.0; age <= 40.0 * 86400.0; age += 3600.0) {
    const double pen = unstake_penalty(1.0, age, dcp);
    CHECK(pen >= 0.0);
    CHECK(pen <= dcp.penalty_max);
  }
}

TEST_CASE("ksn KS12 sell tax at [TOK]'s 2%: tax 20 on 1000, 10 to the DCP, 10 burned, 980 swapped") {
  KsnParams p;
  p.dcp.sell_tax = 0.02;
  KsnState s = make_initial_state(p, 3600);
  const double S0 = s.S, dcp0 = s.DCP;
  CHECK(apply_sell_tax(s, 1000.0, p.dcp) == doctest::Approx(980.0));
  CHECK(s.DCP == doctest::Approx(dcp0 + 10.0));
  CHECK(s.S == doctest::Approx(S0 - 10.0));
  CHECK(s.ledger.burned_sell_tax == doctest::Approx(10.0));
  // Default τ_s = 0: the whole sale is swapped and nothing changes.
  KsnState t = make_initial_state(KsnParams{}, 3600);
  CHECK(apply_sell_tax(t, 1000.0, KsnDcpParams{}) == 1000.0);
  CHECK(t.S == 9000000.0);
}
