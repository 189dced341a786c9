// Wilson intervals against values computed independently (closed forms at k = 0 and k = n,
// published table values, and a separate Python evaluation of Wilson's formula).
#include <doctest/doctest.h>

#include <cmath>

#include "engine/stats/wilson.hpp"

using stampede::wilson;

TEST_CASE("wilson: no events gives [0, z^2/(n+z^2)]") {
  const double z = 1.959963984540054;
  const auto w = wilson(0, 128);
  CHECK(w.p == 0.0);
  CHECK(w.low == 0.0);
  CHECK(w.high == doctest::Approx(z * z / (128 + z * z)).epsilon(1e-12));
  CHECK(w.high == doctest::Approx(0.0291).epsilon(1e-3));
}

TEST_CASE("wilson: all events gives [n/(n+z^2), 1]") {
  const double z = 1.959963984540054;
  const auto w = wilson(50, 50);
  CHECK(w.p == 1.0);
  CHECK(w.high == 1.0);
  CHECK(w.low == doctest::Approx(50 / (50 + z * z)).epsilon(1e-12));
}

TEST_CASE("wilson: interior values") {
  struct Case { long k, n; double p, low, high; };
  const Case cases[] = {
      {20, 32, 0.625, 0.4525440735307745, 0.7706611269054578},
      {5, 10, 0.5, 0.236593090512564, 0.7634069094874361},     // symmetric about 1/2
      {1, 1000, 0.001, 0.00017654637062607809, 0.0056425585979579355},
      {3, 7, 3.0 / 7.0, 0.15821985525146975, 0.7495416354723428},
  };
  for (const Case& c : cases) {
    CAPTURE(c.k);
    CAPTURE(c.n);
    const auto w = wilson(c.k, c.n);
    CHECK(w.p == doctest::Approx(c.p).epsilon(1e-15));
    CHECK(w.low == doctest::Approx(c.low).epsilon(1e-12));
    CHECK(w.high == doctest::Approx(c.high).epsilon(1e-12));
  }
}

TEST_CASE("wilson: z changes the width; n = 0 is undefined") {
  const auto w95 = wilson(20, 32);
  const auto w99 = wilson(20, 32, 2.5758293035489);
  CHECK(w99.low < w95.low);
  CHECK(w99.high > w95.high);
  const auto w0 = wilson(0, 0);
  CHECK(std::isnan(w0.p));
  CHECK(w0.low == 0.0);
  CHECK(w0.high == 1.0);
}
