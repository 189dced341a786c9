#pragma once
// Exogenous processes of one path (market.md "Exogenous processes"), advanced in phase 1 of each
// step, scalar: the market factor M (GBM + compound-Poisson log-jumps), the OU external-demand
// noise X, and the shocks of `market.shocks`. The protocol reads, after `advance`, M_t, ln-returns,
// D_t (given its C_t, ref_t and p_t), the whale sell this step, the drain fraction and q_usd.
//
// Random draws: `rng::Sequence(seed, path, Purpose::market, step)` in this order: Z (factor),
// Z' (OU), one uniform for the jump count N, then N normals for the log-jumps. Random shock
// arrivals: one uniform per not-yet-fired rate shock i per step from
// `rng::Sequence(seed, path, Purpose::shocks, step, lane = i)`.
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/market/params.hpp"
#include "engine/random/stream.hpp"

namespace stampede::market {

// Poisson(mean) by exact inversion of the CDF at u in (0, 1); meant for the tiny means λ·τ of
// the jump process (the loop runs N + 1 times). Capped at 1000 against a degenerate u.
int poisson_inversion(double mean, double u) noexcept;

class ExogenousProcesses {
 public:
  // `return_window_seconds`: the longest lookback of log_return (24h by default; a multiple of dt).
  ExogenousProcesses(const MarketParams& params, std::int64_t dt_seconds, std::uint64_t seed,
                     std::int64_t return_window_seconds = 86400);

  // Resets to t = 0 for `path` (M = 1, X = 0, no shock fired); no allocation.
  void start_path(std::uint64_t path);
  // The same for a path key (seed, path, branch): a cloned path draws from its own branch.
  void start_path(const rng::PathKey& key);
  // Splitting: the steps after this one draw from `branch` (the state is kept).
  void set_branch(std::uint64_t branch) noexcept { key_.branch = branch; }

  // Phase 1 of step `step` (0, 1, 2, ... in order; anything else throws RuntimeFailure).
  // `total_supply` is S at the start of the step (sizes a whale_exit at its first active step).
  void advance(std::int64_t step, double total_supply);

  // D_t = m_t·[mean + mean_per_circ·C + elasticity·(ref − p)·C + X_t]·dt_h + active demand
  // shocks without a target (market.md), in quote units for this step.
  double demand(double circulation, double ref, double spot) const noexcept;

  double factor() const noexcept { return factor_; }        // M_t (M_0 = 1)
  double ln_factor() const noexcept { return ln_factor_; }  // ln M_t
  // ln M_t − ln M_{t−W}, W a multiple of dt up to the return window (ln M = 0 before the start).
  double log_return(std::int64_t window_seconds) const;
  double log_return_24h() const { return log_return(86400); }
  double ou() const noexcept { return ou_; }  // X_t, quote/h

  // Per-step shock outputs (0 / 1 when nothing is active).
  double demand_shock() const noexcept { return demand_shock_; }      // untargeted `demand`, quote
  double demand_shock(std::string_view target) const noexcept;        // `demand` shocks with this target
  double whale_tokens() const noexcept { return whale_tokens_; }      // tokens to sell this step
  double drain_fraction() const noexcept { return drain_fraction_; }  // of the outside LP shares held
  double quote_usd() const noexcept { return quote_usd_; }            // USD value of one quote unit

  // Shock i: the step it started (−1 if it has not), its number of active steps, active now?
  std::int64_t shock_start(std::size_t i) const noexcept { return shocks_[i].start; }
  std::int64_t shock_steps(std::size_t i) const noexcept { return shocks_[i].steps; }
  bool shock_active(std::size_t i) const noexcept;
  std::size_t shock_count() const noexcept { return shocks_.size(); }

 private:
  struct ShockState {
    ShockParams params;
    std::int64_t steps = 1;  // n = max(1, round(duration/dt))
    std::int64_t scheduled_start = 0;
    double fire_probability = 0.0;  // per step, rate shocks
    double piece = 0.0;             // whale tokens per active step, fixed at the first one
    std::int64_t start = -1;        // step it started, −1 before
  };
  void fire_shocks(std::int64_t step);
  bool active(const ShockState& s, std::int64_t step) const noexcept {
    return s.start >= 0 && step >= s.start && step < s.start + s.steps;
  }

  MarketParams params_;
  std::int64_t dt_;
  rng::PathKey key_;

  // Per-step constants.
  double drift_;      // (μ − σ²/2)·τ
  double vol_;        // σ·√τ
  double jump_mean_;  // λ·τ
  double ou_decay_;   // e^(−θ·dt_h)
  double ou_scale_;   // sd·sqrt(1 − e^(−2θ·dt_h))
  double dt_hours_;

  // Path state.
  std::int64_t next_step_ = 0;
  double ln_factor_ = 0.0;
  double factor_ = 1.0;
  double ou_ = 0.0;
  double demand_shock_ = 0.0;
  double whale_tokens_ = 0.0;
  double drain_fraction_ = 0.0;
  double quote_usd_ = 1.0;
  std::vector<ShockState> shocks_;
  std::vector<double> ln_history_;  // ring of ln M after each advance, index = steps done
  std::int64_t history_steps_;
};

}  // namespace stampede::market
