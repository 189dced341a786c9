#include "engine/protocols/ksn/history.hpp"

#include <cmath>

#include "engine/core/duration.hpp"

namespace stampede::ksn {

SpotVolatility::SpotVolatility(std::int64_t window_steps, double initial_spot)
    : returns_(static_cast<std::size_t>(window_steps > 0 ? window_steps : 1)), last_(initial_spot) {}

void SpotVolatility::push(double spot) {
  returns_.push(std::log(spot / last_));
  last_ = spot;
}

double SpotVolatility::value(double vol_ref, std::int64_t dt_seconds) const {
  if (returns_.empty()) return vol_ref;
  double sum_sq = 0.0;
  returns_.for_each([&](double l) { sum_sq += l * l; });
  const double steps_per_year = static_cast<double>(365 * kSecondsPerDay) / static_cast<double>(dt_seconds);
  return std::sqrt(steps_per_year * sum_sq / static_cast<double>(returns_.size()));
}

TvlGrowth::TvlGrowth(std::int64_t window_rebases, double initial_tvl)
    : tvl_(static_cast<std::size_t>(window_rebases > 0 ? window_rebases + 1 : 2)) {
  tvl_.push(initial_tvl);
}

void TvlGrowth::push(double tvl) { tvl_.push(tvl); }

double TvlGrowth::growth() const {
  if (tvl_.empty()) return 0.0;
  const double ref = tvl_.oldest();
  return ref > 0.0 ? tvl_.back() / ref - 1.0 : 0.0;
}

}  // namespace stampede::ksn
