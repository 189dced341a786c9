#pragma once
// Exact statistics of a sample of per-path finals (engine.md "Statistics": mean, standard error
// and the 1, 5, 25, 50, 75, 95, 99% quantiles; NaN values, e.g. a final a protocol leaves
// undefined on some paths, are skipped and the number of defined values reported).
#include <array>
#include <cstdint>
#include <span>

namespace stampede {

inline constexpr std::array<double, 7> kQuantileLevels = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
using Quantiles = std::array<double, kQuantileLevels.size()>;

struct SampleStats {
  std::int64_t n_defined = 0;  // values that are not NaN
  double mean;                 // NaN when n_defined = 0
  double std_dev;              // sample standard deviation (n - 1); NaN when n_defined < 2
  double std_err;              // std_dev / sqrt(n_defined)
  double min;
  double max;
  Quantiles quantiles;         // at kQuantileLevels, type 7; NaN when n_defined = 0
};

// Sums run over the values in the given order (callers pass them in path-id order), so the
// result does not depend on how the paths were scheduled.
SampleStats describe(std::span<const double> values);

// Type-7 (numpy's default "linear") quantile of an ascending, NaN-free sample:
// h = (n-1)·q, x[floor h] + (h - floor h)·(x[floor h + 1] - x[floor h]).
double quantile_sorted(std::span<const double> sorted, double q);

}  // namespace stampede
