// Population layout, fixed-order sums and the scaling helpers (agents/population.hpp).
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "agents/fixed_sum.hpp"
#include "agents/population.hpp"
#include "engine/core/errors.hpp"
#include "kernels/reduce.hpp"

using namespace stampede;
using namespace stampede::agents;

TEST_CASE("TypeRanges: floor(mix·N) per type, remainder to the first type") {
  // KAI's default mix at N = 1003: floors 601.8 -> 601, 150.45 -> 150, 100.3 -> 100,
  // 150.45 -> 150 (sum 1001), the 2 left over go to the first type.
  const std::vector<double> mix{0.60, 0.15, 0.10, 0.15};
  const TypeRanges r = TypeRanges::from_mix(mix, 1003);
  REQUIRE(r.types() == 4);
  CHECK(r[0].begin == 0);
  CHECK(r[0].end == 603);
  CHECK(r[1].begin == 603);
  CHECK(r[1].end == 753);
  CHECK(r[2].begin == 753);
  CHECK(r[2].end == 853);
  CHECK(r[3].begin == 853);
  CHECK(r[3].end == 1003);
  CHECK(r.total() == 1003);

  // Exact fractions: no remainder.
  const std::vector<double> halves{0.5, 0.25, 0.25};
  const TypeRanges h = TypeRanges::from_mix(halves, 8);
  CHECK(h[0].size() == 4);
  CHECK(h[1].size() == 2);
  CHECK(h[2].size() == 2);

  // N = 0 and a zero fraction give empty ranges.
  const std::vector<double> with_zero{0.7, 0.0, 0.3};
  const TypeRanges z = TypeRanges::from_mix(with_zero, 10);
  CHECK(z[0].size() == 7);
  CHECK(z[1].empty());
  CHECK(z[2].size() == 3);
  CHECK(TypeRanges::from_mix(mix, 0).total() == 0);
}

TEST_CASE("TypeRanges: a bad mix is an input error") {
  const std::vector<double> short_sum{0.5, 0.4};
  const std::vector<double> negative{1.2, -0.2};
  CHECK_THROWS_AS(TypeRanges::from_mix(short_sum, 100), InputError);
  CHECK_THROWS_AS(TypeRanges::from_mix(negative, 100), InputError);
  CHECK_THROWS_AS(TypeRanges::from_mix(std::vector<double>{}, 100), InputError);
}

TEST_CASE("FixedSum follows kernels/reduce.hpp's order for any chunking") {
  std::mt19937_64 gen(7);
  std::lognormal_distribution<double> d(0.0, 2.0);
  const std::size_t begin = 5, end = 3 * 4096 + 77;
  std::vector<double> x(end);
  for (double& v : x) v = d(gen);
  kernels::OrderedSum reference;
  kernels::reduce_blocks_scalar(begin, end, [&](std::size_t i) { return x[i]; }, reference);

  FixedSum whole;
  for (std::size_t i = begin; i < end; ++i) whole.add(i, x[i]);
  CHECK(whole.value() == reference.total);  // bitwise
  CHECK(fixed_sum(x.data(), begin, end) == reference.total);

  // Hand-computed: three values in lanes 1, 2, 3 of block 0.
  FixedSum small;
  small.add(1, 1.0);
  small.add(2, 2.0);
  small.add(3, 0.5);
  CHECK(small.value() == 3.5);
}

TEST_CASE("scale_to_total: the scaled column sums to the total within 1e-12 relative") {
  std::mt19937_64 gen(11);
  std::lognormal_distribution<double> d(0.0, 1.0);
  const TypeRange range{3, 3 + 10007};
  std::vector<double> x(range.end + 5, -1.0);  // outside the range must stay untouched
  for (std::size_t i = range.begin; i < range.end; ++i) x[i] = d(gen);
  const std::vector<double> before = x;
  const double total = 1.234567e9;
  scale_to_total(x.data(), range, total);

  long double sum = 0.0L;  // an independent, more precise sum
  for (std::size_t i = range.begin; i < range.end; ++i) sum += x[i];
  CHECK(std::fabs(static_cast<double>(sum) - total) <= 1e-12 * total);
  CHECK(std::fabs(fixed_sum(x.data(), range.begin, range.end) - total) <= 1e-12 * total);
  // Proportions kept (each element within 1e-12 relative of x·total/Σx).
  long double sum_before = 0.0L;
  for (std::size_t i = range.begin; i < range.end; ++i) sum_before += before[i];
  for (std::size_t i = range.begin; i < range.end; ++i) {
    const double expected = static_cast<double>(before[i] * (total / sum_before));
    REQUIRE(std::fabs(x[i] - expected) <= 1e-12 * expected + 1e-12 * total / 1e4);
  }
  CHECK(x[0] == -1.0);
  CHECK(x[range.end] == -1.0);
}

TEST_CASE("scale_to_total: all-zero column splits equally; negative input is an error") {
  std::vector<double> zeros(4, 0.0);
  scale_to_total(zeros.data(), {0, 4}, 10.0);
  for (double v : zeros) CHECK(v == 2.5);
  std::vector<double> neg{1.0, -1.0};
  CHECK_THROWS_AS(scale_to_total(neg.data(), {0, 2}, 1.0), InputError);
  std::vector<double> ok{1.0, 1.0};
  CHECK_THROWS_AS(scale_to_total(ok.data(), {0, 2}, -1.0), InputError);
}

TEST_CASE("split_pro_rata: by weights, sum equals the total") {
  const std::vector<double> w{1.0, 2.0, 3.0, 4.0};
  std::vector<double> out(4);
  split_pro_rata(w.data(), {0, 4}, 10.0, out.data());
  CHECK(out[0] == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(out[1] == doctest::Approx(2.0).epsilon(1e-15));
  CHECK(out[2] == doctest::Approx(3.0).epsilon(1e-15));
  CHECK(out[3] == doctest::Approx(4.0).epsilon(1e-15));

  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> d(0.0, 5.0);
  std::vector<double> weights(50001), split(50001);
  for (double& v : weights) v = d(gen);
  const double total = 7.0e6 / 3.0;
  split_pro_rata(weights.data(), {0, weights.size()}, total, split.data());
  long double sum = 0.0L;
  for (double v : split) sum += v;
  CHECK(std::fabs(static_cast<double>(sum) - total) <= 1e-12 * total);
}
