#include "engine/protocols/klima2/premium.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace stampede::klima2 {

double beta(std::span<const double> A_i, std::span<const double> G_i) {
  double sum = 0;
  for (std::size_t i = 0; i < A_i.size(); ++i) sum += A_i[i] * G_i[i] * (2 - G_i[i]);  // KL23
  return std::sqrt(std::max(sum, 0.0));
}

double ag_share(double A_G, double A_Q) {
  const double den = 2 * A_G + std::sqrt(2.0) * A_Q;
  return den > 0 ? 2 * A_G / den : 0.0;
}

PremiumShares premium_shares(double A_Q, double A_G, double G_G, double sum_G) {
  PremiumShares s;
  if (G_G > 0) {
    const double ratio = sum_G / G_G;
    s.gg = (1 - A_Q) / (1 + ratio * ratio);  // KL24
  }
  s.g = (1 - s.gg) * ag_share(A_G, A_Q);  // KL25
  s.q = 1 - s.gg - s.g;                   // KL26
  return s;
}

double premium(double b, double R, double beta) { return b * R * beta; }

}  // namespace stampede::klima2
