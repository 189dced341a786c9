#pragma once
// Rate conversions of the rebase rate (ksn.md §8 apy_*, §6 yld): per year there are
// 365 d / ksn.rebase.period rebases (730 at the seed's 12h).
#include <cmath>
#include <cstdint>

namespace stampede::ksn {

inline constexpr double kRebasesPerYear = 730.0;  // at the default 12h period

inline double rebases_per_year(std::int64_t rebase_period_seconds) {
  return 365.0 * 86400.0 / static_cast<double>(rebase_period_seconds);
}

// Compounded growth over n rebases at rate r: (1 + r)^n − 1 (APY: n = 730; 30 days: n = 60).
inline double compounded(double r, double n) { return std::expm1(n * std::log1p(r)); }
// apy_instant = (1 + r_eff)^n − 1, n rebases a year.
inline double apy(double r, double n = kRebasesPerYear) { return compounded(r, n); }
// The agents' yield signal yld = n·ln(1 + r_eff,last) (continuously compounded APY).
inline double yield_signal(double r, double n = kRebasesPerYear) { return n * std::log1p(r); }

// apy_realised = (Π(1 + r_eff))^(n/count) − 1 over the rebases of a path (log-sum in order).
class RealisedApy {
 public:
  explicit RealisedApy(double rebases_per_year = kRebasesPerYear) : per_year_(rebases_per_year) {}
  void add(double r_eff) {
    log_growth_ += std::log1p(r_eff);
    ++n_;
  }
  long count() const { return n_; }
  double value() const { return n_ > 0 ? std::expm1(log_growth_ * per_year_ / static_cast<double>(n_)) : 0.0; }

 private:
  double per_year_;
  double log_growth_ = 0.0;
  long n_ = 0;
};

}  // namespace stampede::ksn
