#include "engine/protocols/ksn/bond_debt.hpp"

#include <stdexcept>

namespace stampede::ksn {

BondDebt::BondDebt(std::int64_t vesting_steps)
    : n_(vesting_steps),
      vintage_(vesting_steps > 0 ? static_cast<std::size_t>(vesting_steps) : 1, 0.0),
      left_(vintage_.size(), 0) {
  if (vesting_steps < 1) throw std::invalid_argument("BondDebt: vesting must be at least one step");
}

void BondDebt::deposit(double payout) {
  if (left_[slot_] == 0) {  // first deposit of this step: the slot's old vintage has expired
    vintage_[slot_] = 0.0;
    left_[slot_] = n_;
  }
  vintage_[slot_] += payout;
  debt_ += payout;
}

void BondDebt::end_step() {
  // Σ over live vintages in fixed slot order; each loses payout/n this step (dt/T_v = 1/n).
  double live = 0.0;
  bool any_left = false;
  const double inv_n = 1.0 / static_cast<double>(n_);
  for (std::size_t j = 0; j < vintage_.size(); ++j) {
    if (left_[j] == 0) continue;
    live += vintage_[j];
    if (--left_[j] > 0) any_left = true;
  }
  debt_ -= live * inv_n;
  // With every vintage fully decayed D is exactly 0 (no rounding residue), and never negative.
  if (!any_left || debt_ < 0.0) debt_ = 0.0;
  slot_ = (slot_ + 1) % vintage_.size();
}

double BondDebt::recomputed() const {
  double d = 0.0;
  const double inv_n = 1.0 / static_cast<double>(n_);
  for (std::size_t j = 0; j < vintage_.size(); ++j) d += vintage_[j] * static_cast<double>(left_[j]) * inv_n;
  return d;
}

}  // namespace stampede::ksn
