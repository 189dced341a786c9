#include "engine/protocols/kai/trailing_window.hpp"

namespace stampede::kai {

TrailingWindow::TrailingWindow(std::size_t steps)
    : amount_(steps > 0 ? steps : 1, 0.0), base_(steps > 0 ? steps : 1, 0.0) {}

void TrailingWindow::push(double amount, double base_at_step_start) noexcept {
  const std::size_t n = amount_.size();
  if (count_ == n) sum_ -= amount_[head_];
  amount_[head_] = amount;
  base_[head_] = base_at_step_start;
  head_ = head_ + 1 == n ? 0 : head_ + 1;
  if (count_ < n) ++count_;
  sum_ += amount;
  // Resum once per lap so the running sum's rounding drift stays bounded by one lap.
  if (head_ == 0) {
    double s = 0.0;
    for (double a : amount_) s += a;
    sum_ = s;
  }
}

double TrailingWindow::base_at_window_start() const noexcept {
  if (count_ == 0) return 0.0;
  return count_ < amount_.size() ? base_[0] : base_[head_];
}

}  // namespace stampede::kai
