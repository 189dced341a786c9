#include "engine/protocols/ksn/observers.hpp"

namespace stampede::ksn {

BankRunObserver::BankRunObserver(std::int64_t window_steps, double fraction, double initial_stake)
    : unstaked_(static_cast<std::size_t>(window_steps > 0 ? window_steps : 1)),
      stake_(static_cast<std::size_t>(window_steps > 0 ? window_steps + 1 : 2)),
      fraction_(fraction) {
  stake_.push(initial_stake);
}

bool BankRunObserver::record(double unstaked, double stake_at_end) {
  unstaked_.push(unstaked);
  stake_.push(stake_at_end);
  // Fixed-order sum over the window (no running-sum drift over a 90-day path).
  unstaked_sum_ = 0.0;
  unstaked_.for_each([&](double u) { unstaked_sum_ += u; });
  return unstaked_sum_ > 0.0 && unstaked_sum_ >= fraction_ * stake_.oldest();
}

double BankRunObserver::unstaked_fraction() const {
  const double ref = reference_stake();
  return ref > 0.0 ? unstaked_sum_ / ref : 0.0;
}

}  // namespace stampede::ksn
