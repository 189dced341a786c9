#pragma once
// Uniswap v2 style TWAP oracle (market.md "TWAP oracle"): cum += p·dt after each step's trades,
// with p the end-of-step spot, so the order of swaps inside a step never changes the TWAP and a
// one-step window holds one price sample. TWAP over [a, b] = (cum(b) − cum(a)) / (b − a).
//
// Times are whole seconds since the path start; cum is in quote·seconds. The accumulator values
// at step boundaries live in a ring buffer sized at construction (no allocation per step) deep
// enough for any window up to `longest_window`. Before t = 0 the price is taken to be the
// initial spot (cum(−s) = −s·p0), so a window reaching back before the start (KAI round 0,
// kai.md §4) reads the initial price for the missing part.
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/core/errors.hpp"

namespace stampede::market {

class TwapOracle {
 public:
  TwapOracle(std::int64_t dt_seconds, std::int64_t longest_window_seconds, double initial_price)
      : dt_(dt_seconds), longest_(longest_window_seconds), p0_(initial_price), last_price_(initial_price) {
    if (dt_ <= 0 || longest_ < dt_ || longest_ % dt_ != 0)
      throw RuntimeFailure("twap: the longest window must be a positive multiple of the step");
    // A last-closed window may end up to W − dt before now and starts W before its end.
    capacity_ = 2 * (longest_ / dt_) + 1;
    ring_.assign(static_cast<std::size_t>(capacity_), 0.0);
  }

  // After the step's trades: cum += p·dt (market.md), p = end-of-step spot.
  void accumulate(double end_of_step_price) noexcept {
    cum_ += end_of_step_price * static_cast<double>(dt_);
    last_price_ = end_of_step_price;
    ++steps_;
    ring_[static_cast<std::size_t>(steps_ % capacity_)] = cum_;
  }

  std::int64_t now() const noexcept { return steps_ * dt_; }
  std::int64_t step_seconds() const noexcept { return dt_; }
  std::int64_t longest_window() const noexcept { return longest_; }
  double cumulative() const noexcept { return cum_; }
  double last_price() const noexcept { return last_price_; }

  // cum at time t (a multiple of dt, t <= now, within the ring's depth).
  double cumulative_at(std::int64_t t) const {
    if (t % dt_ != 0 || t > now()) throw RuntimeFailure("twap: time not a past step boundary");
    const std::int64_t n = t / dt_;
    if (n <= 0) return static_cast<double>(t) * p0_;  // cum(0) = 0, before the start p = p0
    if (steps_ - n >= capacity_) throw RuntimeFailure("twap: time older than the oracle's history");
    return ring_[static_cast<std::size_t>(n % capacity_)];
  }

  // TWAP over [from, to], both step boundaries with from < to <= now.
  double twap(std::int64_t from, std::int64_t to) const {
    if (!(from < to)) throw RuntimeFailure("twap: empty window");
    return (cumulative_at(to) - cumulative_at(from)) / static_cast<double>(to - from);
  }

  // The previous closed window (what a protocol reads at its event, as on chain): windows are
  // aligned at multiples of W; the last one ending at or before now is [e − W, e], e = ⌊now/W⌋·W.
  double twap_last_closed(std::int64_t window) const {
    check_window(window);
    const std::int64_t end = now() / window * window;
    return twap(end - window, end);
  }

  // The window of length W ending now: [now − W, now].
  double twap_trailing(std::int64_t window) const {
    check_window(window);
    return twap(now() - window, now());
  }

  // The window of length W in progress, [⌊(now − 1)/W⌋·W, now]: at a multiple of W the window
  // just completed (what the next twap_last_closed will read); NaN before the first step.
  double twap_open_window(std::int64_t window) const noexcept {
    if (now() <= 0) return std::numeric_limits<double>::quiet_NaN();
    const std::int64_t start = (now() - 1) / window * window;
    return (cum_ - cumulative_at(start)) / static_cast<double>(now() - start);
  }

  // Live TWAP since `start` (e.g. kai.md §7's "expected price" since the round start); an empty
  // window (start = now) reads the last end-of-step price.
  double twap_since(std::int64_t start) const { return start >= now() ? last_price_ : twap(start, now()); }

 private:
  void check_window(std::int64_t window) const {
    if (window <= 0 || window % dt_ != 0 || window > longest_)
      throw RuntimeFailure("twap: window must be a multiple of the step, at most the longest window");
  }

  std::int64_t dt_;
  std::int64_t longest_;
  std::int64_t capacity_ = 0;
  double p0_;
  double last_price_;
  double cum_ = 0.0;
  std::int64_t steps_ = 0;
  std::vector<double> ring_;
};

}  // namespace stampede::market
