#include "engine/stats/sample_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace stampede {

double quantile_sorted(std::span<const double> sorted, double q) {
  const std::size_t n = sorted.size();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(n - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= n) return sorted[n - 1];
  const double frac = h - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

SampleStats describe(std::span<const double> values) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  SampleStats s{0, nan, nan, nan, nan, nan, {}};
  s.quantiles.fill(nan);

  std::vector<double> defined;
  defined.reserve(values.size());
  for (double v : values)
    if (!std::isnan(v)) defined.push_back(v);
  const std::size_t n = defined.size();
  s.n_defined = static_cast<std::int64_t>(n);
  if (n == 0) return s;

  // Two passes (mean, then squared deviations) rather than sum of squares: no cancellation.
  double sum = 0.0;
  for (double v : defined) sum += v;
  s.mean = sum / static_cast<double>(n);
  if (n >= 2) {
    double ss = 0.0;
    for (double v : defined) ss += (v - s.mean) * (v - s.mean);
    s.std_dev = std::sqrt(ss / static_cast<double>(n - 1));
    s.std_err = s.std_dev / std::sqrt(static_cast<double>(n));
  }

  std::sort(defined.begin(), defined.end());
  s.min = defined.front();
  s.max = defined.back();
  for (std::size_t i = 0; i < kQuantileLevels.size(); ++i)
    s.quantiles[i] = quantile_sorted(defined, kQuantileLevels[i]);
  return s;
}

}  // namespace stampede
