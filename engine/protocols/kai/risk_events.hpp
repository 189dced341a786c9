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
  // Splitting score (docs/rare-events.md), level R = `rounds`; exactly R once the event has fired.
  // `pending` is the TWAP of the round in progress so far (what the next round event will read
  // if the round closes now): the score is that of the run as it will stand then, so that it
  // moves with the step just simulated rather than one step behind. With no run, how close
  // `pending` is to the level from the peg, in [0, 1/2). In a run of r rounds (the open one
  // included) at relative depth d = (level − pending)/level: R − u·exp(−kDepthRounds·d/u) with
  // u = R − r + 1/2, i.e. r − 1/2 plus the rounds the depth predicts (kDepthRounds·d when
  // shallow), below R. The depth weight is what orders states by their chance of depegging: a
  // deep TWAP recovers over many rounds (in calm KAI at 2,000 agents the rounds a run has
  // left grow by about 60 per unit of depth, about 1.6% of the level per round), so a 4-round run
  // 20% below the level is far likelier to reach 24 rounds than a 10-round run 1% below it.
  double score(double peg, double pending) const noexcept;
  static constexpr double kDepthRounds = 60.0;
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
