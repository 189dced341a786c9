// ksn.md §10 case 1: APY and yld for a 12h rebase (730 a year).
#include <doctest/doctest.h>

#include "engine/protocols/ksn/apy.hpp"
#include "tests/ksn/digits.hpp"

using namespace stampede::ksn;
using ksn_test::check_digits;

TEST_CASE("ksn case 1: APY, 30-day growth and yld at 730 rebases a year") {
  struct Row {
    double r, apy_pct, month_pct, yld;
  };
  const Row rows[] = {{0.001, 107.43, 6.18, 0.72964},
                      {0.003, 790.60, 19.69, 2.18672},
                      {0.005, 3712.63, 34.89, 3.64091},
                      {0.01, 142658.79, 81.67, 7.26374}};
  for (const Row& row : rows) {
    CAPTURE(row.r);
    check_digits(100.0 * apy(row.r), row.apy_pct, 2);
    check_digits(100.0 * compounded(row.r, 60.0), row.month_pct, 2);
    check_digits(yield_signal(row.r), row.yld, 5);
  }
}

TEST_CASE("ksn apy_realised of a constant rate is that rate's APY") {
  RealisedApy acc;
  for (int k = 0; k < 180; ++k) acc.add(0.003);
  CHECK(acc.count() == 180);
  CHECK(acc.value() == doctest::Approx(std::pow(1.003, 730.0) - 1.0).epsilon(1e-12));
  RealisedApy two;  // geometric mean: (1.01·1.001)^(730/2) − 1
  two.add(0.01);
  two.add(0.001);
  CHECK(two.value() == doctest::Approx(std::pow(1.01 * 1.001, 365.0) - 1.0).epsilon(1e-12));
}
