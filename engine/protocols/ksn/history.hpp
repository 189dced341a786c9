#pragma once
// Policy inputs from history (ksn.md KS5–KS6): volatility of step-end spots over a trailing
// window, and TVL growth over a trailing window of rebases. Rings sized once per path.
#include <cstdint>

#include "engine/core/ring.hpp"

namespace stampede::ksn {

// KS6  v = sqrt((365d/dt)·(1/n)·Σ_k ℓ_k²), ℓ_k = ln(P_k/P_{k−1}) over the last
// n = min(window/dt, steps) step-end spots (P_{−1} = the initial spot); v = vol_ref when n = 0.
class SpotVolatility {
 public:
  SpotVolatility() = default;
  SpotVolatility(std::int64_t window_steps, double initial_spot);
  void push(double step_end_spot);  // once per step
  std::int64_t count() const { return static_cast<std::int64_t>(returns_.size()); }
  double value(double vol_ref, std::int64_t dt_seconds) const;

 private:
  Ring<double> returns_;  // ℓ_k
  double last_ = 0.0;
};

// g_TVL = TVL_t/TVL_{t−window} − 1, the oldest available (the initial TVL at t = 0) while the
// history is shorter than the window. One entry per rebase, plus the initial one.
class TvlGrowth {
 public:
  TvlGrowth() = default;
  TvlGrowth(std::int64_t window_rebases, double initial_tvl);
  void push(double tvl);  // at each rebase, before the policy reads growth()
  double growth() const;

 private:
  Ring<double> tvl_;  // window_rebases + 1 entries: TVL_{t−window} … TVL_t
};

}  // namespace stampede::ksn
