#include "engine/protocols/kai/signals.hpp"

#include <cmath>

#include "engine/protocols/kai/bkai_lp.hpp"
#include "engine/protocols/kai/risk_events.hpp"

namespace stampede::kai {

KaiSignalHistory::KaiSignalHistory(std::size_t steps_per_day, double dt_hours)
    : n_(steps_per_day > 0 ? steps_per_day : 1),
      dt_hours_(dt_hours),
      prices_(n_ + 1, 0.0),
      returns_(n_, 0.0),
      stakers_(kBoardRounds, 0.0),
      fees_(n_) {}

void KaiSignalHistory::begin_step(double p_t) noexcept {
  const std::size_t np = prices_.size();
  if (price_count_ == 0) {
    p0_ = p_t;
  } else {
    const double prev = prices_[(price_count_ - 1) % np];
    returns_[(price_count_ - 1) % n_] = std::log(p_t / prev);
  }
  prices_[price_count_ % np] = p_t;
  ++price_count_;
}

void KaiSignalHistory::on_round(double stakers_part) noexcept {
  stakers_[stakers_count_ % kBoardRounds] = stakers_part;
  ++stakers_count_;
}

double KaiSignalHistory::mom() const noexcept {
  if (price_count_ == 0) return 0.0;
  const std::size_t np = prices_.size();
  const double p_t = prices_[(price_count_ - 1) % np];
  // p_{t−24h} is n steps back; within the first day use p_0.
  const double p_then = price_count_ > n_ ? prices_[(price_count_ - 1 - n_) % np] : p0_;
  return std::log(p_t / p_then);
}

double KaiSignalHistory::vol() const noexcept {
  const std::size_t m = price_count_ > 0 ? (price_count_ - 1 < n_ ? price_count_ - 1 : n_) : 0;
  if (m < 2) return 0.0;
  // Population sd, two passes over the ring in slot order (fixed by the step count: deterministic).
  double mean = 0.0;
  for (std::size_t i = 0; i < m; ++i) mean += returns_[i];
  mean /= static_cast<double>(m);
  double ss = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    const double d = returns_[i] - mean;
    ss += d * d;
  }
  return std::sqrt(ss / static_cast<double>(m)) / std::sqrt(dt_hours_);
}

double KaiSignalHistory::stakers_mean() const noexcept {
  const std::size_t m = stakers_count_ < kBoardRounds ? stakers_count_ : kBoardRounds;
  if (m == 0) return 0.0;
  double s = 0.0;
  for (std::size_t i = 0; i < m; ++i) s += stakers_[i];
  return s / static_cast<double>(m);
}

KaiSignals KaiSignalHistory::signals(const KaiState& s, const KaiParams& p) const noexcept {
  KaiSignals g;
  const double price = price_count_ > 0 ? prices_[(price_count_ - 1) % prices_.size()] : s.y / s.x;
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
  const double tvl = s.y + s.x * price;
  g.lp_apr = tvl > 0.0 ? fees_.sum() * (8760.0 / 24.0) / tvl : 0.0;
  return g;
}

}  // namespace stampede::kai
