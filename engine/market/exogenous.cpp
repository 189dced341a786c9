#include "engine/market/exogenous.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/core/duration.hpp"
#include "engine/core/errors.hpp"
#include "engine/random/stream.hpp"

namespace stampede::market {

int poisson_inversion(double mean, double u) noexcept {
  // P(N = k) = e^(−m)·m^k/k!; smallest k with CDF(k) >= u.
  double pk = std::exp(-mean);
  double cdf = pk;
  int k = 0;
  while (u > cdf && k < 1000) {
    ++k;
    pk *= mean / k;
    cdf += pk;
    if (pk == 0.0 && cdf < u) break;  // u beyond the representable CDF: stop at this k
  }
  return k;
}

namespace {
void require(bool ok, const char* key, const std::string& message, std::vector<Diagnostic>& errors) {
  if (!ok) errors.push_back(Diagnostic{"", 0, 0, key, message});
}
}  // namespace

ExogenousProcesses::ExogenousProcesses(const MarketParams& params, std::int64_t dt_seconds,
                                       std::uint64_t seed, std::int64_t return_window_seconds)
    : params_(params), dt_(dt_seconds), key_{seed, 0, 0} {
  std::vector<Diagnostic> errors;
  require(dt_ > 0, "step", "must be positive", errors);
  require(return_window_seconds >= dt_ && dt_ > 0 && return_window_seconds % dt_ == 0, "step",
          "the 24h market-factor return window must be a multiple of the step", errors);
  require(params.sub_swaps >= 1, "market.sub_swaps", "must be >= 1", errors);
  require(params.factor.sigma >= 0, "market.factor.sigma", "must be >= 0", errors);
  require(params.factor.jump_rate >= 0, "market.factor.jump_rate", "must be >= 0", errors);
  require(params.factor.jump_sigma >= 0, "market.factor.jump_sigma", "must be >= 0", errors);
  require(params.demand.theta > 0, "market.demand.theta", "must be > 0", errors);
  require(params.demand.sd >= 0, "market.demand.sd", "must be >= 0", errors);
  for (const ShockParams& s : params.shocks) {
    require(s.duration_seconds >= 0, "market.shocks.duration", "must be >= 0", errors);
    require(s.scheduled ? s.at_seconds >= 0 : s.rate_per_year >= 0,
            s.scheduled ? "market.shocks.at" : "market.shocks.rate", "must be >= 0", errors);
    switch (s.kind) {
      case ShockKind::crash:
        require(s.size > -1.0, "market.shocks.size", "crash size must be > -1", errors);
        break;
      case ShockKind::demand:
        break;
      case ShockKind::whale_exit:
        require(s.size > 0.0 && s.size <= 1.0, "market.shocks.size", "whale_exit size must be in (0, 1]",
                errors);
        break;
      case ShockKind::liquidity_drain:
        require(s.size > 0.0 && s.size <= 1.0, "market.shocks.size", "liquidity_drain size must be in (0, 1]",
                errors);
        break;
      case ShockKind::carbon_crash:
        require(s.size > -1.0, "market.shocks.size", "carbon_crash size must be > -1", errors);
        break;
      case ShockKind::reserve_depeg:
        require(s.size > -1.0 && s.size < 0.0, "market.shocks.size", "reserve_depeg size must be in (-1, 0)",
                errors);
        break;
    }
  }
  if (!errors.empty()) throw InputError(std::move(errors));

  // market.md: τ = dt in years (1 y = 8760 h); the OU θ and the demand rate are per hour.
  const double tau = static_cast<double>(dt_) / static_cast<double>(kSecondsPerYear);
  dt_hours_ = static_cast<double>(dt_) / static_cast<double>(kSecondsPerHour);
  const FactorParams& f = params.factor;
  drift_ = (f.mu - 0.5 * f.sigma * f.sigma) * tau;
  vol_ = f.sigma * std::sqrt(tau);
  jump_mean_ = f.jump_rate * tau;
  ou_decay_ = std::exp(-params.demand.theta * dt_hours_);
  ou_scale_ = params.demand.sd * std::sqrt(-std::expm1(-2.0 * params.demand.theta * dt_hours_));

  history_steps_ = return_window_seconds / dt_;
  ln_history_.assign(static_cast<std::size_t>(history_steps_ + 1), 0.0);

  shocks_.reserve(params.shocks.size());
  for (const ShockParams& s : params.shocks) {
    ShockState st;
    st.params = s;
    // n = max(1, round(duration/dt))
    st.steps = std::max<std::int64_t>(
        1, std::llround(static_cast<double>(s.duration_seconds) / static_cast<double>(dt_)));
    st.scheduled_start = (s.at_seconds + dt_ - 1) / dt_;        // first step beginning at or after `at`
    st.fire_probability = -std::expm1(-s.rate_per_year * tau);  // 1 − e^(−rate·τ)
    shocks_.push_back(st);
  }
  start_path(0);
}

void ExogenousProcesses::start_path(std::uint64_t path) { start_path(rng::PathKey{key_.seed, path, 0}); }

void ExogenousProcesses::start_path(const rng::PathKey& key) {
  key_ = key;
  next_step_ = 0;
  ln_factor_ = 0.0;
  factor_ = 1.0;
  ou_ = 0.0;
  demand_shock_ = whale_tokens_ = drain_fraction_ = 0.0;
  quote_usd_ = 1.0;
  for (double& v : ln_history_) v = 0.0;
  for (ShockState& s : shocks_) {
    s.start = -1;
    s.piece = 0.0;
  }
}

void ExogenousProcesses::fire_shocks(std::int64_t step) {
  for (std::size_t i = 0; i < shocks_.size(); ++i) {
    ShockState& s = shocks_[i];
    if (s.start >= 0) continue;  // once per path
    if (s.params.scheduled) {
      if (step == s.scheduled_start) s.start = step;
    } else if (s.fire_probability > 0.0) {
      rng::Sequence draws(key_, rng::Purpose::shocks, static_cast<std::uint64_t>(step),
                          static_cast<std::uint32_t>(i));
      if (draws.uniform() < s.fire_probability) s.start = step;
    }
  }
}

void ExogenousProcesses::advance(std::int64_t step, double total_supply) {
  if (step != next_step_) throw RuntimeFailure("market: exogenous processes advanced out of order");
  ++next_step_;

  // market.md: ln M_{t+dt} = ln M_t + (μ − σ²/2)·τ + σ·√τ·Z + Σ_{j≤N} J_j
  rng::Sequence draws(key_, rng::Purpose::market, static_cast<std::uint64_t>(step));
  const double z = draws.normal();
  const double z_ou = draws.normal();
  const int jumps = jump_mean_ > 0.0 ? poisson_inversion(jump_mean_, draws.uniform()) : 0;
  double d_ln = drift_ + vol_ * z;
  for (int j = 0; j < jumps; ++j) d_ln += params_.factor.jump_mu + params_.factor.jump_sigma * draws.normal();

  // market.md: X_t = X_{t−dt}·e^(−θ·dt) + sd·sqrt(1 − e^(−2θ·dt))·Z'
  ou_ = ou_ * ou_decay_ + ou_scale_ * z_ou;

  fire_shocks(step);
  demand_shock_ = whale_tokens_ = 0.0;
  double keep_shares = 1.0;
  quote_usd_ = 1.0;
  for (ShockState& s : shocks_) {
    if (!active(s, step)) continue;
    const double n = static_cast<double>(s.steps);
    switch (s.params.kind) {
      case ShockKind::crash:  // ln M += ln(1 + size)/n per active step
        d_ln += std::log1p(s.params.size) / n;
        break;
      case ShockKind::demand:  // size/n per active step, not scaled by M
        if (s.params.target.empty()) demand_shock_ += s.params.size / n;
        break;
      case ShockKind::whale_exit:  // size·S (S at the first active step) in n equal pieces
        if (step == s.start) s.piece = s.params.size * total_supply / n;
        whale_tokens_ += s.piece;
        break;
      case ShockKind::liquidity_drain:  // 1 − (1 − size)^(1/n) of the outside shares then held
        keep_shares *= std::pow(1.0 - s.params.size, 1.0 / n);
        break;
      case ShockKind::reserve_depeg:  // the quote is worth 1 + size USD while active
        quote_usd_ *= 1.0 + s.params.size;
        break;
      case ShockKind::carbon_crash:  // the protocol's carbon prices (klima2.md §7), read via shock_active
        break;
    }
  }
  drain_fraction_ = 1.0 - keep_shares;

  ln_factor_ += d_ln;
  factor_ = std::exp(ln_factor_);
  ln_history_[static_cast<std::size_t>(next_step_ % (history_steps_ + 1))] = ln_factor_;
}

double ExogenousProcesses::demand(double circulation, double ref, double spot) const noexcept {
  const DemandParams& d = params_.demand;
  const double m = d.scale_with_factor ? factor_ : 1.0;  // m_t = M_t/M_0, M_0 = 1
  // market.md: D_t = m_t·[mean + mean_per_circ·C + elasticity·(ref − p)·C + X_t]·dt + shocks
  const double rate =
      d.mean + d.mean_per_circ * circulation + d.elasticity * (ref - spot) * circulation + ou_;
  return m * rate * dt_hours_ + demand_shock_;
}

double ExogenousProcesses::demand_shock(std::string_view target) const noexcept {
  if (target.empty()) return demand_shock_;
  const std::int64_t step = next_step_ - 1;
  double total = 0.0;
  for (const ShockState& s : shocks_)
    if (s.params.kind == ShockKind::demand && s.params.target == target && active(s, step))
      total += s.params.size / static_cast<double>(s.steps);
  return total;
}

bool ExogenousProcesses::shock_active(std::size_t i) const noexcept {
  return next_step_ > 0 && active(shocks_[i], next_step_ - 1);
}

double ExogenousProcesses::log_return(std::int64_t window_seconds) const {
  if (window_seconds <= 0 || window_seconds % dt_ != 0 || window_seconds / dt_ > history_steps_)
    throw RuntimeFailure("market: log-return window must be a multiple of the step within the history");
  const std::int64_t back = next_step_ - window_seconds / dt_;
  const double then = back <= 0 ? 0.0 : ln_history_[static_cast<std::size_t>(back % (history_steps_ + 1))];
  return ln_factor_ - then;
}

}  // namespace stampede::market
