// TwapOracle vs hand-computed series (kai.md §10 case 9, market.md "TWAP oracle").
#include <doctest/doctest.h>

#include "engine/core/errors.hpp"
#include "engine/market/twap.hpp"

using stampede::market::TwapOracle;

TEST_CASE("twap: kai.md case 9, dt 15m, prices 1.00 0.98 0.96 0.94 give a 1h TWAP of 0.97") {
  TwapOracle oracle(900, 3600, 1.0);
  // Round 0 (t = 0) reads the initial spot.
  CHECK(oracle.twap_last_closed(3600) == 1.0);
  for (double p : {1.00, 0.98, 0.96}) oracle.accumulate(p);
  // The 1h window is not closed yet: the previous closed one is [−1h, 0] at the initial price.
  CHECK(oracle.twap_last_closed(3600) == 1.0);
  CHECK(oracle.twap_since(0) == doctest::Approx((1.00 + 0.98 + 0.96) / 3).epsilon(1e-15));
  oracle.accumulate(0.94);
  CHECK(oracle.now() == 3600);
  CHECK(oracle.twap_last_closed(3600) == doctest::Approx(0.97).epsilon(1e-15));
  // A one-step window holds one end-of-step price.
  CHECK(oracle.twap_trailing(900) == doctest::Approx(0.94).epsilon(1e-15));
  // Stale until the next window closes.
  oracle.accumulate(0.50);
  CHECK(oracle.twap_last_closed(3600) == doctest::Approx(0.97).epsilon(1e-15));
  CHECK(oracle.twap_trailing(3600) == doctest::Approx((0.98 + 0.96 + 0.94 + 0.50) / 4).epsilon(1e-15));
  CHECK(oracle.twap_since(3600) == doctest::Approx(0.50).epsilon(1e-15));
}

TEST_CASE("twap: ring buffer over a long run, several windows") {
  // dt 1h, price at step n (0-based) = 1 + n/1000: the mean over hours [a, b) is the mean of
  // an arithmetic series, 1 + (a + b − 1)/2000.
  TwapOracle oracle(3600, 24 * 3600, 1.0);
  for (int n = 0; n < 1000; ++n) oracle.accumulate(1.0 + n / 1000.0);
  // now = 1000h; last closed 24h window ends at 984h: hours [960, 984).
  CHECK(oracle.twap_last_closed(24 * 3600) == doctest::Approx(1.0 + (960 + 984 - 1) / 2000.0).epsilon(1e-12));
  CHECK(oracle.twap_last_closed(3600) == doctest::Approx(1.0 + 999 / 1000.0).epsilon(1e-12));
  CHECK(oracle.twap_trailing(12 * 3600) == doctest::Approx(1.0 + (988 + 1000 - 1) / 2000.0).epsilon(1e-12));
  // Deeper than the history, not a multiple of the step, or longer than the longest window: a bug.
  CHECK_THROWS_AS(oracle.cumulative_at(3600), stampede::RuntimeFailure);
  CHECK_THROWS_AS(oracle.twap_trailing(1800), stampede::RuntimeFailure);
  CHECK_THROWS_AS(oracle.twap_trailing(48 * 3600), stampede::RuntimeFailure);
}

TEST_CASE("twap: a window reaching before the start reads the initial price for the missing part") {
  TwapOracle oracle(3600, 4 * 3600, 2.0);
  oracle.accumulate(1.0);
  oracle.accumulate(1.0);
  CHECK(oracle.twap_trailing(4 * 3600) == doctest::Approx(1.5).epsilon(1e-15));
}
