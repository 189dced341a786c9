#include "engine/stats/tail_risk.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "engine/stats/sample_stats.hpp"

namespace stampede {

const char* to_string(Tail t) {
  switch (t) {
    case Tail::lower: return "lower";
    case Tail::upper: return "upper";
    default: return "";
  }
}

Tail tail_from_string(const std::string& s) {
  if (s == "lower") return Tail::lower;
  if (s == "upper") return Tail::upper;
  return Tail::none;
}

namespace {

// splitmix64 (Steele, Lea & Flood 2014): small, fast and well mixed; enough to draw indices.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // An index in [0, n): the high word of a 64x64 product (bias below n / 2^64).
  std::size_t below(std::size_t n) {
    return static_cast<std::size_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
};

// Lower-tail VaR (type-7 quantile at 1 - confidence) and ES (mean of the values <= VaR) of a
// sample, in O(n) with nth_element (the sample is reordered). The same numbers as sorting.
std::pair<double, double> lower_var_es(std::vector<double>& x, double confidence) {
  const std::size_t n = x.size();
  const double h = static_cast<double>(n - 1) * (1.0 - confidence);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(lo), x.end());
  double var = x[lo];
  if (lo + 1 < n) {
    const double next = *std::min_element(x.begin() + static_cast<std::ptrdiff_t>(lo) + 1, x.end());
    var += (h - static_cast<double>(lo)) * (next - x[lo]);
  }
  double sum = 0.0;
  std::size_t k = 0;
  for (const double v : x)
    if (v <= var) {
      sum += v;
      ++k;
    }
  return {var, k > 0 ? sum / static_cast<double>(k) : var};
}

}  // namespace

TailRisk tail_risk(std::span<const double> values, Tail tail, std::uint64_t seed, int resamples) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  TailRisk r;
  r.tail = tail;
  std::vector<double> x;
  x.reserve(values.size());
  for (double v : values)
    if (!std::isnan(v)) x.push_back(v);
  r.n_defined = static_cast<std::int64_t>(x.size());
  for (std::size_t c = 0; c < kRiskConfidence.size(); ++c)
    r.at[c] = TailFigure{kRiskConfidence[c], nan, nan, nan, nan, nan, nan};
  if (tail == Tail::none || x.empty()) return r;

  // The upper tail is the lower tail of -x (type-7 quantiles are symmetric under reflection).
  const double sign = tail == Tail::lower ? 1.0 : -1.0;
  for (double& v : x) v *= sign;
  std::vector<double> work = x;
  for (std::size_t c = 0; c < kRiskConfidence.size(); ++c) {
    const auto [var, es] = lower_var_es(work, kRiskConfidence[c]);
    r.at[c].var = sign * var;
    r.at[c].es = sign * es;
  }

  // Percentile bootstrap: resample the paths with replacement, recompute, take the 2.5% and
  // 97.5% quantiles of each figure.
  SplitMix64 rng{seed};
  std::vector<std::vector<double>> var_b(kRiskConfidence.size()), es_b(kRiskConfidence.size());
  std::vector<double>& sample = work;
  for (int b = 0; b < resamples; ++b) {
    for (double& v : sample) v = x[rng.below(x.size())];
    for (std::size_t c = 0; c < kRiskConfidence.size(); ++c) {
      const auto [var, es] = lower_var_es(sample, kRiskConfidence[c]);
      var_b[c].push_back(sign * var);
      es_b[c].push_back(sign * es);
    }
  }
  for (std::size_t c = 0; c < kRiskConfidence.size(); ++c) {
    std::sort(var_b[c].begin(), var_b[c].end());
    std::sort(es_b[c].begin(), es_b[c].end());
    r.at[c].var_low = quantile_sorted(var_b[c], 0.025);
    r.at[c].var_high = quantile_sorted(var_b[c], 0.975);
    r.at[c].es_low = quantile_sorted(es_b[c], 0.025);
    r.at[c].es_high = quantile_sorted(es_b[c], 0.975);
  }
  return r;
}

}  // namespace stampede
