#pragma once
// K9's risk event `unlock_drawdown` (k9.md §8): the step-end price P at or below (1 − drop) × its
// maximum over the trailing window (the current step included), while unlock-origin sells make at
// least `share` of all KNINE sold into the pool over the same window. Also the deepest drawdown
// from the trailing maximum at a step whose window is unlock-dominated (unlock_drawdown_depth).
#include <algorithm>
#include <cstddef>

#include "engine/core/ring.hpp"
#include "engine/core/trailing_window.hpp"

namespace stampede::k9 {

class UnlockDrawdown {
 public:
  UnlockDrawdown(std::size_t window_steps = 1, double drop = 0.3, double share = 0.3)
      : prices_(window_steps), sold_(window_steps), unlock_(window_steps), drop_(drop), share_(share) {}

  // One step: its end price, the KNINE sold into the pool during it and the unlock-origin part.
  // True when the event's condition holds at this step.
  bool record(double price, double sold, double unlock_sold) {
    prices_.push(price);
    sold_.push(sold, 0.0);
    unlock_.push(unlock_sold, 0.0);
    double peak = price;
    prices_.for_each([&](double p) { peak = std::max(peak, p); });
    const bool dominated = sold_.sum() > 0 && unlock_.sum() >= share_ * sold_.sum();
    // How close this step came, for rare-event splitting: both conditions as fractions of their
    // thresholds, the event when the smaller reaches 1.
    const double share_part = sold_.sum() > 0 ? unlock_.sum() / (share_ * sold_.sum()) : 0.0;
    closeness_ = std::min((1.0 - price / peak) / drop_, share_part);
    if (!dominated) return false;
    const double dd = 1.0 - price / peak;
    depth_ = std::max(depth_, dd);
    return price <= (1.0 - drop_) * peak;
  }
  double depth() const { return depth_; }
  // min(drawdown / drop, unlock share / share) at the last step: ≥ 1 exactly when the event's
  // condition held there (the splitting score's raw value).
  double closeness() const { return closeness_; }
  double unlock_share() const { return sold_.sum() > 0 ? unlock_.sum() / sold_.sum() : 0.0; }

 private:
  Ring<double> prices_;
  TrailingWindow sold_, unlock_;
  double drop_, share_;
  double depth_ = 0.0;
  double closeness_ = 0.0;
};

}  // namespace stampede::k9
