#pragma once
// A trailing window of per-step flows and the base they are measured against (the bank-run
// windows of kai.md §8 and ksn.md §8): the sum of the flows of the last n steps, and the base
// value at the start of the oldest of them (= the end of step t − n). Rings sized at construction;
// push never allocates.
#include <cstddef>

#include "engine/core/ring.hpp"

namespace stampede {

class TrailingWindow {
 public:
  explicit TrailingWindow(std::size_t steps = 1) : flow_(steps > 0 ? steps : 1), base_(steps > 0 ? steps : 1) {}

  // One step: its flow and the base at its start.
  void push(double flow, double base_at_step_start) noexcept {
    if (flow_.size() == flow_.capacity()) sum_ -= flow_.oldest();
    flow_.push(flow);
    base_.push(base_at_step_start);
    sum_ += flow;
    // Resum once per lap so the running sum's rounding drift stays bounded by one lap.
    if (++since_resum_ == flow_.capacity()) {
      double s = 0.0;
      flow_.for_each([&](double x) { s += x; });
      sum_ = s;
      since_resum_ = 0;
    }
  }

  double sum() const noexcept { return sum_; }  // Σ flow over the held steps
  // Base at the start of the oldest held step (the window start); 0 when empty.
  double base_at_window_start() const noexcept { return base_.empty() ? 0.0 : base_.oldest(); }
  std::size_t size() const noexcept { return flow_.size(); }
  std::size_t capacity() const noexcept { return flow_.capacity(); }

 private:
  Ring<double> flow_, base_;
  double sum_ = 0.0;
  std::size_t since_resum_ = 0;
};

// Steps in a trailing window of `window_seconds` at step dt (at least 1): 24h at 1h → 24.
inline std::size_t window_steps(double window_seconds, double dt_seconds) noexcept {
  const double n = window_seconds / dt_seconds + 0.5;
  return n >= 1.0 ? static_cast<std::size_t>(n) : 1;
}

}  // namespace stampede
