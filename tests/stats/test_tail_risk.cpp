#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "engine/stats/tail_risk.hpp"

using namespace stampede;

TEST_CASE("tail risk: VaR is the type-7 quantile at the bad tail, ES the mean beyond it") {
  std::vector<double> x;
  for (int i = 100; i >= 1; --i) x.push_back(i);  // order does not matter
  const TailRisk lo = tail_risk(x, Tail::lower, 1);
  CHECK(lo.n_defined == 100);
  CHECK(lo.at[0].confidence == 0.95);
  CHECK(lo.at[0].var == doctest::Approx(5.95));  // 1 + 99·0.05
  CHECK(lo.at[0].es == doctest::Approx(3.0));    // mean of 1..5
  CHECK(lo.at[1].var == doctest::Approx(1.99));
  CHECK(lo.at[1].es == doctest::Approx(1.0));
  const TailRisk hi = tail_risk(x, Tail::upper, 1);
  CHECK(hi.at[0].var == doctest::Approx(95.05));
  CHECK(hi.at[0].es == doctest::Approx(98.0));   // mean of 96..100
  // Bootstrap intervals bracket the estimate and are reproducible.
  CHECK(lo.at[0].var_low <= lo.at[0].var);
  CHECK(lo.at[0].var_high >= lo.at[0].var);
  CHECK(lo.at[0].es_low <= lo.at[0].es);
  CHECK(lo.at[0].es_high >= lo.at[0].es);
  const TailRisk again = tail_risk(x, Tail::lower, 1);
  CHECK(again.at[0].var_low == lo.at[0].var_low);
  CHECK(again.at[0].es_high == lo.at[0].es_high);
  const TailRisk other_seed = tail_risk(x, Tail::lower, 2);
  CHECK(other_seed.at[0].var == lo.at[0].var);
}

TEST_CASE("tail risk: NaN skipped, none and empty give NaN") {
  std::vector<double> x = {std::nan(""), 2.0, 1.0, std::nan(""), 3.0};
  const TailRisk r = tail_risk(x, Tail::lower, 7);
  CHECK(r.n_defined == 3);
  CHECK(r.at[0].var == doctest::Approx(1.1));  // 1 + 2·0.05
  CHECK(r.at[0].es == doctest::Approx(1.0));
  CHECK(std::isnan(tail_risk(x, Tail::none, 7).at[0].var));
  CHECK(std::isnan(tail_risk(std::vector<double>{}, Tail::lower, 7).at[0].var));
  CHECK(tail_from_string(to_string(Tail::upper)) == Tail::upper);
}
