#pragma once
// Risk figures of a final as a risk team publishes them: value at risk (the quantile at the
// bad tail's 95% and 99% confidence, over the run's horizon) and expected shortfall (the mean of
// the values at or beyond it), each with a 95% percentile-bootstrap interval. The bootstrap is
// seeded (splitmix64 from a fixed seed and the final's index), so the intervals are reproducible
// and identical in a merged file. The bad tail is declared by the protocol with each final:
// `lower` for prices, reserves and their minima, `upper` for drawdowns.
#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace stampede {

enum class Tail : std::int8_t { none, lower, upper };
const char* to_string(Tail t);        // "", "lower", "upper"
Tail tail_from_string(const std::string& s);  // inverse; unknown text -> none

inline constexpr std::array<double, 2> kRiskConfidence = {0.95, 0.99};
inline constexpr int kBootstrapResamples = 500;

struct TailFigure {
  double confidence;          // 0.95 or 0.99
  double var, var_low, var_high;  // value at risk and its 95% bootstrap interval
  double es, es_low, es_high;     // expected shortfall beyond it and its interval
};

struct TailRisk {
  Tail tail = Tail::none;
  std::int64_t n_defined = 0;
  std::array<TailFigure, kRiskConfidence.size()> at{};  // NaN when n_defined = 0
};

// `values` in path-id order (NaN = undefined, skipped). Lower tail: VaR_c = type-7 quantile at
// 1 - c, ES_c = mean of the values <= VaR_c; upper tail: the quantile at c and the mean of the
// values >= it.
TailRisk tail_risk(std::span<const double> values, Tail tail, std::uint64_t seed,
                   int resamples = kBootstrapResamples);

}  // namespace stampede
