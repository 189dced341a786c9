#include "engine/stats/wilson.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stampede {

WilsonInterval wilson(std::int64_t k, std::int64_t n, double z) {
  if (n <= 0) return {std::numeric_limits<double>::quiet_NaN(), 0.0, 1.0};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double z2 = z * z;
  // Wilson (1927): (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
  const double denom = 1.0 + z2 / nn;
  const double centre = (p + z2 / (2.0 * nn)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
  // At k = 0 (k = n) the bound is exactly 0 (1) in exact arithmetic; pin it against rounding.
  const double low = k <= 0 ? 0.0 : std::max(0.0, centre - half);
  const double high = k >= n ? 1.0 : std::min(1.0, centre + half);
  return {p, low, high};
}

}  // namespace stampede
