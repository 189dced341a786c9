#include "engine/protocols/kai/signals.hpp"

#include <cmath>

#include "engine/protocols/kai/bkai_lp.hpp"
#include "engine/protocols/kai/risk_events.hpp"

namespace stampede::kai {

KaiSignalHistory::KaiSignalHistory(std::size_t steps_per_day, double dt_hours)
    : n_(steps_per_day > 0 ? steps_per_day : 1),
      dt_hours_(dt_hours),
      prices_(n_ + 1),
      returns_(n_),
      stakers_(kBoardRounds),
      fees_(n_) {}

void KaiSignalHistory::begin_step(double p_t) noexcept {
  if (prices_.empty()) p0_ = p_t;
  else returns_.push(std::log(p_t / prices_.back()));
  prices_.push(p_t);
}

void KaiSignalHistory::on_round(double stakers_part) noexcept { stakers_.push(stakers_part); }

double KaiSignalHistory::mom() const noexcept {
  if (prices_.empty()) return 0.0;
  // p_{t−24h} is n steps back; within the first day use p_0.
  const double p_then = prices_.size() > n_ ? prices_.oldest() : p0_;
  return std::log(prices_.back() / p_then);
}

double KaiSignalHistory::vol() const noexcept {
  const std::size_t m = returns_.size();
  if (m < 2) return 0.0;
  // Population sd, two passes oldest to newest (deterministic).
  double mean = 0.0;
  returns_.for_each([&](double r) { mean += r; });
  mean /= static_cast<double>(m);
  double ss = 0.0;
  returns_.for_each([&](double r) { ss += (r - mean) * (r - mean); });
  return std::sqrt(ss / static_cast<double>(m)) / std::sqrt(dt_hours_);
}

double KaiSignalHistory::stakers_mean() const noexcept {
  if (stakers_.empty()) return 0.0;
  double s = 0.0;
  stakers_.for_each([&](double x) { s += x; });
  return s / static_cast<double>(stakers_.size());
}

KaiSignals KaiSignalHistory::signals(const KaiState& s, const KaiParams& p) const noexcept {
  KaiSignals g;
  const double price = prices_.empty() ? s.pool.spot() : prices_.back();
  const double rounds_per_year = 8760.0 / p.round_hours();
  g.peg_dev = s.twap_r - p.peg;
  g.mom = mom();
  g.vol = vol();
  g.board_apr_raw =
      s.staked > 0.0 ? rounds_per_year * stakers_mean() * s.twap_r / (s.staked * p.skai_price) : 0.0;
  g.board_apr = std::log1p(g.board_apr_raw);
  g.bond_gain = s.contraction() && price < 1.0 ? 1.0 / price - 1.0 : 0.0;
  const double e = p.skai_emission_per_round * s.earn_rate / 100.0;
  g.bkai_lp_apr_raw = rounds_per_year * e * p.skai_price / (s.B > 1.0 ? s.B : 1.0);
  g.bkai_lp_apr = std::log1p(g.bkai_lp_apr_raw);
  g.debt_ratio = debt_ratio(s.B, s.C());
  const double cover = s.A / (s.B > 1e-9 ? s.B : 1e-9);
  g.cover = cover < 0.0 ? 0.0 : (cover > 1.0 ? 1.0 : cover);
  const double tvl = s.pool.quote_reserve() + s.pool.token_reserve() * price;
  g.lp_apr = tvl > 0.0 ? fees_.sum() * (8760.0 / 24.0) / tvl : 0.0;
  return g;
}

}  // namespace stampede::kai
