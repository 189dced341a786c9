#include "engine/stats/paired_difference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/stats/wilson.hpp"

namespace stampede {

PairedDifference paired_difference(const PairedCounts& c, double z) {
  const std::int64_t n = c.n();
  if (n <= 0) return {std::numeric_limits<double>::quiet_NaN(), -1.0, 1.0};
  const double nn = static_cast<double>(n);
  // Newcombe's table: p1 is the proportion in b (the first margin), p2 in a.
  const std::int64_t k1 = c.both + c.only_b, k2 = c.both + c.only_a;
  const double p1 = static_cast<double>(k1) / nn, p2 = static_cast<double>(k2) / nn;
  const WilsonInterval w1 = wilson(k1, n, z), w2 = wilson(k2, n, z);
  // phi = C / sqrt(product of the margins), C = AD - BC moved towards 0 by N/2 (Newcombe 1998,
  // method 10): 0 when any margin is empty.
  double phi = 0.0;
  const double margins = static_cast<double>(k1) * static_cast<double>(n - k1) * static_cast<double>(k2) *
                         static_cast<double>(n - k2);
  if (margins > 0) {
    const double b = static_cast<double>(c.both) * static_cast<double>(c.neither) -
                     static_cast<double>(c.only_b) * static_cast<double>(c.only_a);
    const double corrected = b > nn / 2 ? b - nn / 2 : b < 0 ? b : 0.0;
    phi = corrected / std::sqrt(margins);
  }
  const double d = p1 - p2;
  const double dl1 = p1 - w1.low, du1 = w1.high - p1, dl2 = p2 - w2.low, du2 = w2.high - p2;
  const double below = std::sqrt(std::max(0.0, dl1 * dl1 - 2 * phi * dl1 * du2 + du2 * du2));
  const double above = std::sqrt(std::max(0.0, du1 * du1 - 2 * phi * du1 * dl2 + dl2 * dl2));
  return {d, std::max(-1.0, d - below), std::min(1.0, d + above)};
}

PairedDifference independent_difference(std::int64_t k_a, std::int64_t n_a, std::int64_t k_b, std::int64_t n_b,
                                        double z) {
  if (n_a <= 0 || n_b <= 0) return {std::numeric_limits<double>::quiet_NaN(), -1.0, 1.0};
  const double pa = static_cast<double>(k_a) / static_cast<double>(n_a);
  const double pb = static_cast<double>(k_b) / static_cast<double>(n_b);
  const WilsonInterval wa = wilson(k_a, n_a, z), wb = wilson(k_b, n_b, z);
  const double d = pb - pa;
  const double below = std::sqrt((pb - wb.low) * (pb - wb.low) + (wa.high - pa) * (wa.high - pa));
  const double above = std::sqrt((wb.high - pb) * (wb.high - pb) + (pa - wa.low) * (pa - wa.low));
  return {d, std::max(-1.0, d - below), std::min(1.0, d + above)};
}

}  // namespace stampede
