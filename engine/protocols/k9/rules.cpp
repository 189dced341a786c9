#include "engine/protocols/k9/rules.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "agents/fixed_sum.hpp"
#include "agents/population.hpp"
#include "engine/core/errors.hpp"
#include "kernels/accrue_vesting.hpp"

namespace stampede::k9 {

double float_time(double s) {
  float f = static_cast<float>(s);
  if (static_cast<double>(f) > s) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
  return static_cast<double>(f);
}

double lock_multiplier(int lock_k, double max_lock_multiplier) {  // N7
  return 1.0 + (max_lock_multiplier - 1.0) * static_cast<double>(lock_k) / 12.0;
}

double es_max(const Rys& rys, const Position& position, const Settings& current) {  // N9
  const double b = current.backing_ratio;
  const double collateral = rys.locked + (current.locked_only ? 0.0 : rys.staked);
  return std::max(0.0, (collateral - b * position.unvested) / b);
}

bool can_deposit(const Rys& rys, double t, const Settings& current, double min_lock, bool stopped) {  // N8
  return !stopped && rys.locked > 0.0 && static_cast<double>(rys.lock_k) * kLockMonth >= min_lock &&
         rys.lock_end - t >= current.vesting_period;
}

Claim claim(Position& position, double phi) {  // N4
  Claim c;
  c.es_burned = phi * position.converted;
  c.knine = position.v * c.es_burned;
  position.converted -= c.es_burned;
  return c;
}

double claim_share(double stock, double claims_total) {  // N4's φ
  if (std::isinf(stock) || claims_total <= 0.0) return 1.0;
  return std::min(1.0, stock / claims_total);
}

Recalc recalculate(Position& position, double unstaked_X, double locked_Lk, double t, RecalcRule rule) {  // N5
  if (!position.a || !(position.unvested > 0.0)) return {};
  const double current = position.unvested;  // _currentDepositAmount = Rv_i/b_i
  const double excluded = rule == RecalcRule::seed
                              ? std::min(current, unstaked_X / position.b)
                              : std::min(current, std::max(0.0, current - locked_Lk / position.b));
  position.unvested = std::max(0.0, current - excluded);
  if (position.end > t) {
    position.rate = position.unvested / (position.end - t);
  } else {
    position.converted += position.unvested;
    position.unvested = 0.0;
    position.rate = 0.0;
  }
  return {excluded, true};
}

void deposit(Position& position, double x, double t, const Settings& current) {  // N10
  position.unvested += x;
  position.b = current.backing_ratio;
  position.v = current.vesting_ratio;
  position.a = !current.locked_only;
  position.end = float_time(t + current.vesting_period);
  position.rate = position.unvested / (position.end - t);
}

double vest(Position& position, double t, double t1) {  // N11
  const double du =
      kernels::detail::vested(position.unvested, position.rate, position.end, t1, kernels::max_of(0.0, t1 - t));
  position.unvested -= du;
  position.converted += du;
  return du;
}

StopPayout stop(Position& position, double phi) {  // N2
  const Claim paid = claim(position, phi);
  StopPayout s;
  s.knine_paid = paid.knine;
  s.es_burned = paid.es_burned;
  s.es_returned = position.unvested;
  s.forfeit_knine = position.v * position.unvested;
  position.unvested = 0.0;
  position.rate = 0.0;
  return s;
}

void lock(Rys& rys, double s, int k, double t) {  // N7
  const bool running = rys.locked > 0.0 && t < rys.lock_end;
  rys.locked += s;
  rys.lock_k = std::max(k, running ? rys.lock_k : 0);
  rys.lock_end = std::max(rys.lock_end, t + static_cast<double>(k) * kLockMonth);
}

bool lock_expired(const Rys& rys, double t) { return rys.locked > 0.0 && t >= rys.lock_end; }  // N6

double withdraw_lock(Rys& rys) {  // N6
  const double released = rys.locked;
  rys.locked = 0.0;
  rys.lock_k = 0;
  return released;
}

double rys_apr(double reward_usd_per_day, double sum_weight, double price_usd) {  // N14
  const double weight_usd = sum_weight * price_usd;
  return weight_usd > 0.0 ? 365.0 * reward_usd_per_day / weight_usd : 0.0;
}

void initial_vesting(const double* locked, const double* lock_remaining, const double* end_draw_uniform,
                     std::size_t n, double total, const Settings& settings, double* unvested, double* end,
                     double* rate) {  // N15
  const auto refuse = [](const std::string& message) {
    throw InputError({Diagnostic{"", 0, 0, "k9.initial.vesting", message}});
  };
  for (std::size_t i = 0; i < n; ++i) {
    end[i] = float_time(end_draw_uniform[i] * std::min(settings.vesting_period, lock_remaining[i]));
    unvested[i] = locked[i] * end[i];  // the weight Lk_i·e_i
  }
  const agents::TypeRange all{0, n};
  if (total > 0.0 && !(agents::fixed_sum(unvested, 0, n) > 0.0))
    refuse("needs vesters with locked KNINE and lock time left to back " + std::to_string(total) + " esKNINE");
  agents::scale_to_total(unvested, all, total);
  if (total > 0.0) {
    // Every u_i a whole multiple of q = ulp(total): every partial sum is then exact, so Σu is the
    // same in any order and the rounding residual goes to the largest u_i without a new rounding.
    const double q = std::nextafter(total, std::numeric_limits<double>::infinity()) - total;
    std::size_t largest = 0;
    for (std::size_t i = 0; i < n; ++i) {
      unvested[i] = std::round(unvested[i] / q) * q;
      if (unvested[i] > unvested[largest]) largest = i;
    }
    unvested[largest] += total - agents::fixed_sum(unvested, 0, n);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (unvested[i] > locked[i] / settings.backing_ratio)
      refuse("agent " + std::to_string(i) + " would vest " + std::to_string(unvested[i]) +
             " esKNINE against locked/backing_ratio = " + std::to_string(locked[i] / settings.backing_ratio) +
             " (k9.md N15: u_i <= Lk_i/b); lower k9.initial.vesting or raise k9.initial.locked");
    rate[i] = end[i] > 0.0 ? unvested[i] / end[i] : 0.0;
  }
}

}  // namespace stampede::k9
