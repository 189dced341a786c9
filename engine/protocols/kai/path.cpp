#include "engine/protocols/kai/path.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "agents/behaviour_columns.hpp"
#include "agents/choice.hpp"
#include "engine/core/errors.hpp"
#include "engine/market/amm.hpp"
#include "engine/protocols/kai/arbitrage.hpp"
#include "engine/protocols/kai/bond.hpp"
#include "engine/protocols/kai/buyback.hpp"
#include "engine/protocols/kai/liquidity.hpp"
#include "engine/protocols/kai/redemption.hpp"
#include "engine/protocols/kai/tiers.hpp"
#include "engine/random/stream.hpp"

namespace stampede::kai {
namespace {

constexpr std::uint32_t kTimerOffset = 64;  // stored timer = round + 64, so initial stakers are unlocked
constexpr std::uint32_t kActionShift = 28;  // bits 28..30 of the timer word: this step's action code
constexpr std::uint32_t kActionMask = 0x70000000u;
constexpr std::uint32_t kRoundMask = 0x0fffffffu;
constexpr std::size_t kUniformBlock = 1024;

// Actions per type (kai.md §6 table); behaviour.cpp lists them in this number.
constexpr int kActionsOf[kNumTypes] = {2, 3, 3, 2};

inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
// σ(x) ≤ 1/(2 + y + y²/2 + y³/6) for y = −x ≥ 0 (e^y ≥ its third-order Taylor sum), with a
// relative margin far above the rounding of the exact path; 1 for x > 0.
inline double sigmoid_upper_bound(double x) {
  if (x > 0) return 1.0;
  const double y = -x;
  return (1.0 + 1e-9) / (2.0 + y * (1.0 + y * (0.5 + y * (1.0 / 6.0))));
}
inline std::uint8_t action_of(std::uint32_t w) { return static_cast<std::uint8_t>((w & kActionMask) >> kActionShift); }
inline std::uint32_t with_action(std::uint32_t w, std::uint8_t a) {
  return (w & ~kActionMask) | (static_cast<std::uint32_t>(a) << kActionShift);
}
inline std::int64_t timer_round(std::uint32_t w) { return static_cast<std::int64_t>(w & kRoundMask) - kTimerOffset; }
inline std::uint32_t with_round(std::uint32_t w, std::int64_t r) {
  return (w & ~kRoundMask) | static_cast<std::uint32_t>(r + kTimerOffset);
}

void require_finite(double v, const char* name, std::int64_t t) {
  if (!std::isfinite(v))
    throw RuntimeFailure(std::string("non-finite ") + name + " at step " + std::to_string(t));
}

}  // namespace

KaiPath::KaiPath(const KaiRunConfig& config, std::uint64_t path)
    : cfg_(config),
      p_(config.scenario.params),
      b_(config.scenario.behaviour),
      path_(path),
      steps_per_round_(static_cast<std::int64_t>(config.scenario.params.round_seconds) / config.dt_seconds),
      steps_per_day_(std::max<std::int64_t>(1, 86400 / config.dt_seconds)),
      exo_(config.scenario.market, config.dt_seconds, config.seed,
           std::max<std::int64_t>(86400 / config.dt_seconds, 1) * config.dt_seconds),
      twap_(config.dt_seconds, static_cast<std::int64_t>(config.scenario.params.round_seconds),
            config.scenario.params.pool.kusdt / config.scenario.params.pool.kai),
      history_(static_cast<std::size_t>(steps_per_day_), static_cast<double>(config.dt_seconds) / 3600.0),
      depeg_(config.scenario.metrics.depeg_level, config.scenario.metrics.depeg_rounds),
      runs_(config.scenario.metrics, static_cast<std::size_t>(steps_per_day_)),
      trackers_(config.scenario.metrics, config.scenario.params.round_seconds / 3600.0) {
  exo_.start_path(path);
  for (int t = 0; t < kNumTypes; ++t)
    if (static_cast<int>(b_.types[t].actions.size()) != kActionsOf[t])
      throw std::logic_error("kai: behaviour table and kActionsOf disagree");
  const auto& in = p_.initial;
  s_.S = in.kai_supply;
  s_.A = in.treasury_kai;
  s_.B = in.bkai_supply;
  s_.skai_supply = in.skai_supply;
  s_.team_kai = in.team_kai;
  s_.bb_kai = in.bb_kai;
  s_.bb_kusdt = in.bb_kusdt;
  s_.x = p_.pool.kai;
  s_.y = p_.pool.kusdt;
  s_.L = std::sqrt(s_.x * s_.y);
  s_.arb_kai = p_.arbitrageur.capital_kai;
  s_.arb_kusdt = p_.arbitrageur.capital_kusdt;
  s_.cap_tier = tier(s_.S, p_.tiers);
  s_.twap_r = s_.y / s_.x;
  S0_ = s_.S;
  p0_ = s_.y / s_.x;
  init_population();
  end_of_step_prices();
}

// kai.md §3 "Initial state".
void KaiPath::init_population() {
  const std::size_t n = static_cast<std::size_t>(cfg_.agents);
  a_.n = n;
  a_.ranges = agents::TypeRanges::from_mix(b_.mix, n);
  for (auto* col : {&a_.kai, &a_.kusdt, &a_.skai, &a_.st, &a_.earned, &a_.snap, &a_.bkai, &a_.snap_lp, &a_.lp, &a_.cost})
    col->resize(n);
  a_.timer.resize(n);
  a_.h.resize(n);
  a_.rho.resize(n);
  for (auto& c : a_.bias) c.resize(n);

  // Behaviour columns (agents/behaviour_columns.hpp): h, ρ, a bias per action and the random
  // fractions, which share float columns 0, 1, ... within a type.
  frac_ = agents::fraction_layout<kNumTypes, kMaxActions>(b_.types, kTypeNames);
  a_.frac_columns = frac_.columns;
  for (int c = 0; c < a_.frac_columns; ++c) a_.frac[c].resize(n);
  for (int t = 0; t < kNumTypes; ++t) {
    inv_temp_[t] = 1.0 / b_.types[t].temperature;
    type_count_[t] = static_cast<std::int64_t>(a_.ranges[t].size());
  }
  for (int k = 0; k < kMaxActions; ++k) {
    bias_cols_[k] = a_.bias[k].data();
    frac_cols_[k] = a_.frac[k].data();
  }
  const std::uint64_t seed = cfg_.seed;
  std::vector<double> w(n);
  agents::TypeRange all{0, n};
  agents::sample_behaviour(b_.types, a_.ranges, frac_, seed, path_, a_.h.data(), a_.rho.data(), bias_cols_, frac_cols_);
  // Wealth, then KAI and KUSDT by the type's KAI share, scaled to the scenario totals.
  agents::sample_column(cfg_.wealth, seed, path_, agents::ColumnId::wealth, all, w.data());
  for (int t = 0; t < kNumTypes; ++t) {
    const auto r = a_.ranges[t];
    for (std::size_t i = r.begin; i < r.end; ++i) {
      a_.kai[i] = w[i] * b_.types[t].kai_share;
      a_.kusdt[i] = w[i] * (1.0 - b_.types[t].kai_share);
    }
  }
  if (n > 0) {
    agents::scale_to_total(a_.kai.data(), all, p_.initial.agent_kai);
    agents::scale_to_total(a_.kusdt.data(), all, p_.initial.agent_kusdt);
  }
  // Stakers: staked and liquid sKAI; bond buyers: bKAI; LPs: their share of L_0 (pro rata to w).
  const auto st_r = a_.ranges[staker], bb_r = a_.ranges[bond_buyer], lp_r = a_.ranges[lp];
  if (!st_r.empty()) {
    agents::split_pro_rata(w.data(), st_r, p_.initial.board_staked, a_.st.data());
    agents::split_pro_rata(w.data(), st_r, p_.initial.skai_supply - p_.initial.board_staked, a_.skai.data());
    s_.staked = p_.initial.board_staked;
  } else {
    s_.staked = 0;
    skai_ext_ = p_.initial.skai_supply;  // no stakers: the sKAI stays outside
  }
  if (!bb_r.empty()) agents::split_pro_rata(w.data(), bb_r, p_.initial.bkai_supply, a_.bkai.data());
  else s_.B = 0;  // no bond buyers: the initial bKAI is not modelled (checked at build)
  const double agent_lp = lp_r.empty() ? 0.0 : p_.initial.agent_lp_share * s_.L;
  if (!lp_r.empty()) agents::split_pro_rata(w.data(), lp_r, agent_lp, a_.lp.data());
  s_.L_out = s_.L - agent_lp;

  double agent_kai = 0;
  for (std::size_t i = 0; i < n; ++i) agent_kai += a_.kai[i];
  s_.ext_kai = s_.S - agent_kai - s_.x - s_.A - s_.board_unclaimed - s_.team_kai - s_.bb_kai - s_.arb_kai;
  if (s_.ext_kai < -1e-6 * s_.S)
    throw InputError("kai.initial.kai_supply: too small for the KAI placed in agents, pool, treasury, funds and "
                     "arbitrage (ext_kai = " + std::to_string(s_.ext_kai) + ")");
  s_.ext_kai = std::max(0.0, s_.ext_kai);

  double agent_kusdt = 0;
  for (std::size_t i = 0; i < n; ++i) agent_kusdt += a_.kusdt[i];
  kusdt0_ = agent_kusdt + s_.y + s_.bb_kusdt + s_.arb_kusdt;
  // K25: cost basis = W_i at the initial prices.
  const double p = s_.y / s_.x, lpv = (s_.y + s_.x * p) / s_.L;
  for (std::size_t i = 0; i < n; ++i) {
    a_.timer[i] = with_round(0, -static_cast<std::int64_t>(kTimerOffset));
    a_.cost[i] = a_.kai[i] * p + a_.kusdt[i] + (a_.st[i] + a_.skai[i]) * p_.skai_price + a_.lp[i] * lpv;
  }
}

double KaiPath::frac(int type, int action, std::size_t i) const { return frac_.of(frac_cols_, type, action, i); }

void KaiPath::end_of_step_prices() {
  mtm_p_ = s_.y / s_.x;
  mtm_vb_ = s_.twap_r >= p_.peg ? std::min(1.0, s_.A / std::max(s_.B, 1e-12)) : p_.redeem_penalty;
  mtm_lp_value_ = s_.L > 0 ? (s_.y + s_.x * mtm_p_) / s_.L : 0.0;
}

double KaiPath::swap_kai_in(double kai_in) {
  if (!(kai_in > 0)) return 0.0;
  const int pieces = std::max(1, cfg_.scenario.market.sub_swaps);
  const double piece = kai_in / pieces;
  double out = 0;
  for (int k = 0; k < pieces; ++k) {
    step_fees_ += p_.pool.fee * piece * (s_.y / s_.x);  // a KAI-in fee valued at the pre-swap spot
    const double o = amm::amount_out(piece, s_.x, s_.y, p_.pool.fee);
    s_.x += piece;
    s_.y -= o;
    out += o;
  }
  return out;
}

double KaiPath::swap_kusdt_in(double kusdt_in) {
  if (!(kusdt_in > 0)) return 0.0;
  const int pieces = std::max(1, cfg_.scenario.market.sub_swaps);
  const double piece = kusdt_in / pieces;
  double out = 0;
  for (int k = 0; k < pieces; ++k) {
    step_fees_ += p_.pool.fee * piece;
    const double o = amm::amount_out(piece, s_.y, s_.x, p_.pool.fee);
    s_.y += piece;
    s_.x -= o;
    out += o;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One step (engine.md "Time"; kai.md §4-§5).
void KaiPath::step(std::int64_t t, PathRecorder& rec) {
  // Phase 1: exogenous processes.
  exo_.advance(t, s_.S);
  step_fees_ = 0;
  step_withdrawn_ = step_removed_kusdt_ = 0;
  staked_at_start_ = s_.staked;
  pool_kusdt_at_start_ = s_.y;
  history_.begin_step(s_.y / s_.x);  // p_t: the end of step t − 1 (p_0 at t = 0)

  // (a) Round event at the start of the step, before agents decide.
  if (t % steps_per_round_ == 0) round_event(t);
  compute_signals(t);
  // Phase 2, 3, 4.
  decide(t);
  clear(t);
  settle();
  // Phase 5.
  observe(t, rec);
  end_of_step_prices();
  if (cfg_.check) check_invariants(t);
}

void KaiPath::round_event(std::int64_t t) {
  const std::int64_t r = t / steps_per_round_;
  // K2: the window just closed; round 0 reads the initial spot.
  const double twap_r = r == 0 ? p0_ : twap_.twap_last_closed(static_cast<std::int64_t>(p_.round_seconds));
  rng::Sequence u(cfg_.seed, path_, rng::Purpose::protocol, static_cast<std::uint64_t>(t));
  last_round_ = run_round(s_, p_, twap_r, r, u.uniform());
  history_.on_round(last_round_.stakers);
  // Observers that live on rounds (kai.md §8).
  depeg_.observe_round(twap_r, r, t);
  trackers_.observe_round(twap_r);
  trackers_.observe_debt_ratio(s_.B, s_.C());
}

// kai.md §6 signals, once per step after (a); p = spot at the start of the step.
void KaiPath::compute_signals(std::int64_t t) {
  (void)t;
  const KaiSignals g = history_.signals(s_, p_);
  signal_[sig_peg_dev] = g.peg_dev;
  signal_[sig_mom] = g.mom;
  signal_[sig_vol] = g.vol;
  signal_[sig_mkt_ret] = exo_.log_return_24h();
  signal_[sig_board_apr] = g.board_apr;
  signal_[sig_bond_gain] = g.bond_gain;
  signal_[sig_bkai_lp_apr] = g.bkai_lp_apr;
  signal_[sig_debt_ratio] = g.debt_ratio;
  signal_[sig_cover] = g.cover;
  signal_[sig_lp_apr] = g.lp_apr;
  contraction_now_ = s_.contraction();
  for (int ty = 0; ty < kNumTypes; ++ty) {
    const auto& tb = b_.types[ty];
    for (std::size_t a = 0; a < tb.actions.size(); ++a) {
      double c = 0;
      for (int k = 0; k < kNumSignals; ++k)
        c += tb.actions[a].w[k] * (k == sig_exit_frac ? exit_frac_[ty] : signal_[k]);
      common_[ty][a] = c;
    }
  }
}

// Phase 2: per agent of each type, masks and own terms, the logit choice (agents.md), intents.
void KaiPath::decide(std::int64_t t) {
  in_ = KaiIntents{};
  p_decide_ = s_.y / s_.x;
  const double p = mtm_p_, vb = mtm_vb_, lpv = mtm_lp_value_;
  const std::int64_t r = s_.r;
  const std::int64_t claim_lock = p_.board.reward_lockup_rounds;
  const std::int64_t withdraw_lock = std::max(p_.board.withdraw_lockup_rounds, p_.board.reward_lockup_rounds);
  rng::Stream stream(cfg_.seed, path_, rng::Purpose::decide, static_cast<std::uint64_t>(t));
  double u_block[kUniformBlock];

  // The body is instantiated once per agent type (ty is a compile-time constant), so the
  // type's masks, own terms and intents compile to straight-line code without a per-agent switch.
  auto decide_type = [&](auto type_tag) {
    constexpr int ty = decltype(type_tag)::value;
    constexpr int m = kActionsOf[ty];
    const auto range = a_.ranges[ty];
    const auto& tb = b_.types[ty];
    const double reentry = tb.reentry;
    int exit_code = 0;
    for (int k = 0; k < m; ++k)
      if (tb.actions[k].exit) exit_code = k + 1;
    for (std::size_t blk = range.begin; blk < range.end; blk += kUniformBlock) {
      const std::size_t nb = std::min(kUniformBlock, range.end - blk);
      stream.uniform_doubles(static_cast<std::uint32_t>(blk), nb, 0, u_block);
      for (std::size_t j = 0; j < nb; ++j) {
        const std::size_t i = blk + j;
        double u = u_block[j];
        std::uint32_t word = a_.timer[i];
        std::uint8_t code = 0;
        bool reenter = false;
        if (word & kExitedBit) {
          if (agents::reenters(u, reentry)) {  // agents.md: re-enter and decide with u/reentry
            reenter = true;
          } else {
            a_.timer[i] = with_action(word, 0);
            continue;
          }
        }
        // Masks and own terms (kai.md §6).
        const double kai = a_.kai[i], kusdt = a_.kusdt[i];
        bool allowed[kMaxActions] = {false, false, false};
        double claimable = 0;
        double pending = 0;
        switch (ty) {
          case holder:
            allowed[0] = kai > 0;
            allowed[1] = kusdt > 0;
            break;
          case staker: {
            pending = a_.earned[i] + a_.st[i] * (s_.RPS - a_.snap[i]);
            const std::int64_t tr = timer_round(word);
            allowed[0] = a_.skai[i] > 0;
            allowed[1] = pending > 0 && r >= tr + claim_lock;
            allowed[2] = a_.st[i] > 0 && r >= tr + withdraw_lock;
            break;
          }
          case bond_buyer:
            allowed[0] = contraction_now_ && (kusdt + kai) > 0;
            allowed[1] = a_.bkai[i] > 0;
            allowed[2] = kai > 0;
            break;
          case lp:
            allowed[0] = a_.lp[i] > 0;
            allowed[1] = kusdt > 0 && kai > 0;
            break;
        }
        // Upper bound of ΣP: ρ_i per allowed action. If u is above it (and it is < 1, so no
        // rescaling), the agent holds whatever the scores: skip the exponentials.
        const double rho = a_.rho[i];
        int n_allowed = 0;
        for (int k = 0; k < m; ++k) n_allowed += allowed[k];
        if (n_allowed == 0 || (rho * n_allowed < 1.0 && u >= rho * n_allowed)) {
          if (reenter) {
            word &= ~kExitedBit;
            a_.cost[i] = kai * p + kusdt + (a_.st[i] + a_.skai[i]) * p_.skai_price + a_.bkai[i] * p * vb +
                         a_.lp[i] * lpv + a_.earned[i] * p;
          }
          a_.timer[i] = with_action(word, 0);
          continue;
        }
        // K24 (at the previous step's end prices) and the own terms.
        const double W = kai * p + kusdt + (a_.st[i] + a_.skai[i]) * p_.skai_price + a_.bkai[i] * p * vb +
                         a_.lp[i] * lpv + a_.earned[i] * p;
        if (reenter) a_.cost[i] = W;  // agents.md: basis restarts at the current value
        const double pnl = reenter || !(a_.cost[i] > 0) ? 0.0 : W / a_.cost[i] - 1.0;
        if (ty == staker) claimable = W > 0 ? pending * p / W : 0.0;
        double prob[kMaxActions] = {0, 0, 0};
        double z[kMaxActions] = {0, 0, 0};
        const double h = a_.h[i];
        double bound = 0;
        for (int k = 0; k < m; ++k) {
          if (!allowed[k]) continue;
          const auto& ab = tb.actions[k];
          const double score = h * common_[ty][k] + ab.v[own_pnl] * pnl + ab.v[own_claimable] * claimable +
                               static_cast<double>(a_.bias[k][i]);
          z[k] = score * inv_temp_[ty];
          bound += rho * sigmoid_upper_bound(z[k]);
        }
        // If u lies above an upper bound of ΣP (< 1, so no rescaling), the rule holds: the same
        // decision as computing every σ exactly, without the exponentials.
        if (!(bound < 1.0 && u >= bound)) {
          for (int k = 0; k < m; ++k)
            if (allowed[k]) prob[k] = rho * sigmoid(z[k]);
          code = agents::choose_action(prob, static_cast<std::size_t>(m), u);  // agents.md choice rule
        }
        if (reenter) word &= ~kExitedBit;
        if (code != 0 && code == exit_code) {
          word |= kExitedBit;
          ++in_.exits[ty];
        }
        a_.timer[i] = with_action(word, code);
        if (code == 0) continue;
        // Intents (amounts are recomputed identically in settle: holdings do not change between).
        const double f = frac(ty, code - 1, i);
        switch (ty) {
          case holder:
            if (code == holder_sell) in_.holder_sell_kai += f * kai;
            else in_.holder_buy_kusdt += f * kusdt;
            break;
          case staker:
            if (code == staker_stake) in_.stake_skai += f * a_.skai[i];
            else if (code == staker_claim) in_.claim_pending += f * pending;
            else {
              in_.withdraw_st += f * a_.st[i];  // withdraw f_i of the stake, claim all rewards (K15)
              in_.withdraw_pending += pending;
            }
            break;
          case bond_buyer:
            if (code == bond_bond) {
              in_.bond_buy_kusdt += f * kusdt;
              in_.bond_kai += f * kai;
            } else if (code == bond_redeem) {
              in_.redeem_bkai += f * a_.bkai[i];
            } else {
              in_.bond_sell_kai += f * kai;
            }
            break;
          case lp:
            if (code == lp_remove) {
              in_.lp_remove_shares += f * a_.lp[i];
            } else {
              const double dy = f * std::min(kusdt, kai * p_decide_);
              in_.lp_add_dy += dy;
              in_.lp_add_dx += dy / p_decide_;
            }
            break;
        }
      }
    }
  };
  decide_type(std::integral_constant<int, holder>{});
  decide_type(std::integral_constant<int, staker>{});
  decide_type(std::integral_constant<int, bond_buyer>{});
  decide_type(std::integral_constant<int, lp>{});
  for (int ty = 0; ty < kNumTypes; ++ty)
    exit_frac_[ty] = type_count_[ty] > 0 ? static_cast<double>(in_.exits[ty]) / static_cast<double>(type_count_[ty]) : 0.0;
}

// Phase 3 (kai.md §5 (b)-(d)), on totals.
void KaiPath::clear(std::int64_t t) {
  fill_ = KaiFills{};
  const auto& bh = b_;
  const double p_start = s_.y / s_.x;
  // (b) K15 claims and withdrawals: pay pending from board_unclaimed.
  const double claimed = in_.claim_pending + in_.withdraw_pending;
  s_.board_unclaimed -= claimed;
  if (s_.board_unclaimed < 0 && s_.board_unclaimed > -1e-9 * std::max(1.0, claimed)) s_.board_unclaimed = 0;
  s_.staked -= in_.withdraw_st;
  if (s_.staked < 0) s_.staked = 0;  // rounding of the aggregate
  step_withdrawn_ = in_.withdraw_st;
  // K16 redemption.
  double redeemed_kai = 0;
  if (in_.redeem_bkai > 0) {
    const Redemption red = redeem_bkai(s_, p_, in_.redeem_bkai);
    fill_.redeem_phi = red.phi;
    fill_.redeem_kai_per_bkai = red.kai_per_bkai;
    redeemed_kai = red.kai_paid + red.kai_minted;
    trackers_.observe_redemption(red.treasury_short, t);
  }
  // K17 LP removal: the agents' shares and a liquidity_drain's, at current reserves.
  const double drain_shares = s_.L_out * exo_.drain_fraction();
  const double remove_shares = in_.lp_remove_shares + drain_shares;
  double lp_kai_to_agents = 0;
  if (remove_shares > 0) {
    const LpRemove rm = plan_lp_remove(s_.x, s_.y, s_.L, remove_shares);
    apply_lp_remove(s_, rm);
    fill_.lp_dx_per_share = rm.dx / remove_shares;
    fill_.lp_dy_per_share = rm.dy / remove_shares;
    step_removed_kusdt_ = rm.dy;
    s_.L_out -= drain_shares;
    const double drained_x = fill_.lp_dx_per_share * drain_shares;
    s_.ext_kai += drained_x;                                  // the drain's KAI goes outside
    kusdt_external_ -= fill_.lp_dy_per_share * drain_shares;  // its KUSDT leaves the system
    lp_kai_to_agents = rm.dx - drained_x;
  }
  // (c) Pool swaps in market.md order. K14 first.
  if (last_round_.buyback.kind != BuybackKind::none && t % steps_per_round_ == 0) {
    const SwapFill f = execute_buyback(s_, last_round_.buyback, p_.pool.fee);
    step_fees_ += f.fee_kusdt;
  }
  // Agent sells: holders, bond buyers, claim sales, withdraw sales, redemption sales, LP KAI legs.
  const double sell_kai = in_.holder_sell_kai + in_.bond_sell_kai + bh.claim_sell_frac * in_.claim_pending +
                          bh.exit_sell_frac * in_.withdraw_pending + bh.redeem_sell_frac * redeemed_kai +
                          bh.lp_sell_kai_frac * lp_kai_to_agents;
  if (sell_kai > 0) fill_.sell_ratio = swap_kai_in(sell_kai) / sell_kai;
  // External net demand (market.md): D < 0 sells from ext_kai (with a whale piece), D > 0 buys.
  const double D = exo_.demand(s_.C(), p_.peg, p_start);
  double ext_sell = exo_.whale_tokens();
  if (D < 0) ext_sell += -D / (s_.y / s_.x);
  ext_sell = std::min(ext_sell, s_.ext_kai);
  if (ext_sell > 0) {
    s_.ext_kai -= ext_sell;
    kusdt_external_ -= swap_kai_in(ext_sell);  // the KUSDT received leaves with the outside seller
  }
  // Agent buys: holders and the bond buyers' buy legs.
  const double buy_kusdt = in_.holder_buy_kusdt + in_.bond_buy_kusdt;
  if (buy_kusdt > 0) fill_.buy_ratio = swap_kusdt_in(buy_kusdt) / buy_kusdt;
  if (D > 0) {
    kusdt_external_ += D;
    s_.ext_kai += swap_kusdt_in(D);
  }
  // K18 arbitrage.
  const ArbTrade arb = plan_arbitrage(s_.x, s_.y, p_.pool.fee, s_.arb_kai, s_.arb_kusdt, p_.peg, p_.arbitrageur.band);
  if (arb.kind != ArbKind::none) {
    apply_arbitrage(s_, arb);
    step_fees_ += arb.fee_kusdt;
  }
  // (d) K19 bonds: the KAI the buy legs bought plus f_i of liquid KAI.
  const double bond_request = fill_.buy_ratio * in_.bond_buy_kusdt + in_.bond_kai;
  if (bond_request > 0) {
    const BondFill bf = purchase_bonds(s_, p_, bond_request);
    fill_.bond_phi = bf.phi;
    trackers_.observe_bond_fill(bf.debt_cap_hit, s_.r, t);
    trackers_.observe_debt_ratio(s_.B, s_.C());
  }
  // K20 stake.
  s_.staked += in_.stake_skai;
  // K21 LP add at the current price.
  if (in_.lp_add_dy > 0) {
    const LpAdd add = plan_lp_add(s_.x, s_.y, s_.L, in_.lp_add_dy, in_.lp_add_dx);
    apply_lp_add(s_, add);
    fill_.lp_add_fill_kusdt = add.fill_kusdt;
    fill_.lp_add_fill_kai = add.fill_kai;
    fill_.lp_add_share_per_kusdt = add.share_per_kusdt;
  }
  // TWAP accumulates the end-of-step price (market.md).
  twap_.accumulate(s_.y / s_.x);
}

// Phase 4: fills, K22 and K23, per agent.
void KaiPath::settle() {
  const auto& bh = b_;
  const auto& f = fill_;
  const double rps = s_.RPS, rps_lp = s_.RPS_lp;
  const std::int64_t r = s_.r;
  auto settle_type = [&](auto type_tag) {
    constexpr int ty = decltype(type_tag)::value;
    const auto range = a_.ranges[ty];
    for (std::size_t i = range.begin; i < range.end; ++i) {
      const std::uint32_t word = a_.timer[i];
      const std::uint8_t code = action_of(word);
      if (ty == staker) {  // K22 before the step's fills (pre-step balance)
        a_.earned[i] += a_.st[i] * (rps - a_.snap[i]);
        a_.snap[i] = rps;
      } else if (ty == bond_buyer) {  // K23, auto-harvested to liquid sKAI
        a_.skai[i] += a_.bkai[i] * (rps_lp - a_.snap_lp[i]);
        a_.snap_lp[i] = rps_lp;
      }
      if (code == 0) continue;
      const double fr = frac(ty, code - 1, i);
      switch (ty) {
        case holder:
          if (code == holder_sell) {
            const double q = fr * a_.kai[i];
            a_.kai[i] -= q;
            a_.kusdt[i] += f.sell_ratio * q;
          } else {
            const double q = fr * a_.kusdt[i];
            a_.kusdt[i] -= q;
            a_.kai[i] += f.buy_ratio * q;
          }
          break;
        case staker:
          if (code == staker_stake) {
            const double q = fr * a_.skai[i];
            a_.st[i] += q;
            a_.skai[i] -= q;
            a_.timer[i] = with_round(word, r);
          } else {
            const double pend = code == staker_claim ? fr * a_.earned[i] : a_.earned[i];
            const double sell = (code == staker_claim ? bh.claim_sell_frac : bh.exit_sell_frac) * pend;
            a_.earned[i] -= pend;
            a_.kai[i] += pend - sell;
            a_.kusdt[i] += f.sell_ratio * sell;
            if (code == staker_withdraw) {
              const double q = fr * a_.st[i];
              a_.skai[i] += q;
              a_.st[i] -= q;
            }
            a_.timer[i] = with_round(word, r);
          }
          break;
        case bond_buyer:
          if (code == bond_bond) {
            const double leg = fr * a_.kusdt[i];
            const double bought = f.buy_ratio * leg;
            const double q = bought + fr * a_.kai[i];
            const double filled = f.bond_phi * q;
            a_.kusdt[i] -= leg;
            a_.kai[i] += bought - filled;
            a_.bkai[i] += filled;
          } else if (code == bond_redeem) {
            const double q = fr * a_.bkai[i];
            const double burned = f.redeem_phi * q;
            const double got = f.redeem_kai_per_bkai * burned;
            const double sell = bh.redeem_sell_frac * got;
            a_.bkai[i] -= burned;
            a_.kai[i] += got - sell;
            a_.kusdt[i] += f.sell_ratio * sell;
          } else {
            const double q = fr * a_.kai[i];
            a_.kai[i] -= q;
            a_.kusdt[i] += f.sell_ratio * q;
          }
          break;
        case lp:
          if (code == lp_remove) {
            const double sh = fr * a_.lp[i];
            const double gx = f.lp_dx_per_share * sh, gy = f.lp_dy_per_share * sh;
            const double sell = bh.lp_sell_kai_frac * gx;
            a_.lp[i] -= sh;
            a_.kai[i] += gx - sell;
            a_.kusdt[i] += gy + f.sell_ratio * sell;
          } else {
            const double dy = fr * std::min(a_.kusdt[i], a_.kai[i] * p_decide_);
            const double dx = dy / p_decide_;
            a_.kusdt[i] -= f.lp_add_fill_kusdt * dy;
            a_.kai[i] -= f.lp_add_fill_kai * dx;
            a_.lp[i] += f.lp_add_share_per_kusdt * dy;
          }
          break;
      }
    }
  };
  settle_type(std::integral_constant<int, holder>{});
  settle_type(std::integral_constant<int, staker>{});
  settle_type(std::integral_constant<int, bond_buyer>{});
  settle_type(std::integral_constant<int, lp>{});
}

// Phase 5 (kai.md §8).
void KaiPath::observe(std::int64_t t, PathRecorder& rec) {
  (void)rec;  // events are marked from the observers in finish()
  require_finite(s_.y / s_.x, "pool price", t);
  require_finite(s_.S, "KAI supply", t);
  require_finite(s_.A, "treasury KAI", t);
  require_finite(s_.B, "bKAI supply", t);
  history_.end_step(step_fees_);
  runs_.observe_step(t, step_withdrawn_, staked_at_start_, step_removed_kusdt_, pool_kusdt_at_start_);
}

void KaiPath::record(std::int64_t r, PathRecorder& rec) {
  const double C = s_.C();
  rec.record(s_twap, r, s_.twap_r);
  rec.record(s_price, r, s_.y / s_.x);
  rec.record(s_kai_supply, r, s_.S);
  rec.record(s_circulation, r, C);
  rec.record(s_treasury_kai, r, s_.A);
  rec.record(s_bkai_supply, r, s_.B);
  rec.record(s_debt_ratio, r, C > 0 ? s_.B / C : 0.0);
  rec.record(s_board_staked, r, s_.staked);
  rec.record(s_issuance, r, last_round_.E);
  rec.record(s_buyback_mint, r, last_round_.BB);
  rec.record(s_bb_kai, r, s_.bb_kai);
  rec.record(s_bb_kusdt, r, s_.bb_kusdt);
  rec.record(s_pool_kai, r, s_.x);
  rec.record(s_pool_kusdt, r, s_.y);
  rec.record(s_earn_rate, r, s_.earn_rate);
  rec.record(s_phase, r, static_cast<double>(static_cast<int>(s_.phase)));
}

void KaiPath::finish(PathRecorder& rec) {
  const double C = s_.C();
  auto mark = [&](Event e, std::int64_t step) {
    if (step >= 0) rec.mark_event(e, step);
  };
  mark(e_depeg, depeg_.first_step());
  mark(e_bank_run_boardroom, runs_.boardroom_first_step());
  mark(e_bank_run_liquidity, runs_.liquidity_first_step());
  mark(e_bank_run, runs_.first_step());
  mark(e_debt_cap_hit, trackers_.debt_cap_hit_step());
  mark(e_treasury_short, trackers_.treasury_short_step());
  rec.set_final(f_min_twap, trackers_.min_twap());
  rec.set_final(f_hours_below_099, trackers_.hours_below());
  rec.set_final(f_depeg_first_round, static_cast<double>(depeg_.first_round()));
  rec.set_final(f_max_debt_ratio, trackers_.max_debt_ratio());
  rec.set_final(f_final_debt_ratio, C > 0 ? s_.B / C : 0.0);
  rec.set_final(f_kai_minted_total, s_.ledger.minted_total());
  rec.set_final(f_kai_burned_total, s_.ledger.burned_total());
  rec.set_final(f_bb_kusdt_final, s_.bb_kusdt);
}

// kai.md §9.
void KaiPath::check_invariants(std::int64_t t) const {
  auto fail = [&](const std::string& what) {
    throw RuntimeFailure("invariant broken at step " + std::to_string(t) + ": " + what);
  };
  auto close = [](double a, double b, double rel) { return std::abs(a - b) <= rel * std::max({1.0, std::abs(a), std::abs(b)}); };
  double kai = 0, kusdt = 0, bkai = 0, skai = 0, earned = 0, st = 0, lp = 0;
  for (std::size_t i = 0; i < a_.n; ++i) {
    kai += a_.kai[i];
    kusdt += a_.kusdt[i];
    bkai += a_.bkai[i];
    skai += a_.skai[i] + a_.st[i];
    st += a_.st[i];
    earned += a_.earned[i];
    lp += a_.lp[i];
    if (a_.kai[i] < -1e-9 || a_.kusdt[i] < -1e-9 || a_.bkai[i] < -1e-9 || a_.skai[i] < -1e-9 || a_.lp[i] < -1e-9)
      fail("negative balance of agent " + std::to_string(i));
  }
  // Pending boardroom rewards not yet accrued into earned_i (K22 runs lazily per step).
  double pending = 0;
  for (std::size_t i = a_.ranges[staker].begin; i < a_.ranges[staker].end; ++i) pending += a_.st[i] * (s_.RPS - a_.snap[i]);
  const double S_parts = kai + s_.x + s_.A + s_.board_unclaimed + s_.team_kai + s_.bb_kai + s_.ext_kai + s_.arb_kai;
  if (!close(s_.S, S_parts, 1e-12)) fail("KAI: S = " + std::to_string(s_.S) + " but the holdings sum to " + std::to_string(S_parts));
  if (std::abs((s_.S - S0_) - (s_.ledger.minted_total() - s_.ledger.burned_total())) > 1e-12 * s_.S)
    fail("KAI: supply change differs from minted − burned");
  if (!close(earned + pending, s_.board_unclaimed, 1e-9)) fail("boardroom: Σ earned_i differs from board_unclaimed");
  if (!close(bkai, s_.B, 1e-12)) fail("bKAI: B differs from Σ bkai_i");
  if (!close(st, s_.staked, 1e-12)) fail("sKAI: Σst differs from Σ staked_i");
  if (!close(skai + skai_ext_, s_.skai_supply, 1e-12)) fail("sKAI: supply differs from Σ (skai_i + st_i)");
  if (!close(lp + s_.L_out, s_.L, 1e-12)) fail("LP: shares differ from Σ lp_i + L_out");
  const double kusdt_all = kusdt + s_.y + s_.bb_kusdt + s_.arb_kusdt;
  if (!close(kusdt_all, kusdt0_ + kusdt_external_, 1e-12))
    fail("KUSDT: agents + pool + buyback fund + arbitrageur = " + std::to_string(kusdt_all) + ", expected " +
         std::to_string(kusdt0_ + kusdt_external_) + " from the external flows");
  if (!(s_.x > 0 && s_.y > 0)) fail("pool reserves not positive");
  if (s_.A < -1e-9) fail("treasury KAI negative");
  if (s_.contraction_left < -1e-9) fail("contraction_left negative");
}

}  // namespace stampede::kai
