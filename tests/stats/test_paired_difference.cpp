// Newcombe's (1998) paired interval, method 10, against the values of his paper's Table II
// (recomputed independently with the published formula, tests/stats/newcombe_reference.py).
#include <doctest/doctest.h>

#include <cmath>

#include "engine/stats/paired_difference.hpp"

using namespace stampede;

namespace {
// Newcombe's table (e, f, g, h): e both, f first only, g second only, h neither; the difference
// is first - second. Ours is P_b - P_a: first = b.
PairedDifference newcombe(std::int64_t e, std::int64_t f, std::int64_t g, std::int64_t h) {
  return paired_difference(PairedCounts{e, /*only_a=*/g, /*only_b=*/f, h});
}
}  // namespace

TEST_CASE("paired difference: Newcombe's examples") {
  const auto a = newcombe(36, 12, 2, 0);
  CHECK(a.difference == doctest::Approx(0.2).epsilon(1e-12));
  CHECK(a.low == doctest::Approx(0.0569).epsilon(5e-4));
  CHECK(a.high == doctest::Approx(0.3404).epsilon(5e-4));
  const auto b = newcombe(263, 15, 3, 0);
  CHECK(b.difference == doctest::Approx(12.0 / 281).epsilon(1e-12));
  CHECK(b.low == doctest::Approx(0.0134).epsilon(1e-3));
  CHECK(b.high == doctest::Approx(0.0764).epsilon(1e-3));
  // Higher precision, from the reference script.
  CHECK(a.low == doctest::Approx(0.05692958400323869).epsilon(1e-12));
  CHECK(a.high == doctest::Approx(0.3404276029749407).epsilon(1e-12));
  const auto c = newcombe(10, 15, 5, 20);
  CHECK(c.low == doctest::Approx(0.025838416549251064).epsilon(1e-12));
  CHECK(c.high == doctest::Approx(0.3569365716591925).epsilon(1e-12));
  const auto d = newcombe(0, 6, 0, 26);  // a margin empty: phi = 0
  CHECK(d.low == doctest::Approx(0.04186264754017799).epsilon(1e-12));
  CHECK(d.high == doctest::Approx(0.3530915520137596).epsilon(1e-12));
}

TEST_CASE("paired difference: symmetry, concordant paths, bounds") {
  // Swapping the points negates the difference and mirrors the interval.
  const auto ab = paired_difference({5, 1, 7, 19}), ba = paired_difference({5, 7, 1, 19});
  CHECK(ab.difference == doctest::Approx(-ba.difference));
  CHECK(ab.low == doctest::Approx(-ba.high));
  CHECK(ab.high == doctest::Approx(-ba.low));
  // Every path concordant: difference 0, an interval around it that narrows with n.
  const auto small = paired_difference({16, 0, 0, 16}), large = paired_difference({160, 0, 0, 160});
  CHECK(small.difference == 0.0);
  CHECK(small.low < 0.0);
  CHECK(small.high > 0.0);
  CHECK(large.high - large.low < small.high - small.low);
  // All discordant one way: +1 at most.
  const auto all = paired_difference({0, 0, 32, 0});
  CHECK(all.difference == 1.0);
  CHECK(all.high == 1.0);
  CHECK(all.low > 0.8);
  const auto none = paired_difference({0, 0, 0, 0});
  CHECK(std::isnan(none.difference));
}
