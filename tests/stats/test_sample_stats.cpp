// Exact sample statistics against hand-computed type-7 (numpy "linear") quantiles.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "engine/stats/sample_stats.hpp"

using namespace stampede;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

TEST_CASE("describe: 1..10 shuffled with NaNs skipped") {
  const std::vector<double> v = {7, kNaN, 1, 10, 3, 5, 2, kNaN, 9, 4, 8, 6};
  const SampleStats s = describe(v);
  CHECK(s.n_defined == 10);
  CHECK(s.mean == doctest::Approx(5.5));
  // variance of 1..n with n-1 denominator is n(n+1)/12 = 110/12
  CHECK(s.std_dev == doctest::Approx(std::sqrt(110.0 / 12.0)));
  CHECK(s.std_err == doctest::Approx(std::sqrt(110.0 / 12.0) / std::sqrt(10.0)));
  CHECK(s.min == 1.0);
  CHECK(s.max == 10.0);
  // h = 9q; x[floor h] + frac·1 = 1 + 9q for 1..10
  const double expected[7] = {1.09, 1.45, 3.25, 5.5, 7.75, 9.55, 9.91};
  for (int i = 0; i < 7; ++i) CHECK(s.quantiles[i] == doctest::Approx(expected[i]).epsilon(1e-14));
}

TEST_CASE("describe: three values with negatives") {
  const std::vector<double> v = {0.5, -2.0, 4.0};
  const SampleStats s = describe(v);
  CHECK(s.n_defined == 3);
  CHECK(s.mean == doctest::Approx(2.5 / 3.0));
  // sorted -2, 0.5, 4; h = 2q
  CHECK(s.quantiles[0] == doctest::Approx(-2.0 + 0.02 * 2.5));   // q=.01, h=.02
  CHECK(s.quantiles[1] == doctest::Approx(-1.75));               // q=.05, h=.1
  CHECK(s.quantiles[2] == doctest::Approx(-0.75));               // q=.25, h=.5
  CHECK(s.quantiles[3] == doctest::Approx(0.5));                 // q=.5,  h=1
  CHECK(s.quantiles[4] == doctest::Approx(2.25));                // q=.75, h=1.5
  CHECK(s.quantiles[6] == doctest::Approx(0.5 + 0.98 * 3.5));    // q=.99, h=1.98
}

TEST_CASE("describe: degenerate samples") {
  const SampleStats none = describe(std::vector<double>{kNaN, kNaN});
  CHECK(none.n_defined == 0);
  CHECK(std::isnan(none.mean));
  CHECK(std::isnan(none.min));
  CHECK(std::isnan(none.quantiles[3]));
  const SampleStats one = describe(std::vector<double>{3.0});
  CHECK(one.n_defined == 1);
  CHECK(one.mean == 3.0);
  CHECK(std::isnan(one.std_dev));
  CHECK(std::isnan(one.std_err));
  for (double q : one.quantiles) CHECK(q == 3.0);
}

TEST_CASE("quantile_sorted: end points") {
  const std::vector<double> v = {1.0, 2.0, 4.0, 8.0};
  CHECK(quantile_sorted(v, 0.0) == 1.0);
  CHECK(quantile_sorted(v, 1.0) == 8.0);
  CHECK(quantile_sorted(v, 0.5) == doctest::Approx(3.0));
}
