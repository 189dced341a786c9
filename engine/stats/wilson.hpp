#pragma once
// Binomial proportion with a Wilson score interval (engine.md "Statistics": probability of each
// risk event with a 95% Wilson interval). Wilson rather than Wald because risk events are often
// rare (k = 0 or k = n), where the Wald interval collapses to a point.
#include <cstdint>

namespace stampede {

struct WilsonInterval {
  double p;     // k / n (NaN when n = 0)
  double low;   // lower bound, in [0, 1]
  double high;  // upper bound, in [0, 1]
};

// z defaults to the two-sided 95% normal quantile. n = 0 gives p = NaN, [0, 1].
WilsonInterval wilson(std::int64_t k, std::int64_t n, double z = 1.959963984540054);

}  // namespace stampede
