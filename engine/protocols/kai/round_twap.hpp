#pragma once
// The round's reference TWAP (kai.md K2): twap_r = (cum(t) − cum(t − round)) / round with
// cum += p·dt after each step's swaps (market.md "TWAP oracle"). Kept as the window's own sum,
// which is the same difference without cancelling two large cumulative values.
namespace stampede::kai {

class RoundTwap {
 public:
  // After each step's swaps: the end-of-step price held for dt.
  void accumulate(double price, double dt_seconds) noexcept {
    window_ += price * dt_seconds;
    elapsed_ += dt_seconds;
  }
  // At the round: the TWAP of the window just closed; opens the next window.
  double close(double round_seconds) noexcept {
    const double twap = window_ / round_seconds;
    window_ = 0.0;
    elapsed_ = 0.0;
    return twap;
  }
  // The live "expected price": TWAP since the round start (recorded, not used; §7).
  double expected() const noexcept { return elapsed_ > 0.0 ? window_ / elapsed_ : 0.0; }

 private:
  double window_ = 0.0;
  double elapsed_ = 0.0;
};

}  // namespace stampede::kai
