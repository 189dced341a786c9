#pragma once
// Trailing sum over the last n steps plus the base value read at the window's first step, for
// the 24h risk windows of kai.md §8 and the 24h fee sum of lp_apr (§6). The ring is sized at
// construction; push never allocates.
#include <cstddef>
#include <vector>

namespace stampede::kai {

class TrailingWindow {
 public:
  explicit TrailingWindow(std::size_t steps);

  // Records one step: the flow during it and the base value at its start.
  void push(double amount, double base_at_step_start) noexcept;

  double sum() const noexcept { return sum_; }  // Σ amount over the held steps
  // Base at the start of the oldest held step (the window start); 0 when empty.
  double base_at_window_start() const noexcept;
  std::size_t size() const noexcept { return count_; }
  std::size_t capacity() const noexcept { return amount_.size(); }

 private:
  std::vector<double> amount_;
  std::vector<double> base_;
  std::size_t head_ = 0;  // next slot to write
  std::size_t count_ = 0;
  double sum_ = 0.0;
};

// Steps in a trailing window of `window_seconds` at step dt (at least 1): 24h at 1h → 24.
inline std::size_t window_steps(double window_seconds, double dt_seconds) noexcept {
  const double n = window_seconds / dt_seconds + 0.5;
  return n >= 1.0 ? static_cast<std::size_t>(n) : 1;
}

}  // namespace stampede::kai
