#pragma once
// Risk events and tracked finals of kai.md §8, per path. Sized at construction; the per-step
// and per-round calls never allocate.
#include <cstddef>
#include <cstdint>
#include <limits>

#include "engine/protocols/kai/params.hpp"
#include "engine/core/trailing_window.hpp"

namespace stampede::kai {

// `depeg`: twap_r < depeg_level for ≥ depeg_rounds consecutive rounds; first_step is the step of
// the depeg_rounds-th round of the first such run.
class DepegObserver {
 public:
  DepegObserver(double level, int rounds) noexcept : level_(level), rounds_(rounds) {}
  // Returns true on the round the event fires.
  bool observe_round(double twap_r, std::int64_t round, std::int64_t step) noexcept;
  int run_length() const noexcept { return run_; }
  double last_twap() const noexcept { return last_; }  // the last round's TWAP (NaN before round 0)
  std::int64_t first_round() const noexcept { return first_round_; }  // −1 if none
  // Splitting score (docs/rare-events.md), level `rounds`: the current run of rounds below the
  // level plus a fraction for the last TWAP, how close to the level from above (0 at the peg,
  // run 0) or how deep below it (run ≥ 1); exactly `rounds` once the event has fired.
  double score(double peg) const noexcept;
  std::int64_t first_step() const noexcept { return first_step_; }    // −1 if none

 private:
  double level_;
  int rounds_;
  int run_ = 0;
  double last_ = std::numeric_limits<double>::quiet_NaN();
  std::int64_t first_round_ = -1;
  std::int64_t first_step_ = -1;
};

// `bank_run_boardroom` (sKAI withdrawn over the trailing 24h ≥ share × Σst at the window start)
// and `bank_run_liquidity` (KUSDT removed by LP withdrawals, agents + drain, over the trailing
// 24h ≥ share × pool KUSDT at the window start); `bank_run` is either.
class BankRunObserver {
 public:
  BankRunObserver(const KaiMetricParams& m, std::size_t steps_per_window);
  // Once per step after clearing: the step's flows and the bases read at the step's start.
  void observe_step(std::int64_t step, double skai_withdrawn, double staked_at_step_start,
                    double kusdt_removed, double pool_kusdt_at_step_start) noexcept;
  std::int64_t boardroom_first_step() const noexcept { return boardroom_first_; }
  std::int64_t liquidity_first_step() const noexcept { return liquidity_first_; }
  std::int64_t first_step() const noexcept;  // bank_run: the earlier of the two, −1 if none
  const TrailingWindow& boardroom_window() const noexcept { return boardroom_; }
  const TrailingWindow& liquidity_window() const noexcept { return liquidity_; }

 private:
  double boardroom_share_;
  double liquidity_share_;
  TrailingWindow boardroom_;
  TrailingWindow liquidity_;
  std::int64_t boardroom_first_ = -1;
  std::int64_t liquidity_first_ = -1;
};

// Finals and first-occurrence flags that need only protocol scalars.
class KaiTrackers {
 public:
  explicit KaiTrackers(const KaiMetricParams& m, double round_hours) noexcept
      : below_level_(m.below_level), round_hours_(round_hours) {}
  // Per round: min_twap and hours_below_099 (rounds with twap_r < 0.99, × round length in h).
  void observe_round(double twap_r) noexcept;
  // max_debt_ratio: call at each round and after each K19 purchase; ratio B/C.
  void observe_debt_ratio(double B, double C) noexcept;
  // `debt_cap_hit`: the first round in which K19 fills are limited by the debt cap.
  void observe_bond_fill(bool debt_cap_hit, std::int64_t round, std::int64_t step) noexcept;
  // `treasury_short`: the first redemption at peg with φ < 1.
  void observe_redemption(bool treasury_short, std::int64_t step) noexcept;

  double min_twap() const noexcept { return min_twap_; }
  double hours_below() const noexcept { return hours_below_; }
  double max_debt_ratio() const noexcept { return max_debt_ratio_; }
  std::int64_t debt_cap_hit_round() const noexcept { return debt_cap_round_; }
  std::int64_t debt_cap_hit_step() const noexcept { return debt_cap_step_; }
  std::int64_t treasury_short_step() const noexcept { return treasury_short_step_; }

 private:
  double below_level_;
  double round_hours_;
  double min_twap_ = std::numeric_limits<double>::infinity();
  double hours_below_ = 0.0;
  double max_debt_ratio_ = 0.0;
  std::int64_t debt_cap_round_ = -1;
  std::int64_t debt_cap_step_ = -1;
  std::int64_t treasury_short_step_ = -1;
};

// B/C guarded against C ≤ 0 (debt_ratio signal and metric).
inline double debt_ratio(double B, double C) noexcept { return B / (C > 1e-9 ? C : 1e-9); }

}  // namespace stampede::kai
