// ksn.md §8 risk events (bank_run, below_backing, rebase_default, rfv_deficit) and the runway.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "engine/protocols/ksn/observers.hpp"
#include "tests/ksn/digits.hpp"

using namespace stampede::ksn;
using ksn_test::check_digits;

TEST_CASE("ksn bank_run: gross unstakes over the window against the stake at the window start") {
  BankRunObserver obs(3, 0.25, 1000.0);   // 3-step window, threshold 25%
  CHECK_FALSE(obs.record(100.0, 900.0));  // t = 1: 100 vs 0.25·1000
  CHECK_FALSE(obs.record(100.0, 800.0));  // t = 2: 200
  CHECK(obs.record(60.0, 740.0));         // t = 3: 260 ≥ 250 (reference: stake at t = 0)
  CHECK(obs.unstaked_fraction() == doctest::Approx(0.26));
  // t = 4: window (1, 4] holds 100 + 60 + 0 = 160 against the stake at t = 1 (900).
  CHECK_FALSE(obs.record(0.0, 740.0));
  CHECK(obs.reference_stake() == 900.0);
  CHECK(obs.unstaked_in_window() == 160.0);
}

TEST_CASE("ksn bank_run: churn counts and the ratio may exceed 1") {
  BankRunObserver obs(72, 0.25, 100.0);
  bool fired = false;
  for (int k = 0; k < 10; ++k) fired = obs.record(30.0, 100.0);  // unstake 30, restake 30, each hour
  CHECK(fired);
  CHECK(obs.unstaked_fraction() == doctest::Approx(3.0));
  BankRunObserver quiet(72, 0.25, 0.0);
  CHECK_FALSE(quiet.record(0.0, 0.0));  // nothing staked, nothing unstaked: no run
}

TEST_CASE("ksn below_backing: needs P < B at every step of a 24h run") {
  BelowBackingObserver obs(24);
  for (int k = 0; k < 23; ++k) CHECK_FALSE(obs.record(1.0, 1.5));
  CHECK_FALSE(obs.record(1.5, 1.5));  // P = B breaks the run
  for (int k = 0; k < 23; ++k) CHECK_FALSE(obs.record(1.0, 1.5));
  CHECK(obs.record(1.0, 1.5));  // the 24th consecutive step
  CHECK(obs.run_steps() == 24);
}

TEST_CASE("ksn rebase_default: streak of underfunded rebases with the 1e-12 tolerance") {
  RebaseDefaultObserver obs(2, 0.001);
  const double Q = 3e6;
  CHECK_FALSE(obs.record(0.001 * Q, Q));                  // exactly r_min: funded
  CHECK_FALSE(obs.record(0.001 * Q * (1.0 - 1e-14), Q));  // within the tolerance: funded
  CHECK(obs.streak() == 0);
  CHECK_FALSE(obs.record(0.001 * Q * (1.0 - 1e-9), Q));  // underfunded: streak 1
  CHECK(obs.streak() == 1);
  CHECK(obs.record(0.0, Q));              // streak 2 → default
  CHECK_FALSE(obs.record(0.002 * Q, Q));  // a funded rebase resets the streak
  CHECK(obs.streak() == 0);
}

TEST_CASE("ksn rfv_deficit and runway (§6, §11 figures)") {
  CHECK(rfv_deficit(-1e-9));
  CHECK_FALSE(rfv_deficit(0.0));
  // §11: at 0.3% on 6M staked the DCP alone lasts 5.6 rebases; DCP plus φ·E0 ≈ 125 rebases
  // (≈ 63 days), so §6's run signal at t0 is min(1, 63/90) = 0.70.
  const double E0 = 2162277.66;
  check_digits(runway_rebases(100000.0, 0.003, 6e6), 5.6, 1);
  check_digits(runway_rebases(100000.0 + E0, 0.003, 6e6), 125.7, 1);
  const double days = runway_days(100000.0, E0, true, 1.0, 0.003, 6e6, 12 * 3600);
  check_digits(days, 62.84, 2);
  check_digits(std::min(1.0, days / 90.0), 0.70, 2);
  CHECK(runway_days(100000.0, E0, false, 1.0, 0.003, 6e6, 12 * 3600) ==
        doctest::Approx(100000.0 / 18000.0 / 2.0));
  CHECK(std::isinf(runway_rebases(1.0, 0.003, 0.0)));
}
