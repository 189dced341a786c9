#pragma once
// KSN risk events (ksn.md §8) and the runway figures (§6, §8). One instance per path, rings
// sized at construction; record once per step (or per rebase) in phase 5.
#include <cstdint>
#include <limits>

#include "engine/core/trailing_window.hpp"

namespace stampede::ksn {

// bank_run: gross KSN unstaked in (t − window, t] ≥ fraction × Σ stake at max(0, t − window)
// (the end of step t − window; churn counts, the ratio may exceed 1).
class BankRunObserver {
 public:
  BankRunObserver() = default;
  // window_steps = window/dt; initial_stake = Σ stake at t = 0.
  BankRunObserver(std::int64_t window_steps, double fraction, double initial_stake)
      : window_(static_cast<std::size_t>(window_steps > 0 ? window_steps : 1)), fraction_(fraction),
        last_stake_(initial_stake) {}
  // After each step: gross KSN unstaked during it, Σ stake at its end. Returns whether the
  // condition holds at this step end.
  bool record(double unstaked, double stake_at_end) {
    window_.push(unstaked, last_stake_);
    last_stake_ = stake_at_end;
    return window_.sum() > 0.0 && window_.sum() >= fraction_ * window_.base_at_window_start();
  }
  double unstaked_in_window() const { return window_.sum(); }
  double reference_stake() const { return window_.size() ? window_.base_at_window_start() : last_stake_; }
  // §8 series unstaked_72h_fraction (0 when the reference stake is 0).
  double unstaked_fraction() const {
    const double ref = reference_stake();
    return ref > 0.0 ? window_.sum() / ref : 0.0;
  }

 private:
  TrailingWindow window_;  // unstaked flows, and Σ stake at each step's start
  double fraction_ = 0.25;
  double last_stake_ = 0.0;
};

// below_backing: step-end P < B at every step of a run of ≥ duration.
class BelowBackingObserver {
 public:
  BelowBackingObserver() = default;
  explicit BelowBackingObserver(std::int64_t duration_steps) : needed_(duration_steps) {}
  // Returns whether the current run has lasted ≥ duration_steps steps (true on every further step).
  bool record(double price, double backing) {
    run_ = price < backing ? run_ + 1 : 0;
    return run_ >= needed_;
  }
  std::int64_t run_steps() const { return run_; }

 private:
  std::int64_t needed_ = 24;
  std::int64_t run_ = 0;
};

// rebase_default: r_eff < r_min, tested as R < r_min·Q·(1 − 1e−12) so a fully funded r_min
// rebase never counts through rounding, at ≥ `consecutive` consecutive rebases.
class RebaseDefaultObserver {
 public:
  RebaseDefaultObserver() = default;
  RebaseDefaultObserver(int consecutive, double r_min) : needed_(consecutive), r_min_(r_min) {}
  // At each rebase with its budget R and base Q. Returns whether the streak has reached the count.
  bool record(double R, double Q) {
    streak_ = R < r_min_ * Q * (1.0 - 1e-12) ? streak_ + 1 : 0;
    return streak_ >= needed_;
  }
  int streak() const { return streak_; }

 private:
  int needed_ = 2;
  double r_min_ = 0.001;
  int streak_ = 0;
};

// rfv_deficit: E < 0 at a step end.
inline bool rfv_deficit(double excess) { return excess < 0.0; }

// §8 runway_rebases = DCP/(r_t·Q) (+inf when nothing is owed).
inline double runway_rebases(double DCP, double r_t, double Q) {
  const double due = r_t * Q;
  return due > 0.0 ? DCP / due : std::numeric_limits<double>::infinity();
}

// §6 runway_days = (period/1d)·(DCP + [mint]·φ·max(0, E))/(r_t·Q): rebases the DCP plus the
// mint capacity can fund at the current rate, in days (0.5 per 12h rebase).
inline double runway_days(double DCP, double excess, bool surplus_mint, double phi, double r_t, double Q,
                          std::int64_t rebase_period_seconds) {
  const double capacity = DCP + (surplus_mint ? phi * (excess > 0.0 ? excess : 0.0) : 0.0);
  return runway_rebases(capacity, r_t, Q) * static_cast<double>(rebase_period_seconds) / 86400.0;
}

}  // namespace stampede::ksn
