#include "engine/protocols/kai/risk_events.hpp"

#include <algorithm>
#include <cmath>

namespace stampede::kai {

double DepegObserver::score(double peg, double pending) const noexcept {
  const double R = static_cast<double>(rounds_);
  if (first_step_ >= 0) return R;
  if (std::isnan(pending)) return 0.0;
  // The run as it will stand once the round in progress closes at TWAP `pending`.
  const int run = pending < level_ ? run_ + 1 : 0;
  if (run == 0) {
    // No run: how close the TWAP is to the level from the peg, below the half of a first round.
    constexpr double kBelowHalf = 0.499;
    return peg > level_ ? kBelowHalf * std::clamp((peg - pending) / (peg - level_), 0.0, 1.0) : 0.0;
  }
  // In a run: the rounds done (less half a round while the last is still open) plus the rounds
  // its depth predicts (kDepthRounds per unit of relative depth), squashed so that the score stays
  // below R until the event fires: R − left·exp(−ahead/left) is run − 1/2 + ahead for a shallow
  // TWAP and tends to R for a deep one.
  const double left = R - static_cast<double>(run) + 0.5;  // ≥ 1/2: the event has not fired
  const double ahead = kDepthRounds * (level_ - pending) / level_;
  return R - left * std::exp(-std::min(ahead / left, 20.0));  // exp(−20)·left: far above R's ulp
}

bool DepegObserver::observe_round(double twap_r, std::int64_t round, std::int64_t step) noexcept {
  last_ = twap_r;
  run_ = twap_r < level_ ? run_ + 1 : 0;
  if (run_ >= rounds_ && first_round_ < 0) {
    first_round_ = round;
    first_step_ = step;
    return true;
  }
  return false;
}

BankRunObserver::BankRunObserver(const KaiMetricParams& m, std::size_t steps_per_window)
    : boardroom_share_(m.bank_run_boardroom),
      liquidity_share_(m.bank_run_liquidity),
      boardroom_(steps_per_window),
      liquidity_(steps_per_window) {}

void BankRunObserver::observe_step(std::int64_t step, double skai_withdrawn, double staked_at_step_start,
                                   double kusdt_removed, double pool_kusdt_at_step_start) noexcept {
  boardroom_.push(skai_withdrawn, staked_at_step_start);
  liquidity_.push(kusdt_removed, pool_kusdt_at_step_start);
  // A flow is required: an empty boardroom with nothing withdrawn is no run.
  if (boardroom_first_ < 0 && boardroom_.sum() > 0.0 &&
      boardroom_.sum() >= boardroom_share_ * boardroom_.base_at_window_start())
    boardroom_first_ = step;
  if (liquidity_first_ < 0 && liquidity_.sum() > 0.0 &&
      liquidity_.sum() >= liquidity_share_ * liquidity_.base_at_window_start())
    liquidity_first_ = step;
}

std::int64_t BankRunObserver::first_step() const noexcept {
  if (boardroom_first_ < 0) return liquidity_first_;
  if (liquidity_first_ < 0) return boardroom_first_;
  return boardroom_first_ < liquidity_first_ ? boardroom_first_ : liquidity_first_;
}

void KaiTrackers::observe_round(double twap_r) noexcept {
  if (twap_r < min_twap_) min_twap_ = twap_r;
  if (twap_r < below_level_) hours_below_ += round_hours_;
}

void KaiTrackers::observe_debt_ratio(double B, double C) noexcept {
  const double d = debt_ratio(B, C);
  if (d > max_debt_ratio_) max_debt_ratio_ = d;
}

void KaiTrackers::observe_bond_fill(bool debt_cap_hit, std::int64_t round, std::int64_t step) noexcept {
  if (debt_cap_hit && debt_cap_round_ < 0) {
    debt_cap_round_ = round;
    debt_cap_step_ = step;
  }
}

void KaiTrackers::observe_redemption(bool treasury_short, std::int64_t step) noexcept {
  if (treasury_short && treasury_short_step_ < 0) treasury_short_step_ = step;
}

}  // namespace stampede::kai
