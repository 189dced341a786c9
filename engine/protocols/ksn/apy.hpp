#pragma once
// Rate conversions for a 12h rebase, 730 rebases a year (ksn.md §8 apy_*, §6 yld).
#include <cmath>

namespace stampede::ksn {

inline constexpr double kRebasesPerYear = 730.0;

// Compounded growth over n rebases at rate r: (1 + r)^n − 1 (APY: n = 730; 30 days: n = 60).
inline double compounded(double r, double n) { return std::expm1(n * std::log1p(r)); }
// apy_instant = (1 + r_eff)^730 − 1.
inline double apy(double r) { return compounded(r, kRebasesPerYear); }
// The agents' yield signal yld = 730·ln(1 + r_eff,last) (continuously compounded APY).
inline double yield_signal(double r) { return kRebasesPerYear * std::log1p(r); }

// apy_realised = (Π(1 + r_eff))^(730/n) − 1 over the n rebases of a path (log-sum in order).
class RealisedApy {
 public:
  void add(double r_eff) {
    log_growth_ += std::log1p(r_eff);
    ++n_;
  }
  long count() const { return n_; }
  double value() const {
    return n_ > 0 ? std::expm1(log_growth_ * kRebasesPerYear / static_cast<double>(n_)) : 0.0;
  }

 private:
  double log_growth_ = 0.0;
  long n_ = 0;
};

}  // namespace stampede::ksn
