#include "engine/protocols/kai/path.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include "engine/core/errors.hpp"
#include "engine/protocols/kai/arbitrage.hpp"
#include "engine/protocols/kai/bond.hpp"
#include "engine/protocols/kai/buyback.hpp"
#include "engine/protocols/kai/initial_state.hpp"
#include "engine/protocols/kai/redemption.hpp"
#include "engine/random/stream.hpp"

namespace stampede::kai {
namespace {

std::uint32_t timer_word(std::int64_t round) { return static_cast<std::uint32_t>(round + kTimerOffsetRounds); }

}  // namespace

KaiPath::KaiPath(const KaiScenario& sc, const agents::Behaviour& behaviour, const framework::PathContext& ctx,
                 agents::Population& pop)
    : sc_(sc),
      p_(sc.params),
      ap_(sc.agents),
      ctx_(ctx),
      pop_(&pop),
      steps_per_round_(static_cast<std::int64_t>(sc.params.round_seconds) / ctx.dt_seconds),
      s_(initial_state(sc.params)),
      exo_(sc.market, ctx.dt_seconds, ctx.key.seed, std::max<std::int64_t>(86400 / ctx.dt_seconds, 1) * ctx.dt_seconds),
      twap_(ctx.dt_seconds, static_cast<std::int64_t>(sc.params.round_seconds), sc.params.pool.kusdt / sc.params.pool.kai),
      history_(window_steps(86400.0, static_cast<double>(ctx.dt_seconds)), static_cast<double>(ctx.dt_seconds) / 3600.0),
      depeg_(sc.metrics.depeg_level, sc.metrics.depeg_rounds),
      runs_(sc.metrics, window_steps(86400.0, static_cast<double>(ctx.dt_seconds))),
      trackers_(sc.metrics, sc.params.round_seconds / 3600.0) {
  (void)behaviour;
  exo_.start_path(ctx.key);
  S0_ = s_.S;
  p0_ = s_.pool.spot();
  claim_lock_ = p_.board.reward_lockup_rounds;
  withdraw_lock_ = std::max(p_.board.withdraw_lockup_rounds, p_.board.reward_lockup_rounds);
  init_population();
  fill_.rps = s_.RPS;
  fill_.rps_lp = s_.RPS_lp;
  chk_.prev_B = s_.B;
  chk_.prev_skai_supply = s_.skai_supply;
  chk_.prev_cap_tier = s_.cap_tier;
  chk_.round_S = s_.S;
  observe(-1);  // K24 prices of the initial state
  init_cost_basis();
}

// kai.md §3 "Initial state".
void KaiPath::init_population() {
  const std::size_t n = pop_->size();
  for (auto* col : {&a_.kai, &a_.kusdt, &a_.skai, &a_.st, &a_.earned, &a_.snap, &a_.bkai, &a_.snap_lp, &a_.lp})
    col->resize(n);
  a_.cost.resize(n);
  a_.timer.resize(n);
  const auto& R = pop_->ranges;
  // Wealth, then KAI and KUSDT by the type's KAI share, scaled to the scenario totals.
  std::vector<double> w(n);
  const agents::TypeRange all{0, n};
  agents::sample_column(ap_.wealth, ctx_.key, agents::ColumnId::wealth, all, w.data());
  for (int t = 0; t < kNumTypes; ++t)
    for (std::size_t i = R[static_cast<std::size_t>(t)].begin; i < R[static_cast<std::size_t>(t)].end; ++i) {
      a_.kai[i] = w[i] * ap_.kai_share[static_cast<std::size_t>(t)];
      a_.kusdt[i] = w[i] * (1.0 - ap_.kai_share[static_cast<std::size_t>(t)]);
    }
  if (n > 0) {
    agents::scale_to_total(a_.kai.data(), all, p_.initial.agent_kai);
    agents::scale_to_total(a_.kusdt.data(), all, p_.initial.agent_kusdt);
  }
  // Stakers: staked and liquid sKAI; bond buyers: bKAI; LPs: their share of L_0 (pro rata to w).
  const auto st_r = R[staker], bb_r = R[bond_buyer], lp_r = R[lp];
  if (!st_r.empty()) {
    agents::split_pro_rata(w.data(), st_r, p_.initial.board_staked, a_.st.data());
    agents::split_pro_rata(w.data(), st_r, p_.initial.skai_supply - p_.initial.board_staked, a_.skai.data());
  } else {
    s_.staked = 0;
    skai_ext_ = p_.initial.skai_supply;  // no stakers: the sKAI stays outside
  }
  if (!bb_r.empty()) agents::split_pro_rata(w.data(), bb_r, p_.initial.bkai_supply, a_.bkai.data());
  else s_.B = 0;  // no bond buyers: no initial bKAI (Kai::read refuses one)
  const double L0 = s_.pool.shares();
  const double agent_lp = lp_r.empty() ? 0.0 : p_.initial.agent_lp_share * L0;
  if (!lp_r.empty()) agents::split_pro_rata(w.data(), lp_r, agent_lp, a_.lp.data());
  s_.L_out = L0 - agent_lp;  // a type with no agents leaves its share outside

  s_.ext_kai = s_.S - agent_kai_sum() - s_.pool.token_reserve() - s_.A - s_.board_unclaimed - s_.team_kai -
               s_.bb_kai - s_.arb_kai;
  if (s_.ext_kai < -1e-6 * s_.S)
    throw InputError("kai.initial.kai_supply: too small for the KAI placed in agents, pool, treasury, funds and "
                     "arbitrage (ext_kai = " + std::to_string(s_.ext_kai) + ")");
  s_.ext_kai = std::max(0.0, s_.ext_kai);

  double agent_kusdt = 0;
  for (std::size_t i = 0; i < n; ++i) agent_kusdt += a_.kusdt[i];
  kusdt0_ = agent_kusdt + s_.pool.quote_reserve() + s_.bb_kusdt + s_.arb_kusdt;
  for (std::size_t i = 0; i < n; ++i) a_.timer[i] = timer_word(-kTimerOffsetRounds);  // initial stakers are unlocked
}

// K25: cost_i = W_i (K24) at the initial prices, bKAI included.
void KaiPath::init_cost_basis() {
  const auto basis = [&](auto type) {
    constexpr int T = decltype(type)::value;
    const auto r = pop_->ranges[static_cast<std::size_t>(T)];
    for (std::size_t i = r.begin; i < r.end; ++i) a_.cost[i] = static_cast<float>(mark_to_market<T>(i));
  };
  basis(std::integral_constant<int, holder>{});
  basis(std::integral_constant<int, staker>{});
  basis(std::integral_constant<int, bond_buyer>{});
  basis(std::integral_constant<int, lp>{});
}

double KaiPath::agent_kai_sum() const {
  double s = 0;
  for (std::size_t i = 0; i < pop_->size(); ++i) s += a_.kai[i];
  return s;
}

double KaiPath::sell(double kai) { return s_.pool.swap_token_in(kai, std::max(1, sc_.market.sub_swaps)); }
double KaiPath::buy(double kusdt) { return s_.pool.swap_quote_in(kusdt, std::max(1, sc_.market.sub_swaps)); }

// ---------------------------------------------------------------------------------------------
// Phase 1 and the round event (kai.md §4, §5 (a)).
void KaiPath::begin_step(std::int64_t t) {
  exo_.advance(t, s_.S);
  fees_at_start_ = s_.pool.fees_value();
  step_withdrawn_ = step_removed_kusdt_ = 0;
  staked_at_start_ = s_.staked;
  pool_kusdt_at_start_ = s_.pool.quote_reserve();
  chk_.bond_fill = chk_.bond_base = chk_.bond_B_after = 0;
  chk_.bkai_burned = chk_.treasury_paid = chk_.treasury_A_before = chk_.skai_emitted = 0;
  history_.begin_step(s_.pool.spot());  // p_t: the end of step t − 1 (p_0 at t = 0)
  if (t % steps_per_round_ == 0) round_event(t);
}

void KaiPath::round_event(std::int64_t t) {
  const std::int64_t r = t / steps_per_round_;
  // K2: the window just closed; round 0 reads the initial spot.
  const double twap_r = r == 0 ? p0_ : twap_.twap_last_closed(static_cast<std::int64_t>(p_.round_seconds));
  rng::Sequence u(ctx_.key, rng::Purpose::protocol, static_cast<std::uint64_t>(t));
  chk_.round_S = s_.S;  // K11 reads S at the round start (a contraction round mints nothing first)
  chk_.round_fills = 0;
  last_round_ = run_round(s_, p_, twap_r, r, u.uniform());
  chk_.skai_emitted = last_round_.skai_emitted;
  history_.on_round(last_round_.stakers);
  depeg_.observe_round(twap_r, r, t);
  trackers_.observe_round(twap_r);
  trackers_.observe_debt_ratio(s_.B, s_.C());
}

// kai.md §6 signals, once per step after (a); p = the spot at the start of the step.
void KaiPath::signals(std::int64_t t, double* sig, double* own_lo, double* own_hi) {
  (void)t;
  (void)own_lo;
  const KaiSignals g = history_.signals(s_, p_);
  sig[sig_peg_dev] = g.peg_dev;
  sig[sig_mom] = g.mom;
  sig[sig_vol] = g.vol;
  sig[sig_mkt_ret] = exo_.log_return_24h();
  sig[sig_board_apr] = g.board_apr;
  sig[sig_bond_gain] = g.bond_gain;
  sig[sig_bkai_lp_apr] = g.bkai_lp_apr;
  sig[sig_debt_ratio] = g.debt_ratio;
  sig[sig_cover] = g.cover;
  sig[sig_lp_apr] = g.lp_apr;
  // claimable_i = pending_i·p/W_i with W_i ⊇ (accrued earned_i)·p + st_i·skai_price, and pending_i
  // = accrued + st_i·(RPS − RPS at the last accrual): so claimable_i ≤ max(1, ΔRPS·p/skai_price).
  own_hi[own_claimable] = std::max(1.0, (s_.RPS - fill_.rps) * mtm_p_ / p_.skai_price);
}

void KaiPath::begin_decide(std::int64_t t) {
  (void)t;
  in_ = KaiIntents{};
  p_decide_ = s_.pool.spot();
  contraction_now_ = s_.contraction();
}

// Masks and own terms of kai.md §6 for an agent the skip could not settle.
template <int T>
void KaiPath::prepare(std::size_t i, bool reentered, agents::Decision& d) {
  own_terms_one<T>(i, d.own, d.allowed);
  if (reentered) {  // agents.md: the basis restarts at the current value, so pnl_i = 0 in this decision
    a_.cost[i] = static_cast<float>(mark_to_market<T>(i));
    d.own[own_pnl] = 0.0;
  }
  if constexpr (T == staker) d.scratch[0] = a_.earned[i] + a_.st[i] * (s_.RPS - a_.snap[i]);  // pending (K15)
}

// The chosen action's amounts, into the step's aggregates (settle recomputes the same amounts
// from the same holdings: nothing changes them in between).
template <int T>
void KaiPath::intent(std::size_t i, int action, double f, const agents::Decision& d) {
  const double kai = a_.kai[i], kusdt = a_.kusdt[i];
  if constexpr (T == holder) {
    if (action == holder_sell) in_.holder_sell_kai += f * kai;
    else in_.holder_buy_kusdt += f * kusdt;
  } else if constexpr (T == staker) {
    const double pending = d.scratch[0];
    if (action == staker_stake) in_.stake_skai += f * a_.skai[i];
    else if (action == staker_claim) in_.claim_pending += f * pending;
    else {
      in_.withdraw_st += f * a_.st[i];  // withdraw f_i of the stake, claim all rewards (K15)
      in_.withdraw_pending += pending;
    }
  } else if constexpr (T == bond_buyer) {
    if (action == bond_bond) {
      in_.bond_buy_kusdt += f * kusdt;
      in_.bond_kai += f * kai;
    } else if (action == bond_redeem) {
      in_.redeem_bkai += f * a_.bkai[i];
    } else {
      in_.bond_sell_kai += f * kai;
    }
  } else {
    if (action == lp_remove) {
      in_.lp_remove_shares += f * a_.lp[i];
    } else {
      const double dy = f * std::min(kusdt, kai * p_decide_);
      in_.lp_add_dy += dy;
      in_.lp_add_dx += dy / p_decide_;
    }
  }
}

// Phase 3 (kai.md §5 (b)-(d)), on totals.
void KaiPath::clear(std::int64_t t) {
  fill_ = KaiFills{};
  fill_.p_decide = p_decide_;
  fill_.rps = s_.RPS;
  fill_.rps_lp = s_.RPS_lp;
  fill_.round = s_.r;
  const auto& ag = ap_;
  const double p_start = s_.pool.spot();
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
    chk_.treasury_A_before = s_.A;
    const Redemption red = redeem_bkai(s_, p_, in_.redeem_bkai);
    chk_.bkai_burned = red.bkai_burned;
    chk_.treasury_paid = red.kai_paid;
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
    const market::LiquidityRemoved rm = s_.pool.remove_liquidity(remove_shares, remove_shares);
    // Every holder burns the same share of what it asked for: all of it, unless the pool's
    // locked residue (market.md: a pool is never drained) caps the removal.
    fill_.lp_burn_ratio = rm.shares / remove_shares;
    fill_.lp_dx_per_share = rm.token / remove_shares;
    fill_.lp_dy_per_share = rm.quote / remove_shares;
    step_removed_kusdt_ = rm.quote;
    s_.L_out -= drain_shares * fill_.lp_burn_ratio;
    const double drained_x = fill_.lp_dx_per_share * drain_shares;
    s_.ext_kai += drained_x;                                  // the drain's KAI goes outside
    kusdt_external_ -= fill_.lp_dy_per_share * drain_shares;  // its KUSDT leaves the system
    lp_kai_to_agents = rm.token - drained_x;
  }
  // (c) Pool swaps in market.md order. K14 first.
  if (last_round_.buyback.kind != BuybackKind::none && t % steps_per_round_ == 0)
    execute_buyback(s_, last_round_.buyback);
  // Agent sells: holders, bond buyers, claim sales, withdraw sales, redemption sales, LP KAI legs.
  const double sell_kai = in_.holder_sell_kai + in_.bond_sell_kai + ag.claim_sell_frac * in_.claim_pending +
                          ag.exit_sell_frac * in_.withdraw_pending + ag.redeem_sell_frac * redeemed_kai +
                          ag.lp_sell_kai_frac * lp_kai_to_agents;
  if (sell_kai > 0) fill_.sell_ratio = sell(sell_kai) / sell_kai;
  // External net demand (market.md): D < 0 sells from ext_kai (with a whale piece), D > 0 buys.
  const double D = exo_.demand(s_.C(), p_.peg, p_start);
  double ext_sell = exo_.whale_tokens();
  if (D < 0) ext_sell += -D / s_.pool.spot();
  ext_sell = std::min(ext_sell, s_.ext_kai);
  if (ext_sell > 0) {
    s_.ext_kai -= ext_sell;
    kusdt_external_ -= sell(ext_sell);  // the KUSDT received leaves with the outside seller
  }
  // Agent buys: holders and the bond buyers' buy legs.
  const double buy_kusdt = in_.holder_buy_kusdt + in_.bond_buy_kusdt;
  if (buy_kusdt > 0) fill_.buy_ratio = buy(buy_kusdt) / buy_kusdt;
  if (D > 0) {
    kusdt_external_ += D;
    s_.ext_kai += buy(D);
  }
  // K18 arbitrage.
  arbitrage(s_.pool, s_.arb_kai, s_.arb_kusdt, p_.peg, sc_.params.arbitrageur.band);
  // (d) K19 bonds: the KAI the buy legs bought plus f_i of liquid KAI.
  const double bond_request = fill_.buy_ratio * in_.bond_buy_kusdt + in_.bond_kai;
  if (bond_request > 0) {
    chk_.bond_base = p_.debt_cap_base == DebtCapBase::circulation ? s_.C() : s_.S;
    const BondFill bf = purchase_bonds(s_, p_, bond_request);
    chk_.bond_fill = bf.fill;
    chk_.bond_B_after = s_.B;
    chk_.round_fills += bf.fill;
    fill_.bond_phi = bf.phi;
    trackers_.observe_bond_fill(bf.debt_cap_hit, s_.r, t);
    trackers_.observe_debt_ratio(s_.B, s_.C());
  }
  // K20 stake.
  s_.staked += in_.stake_skai;
  // K21 LP add at the current price.
  if (in_.lp_add_dy > 0) {
    const market::LiquidityAdded add = s_.pool.add_liquidity(in_.lp_add_dx, in_.lp_add_dy);
    fill_.lp_add_fill_kusdt = add.quote / in_.lp_add_dy;
    fill_.lp_add_fill_kai = in_.lp_add_dx > 0 ? add.token / in_.lp_add_dx : 0.0;
    fill_.lp_add_share_per_kusdt = add.shares / in_.lp_add_dy;
  }
  // The TWAP accumulates the end-of-step price (market.md).
  twap_.accumulate(s_.pool.spot());
}

// Phase 4 for one agent: the fills of the action it chose in step t (fill_ is step t's).
template <int T>
void KaiPath::settle(std::size_t i, int action, double f) {
  const auto& fl = fill_;
  if constexpr (T == holder) {
    if (action == holder_sell) {
      const double q = f * a_.kai[i];
      a_.kai[i] -= q;
      a_.kusdt[i] += fl.sell_ratio * q;
    } else {
      const double q = f * a_.kusdt[i];
      a_.kusdt[i] -= q;
      a_.kai[i] += fl.buy_ratio * q;
    }
  } else if constexpr (T == staker) {
    if (action == staker_stake) {
      const double q = f * a_.skai[i];
      a_.st[i] += q;
      a_.skai[i] -= q;
    } else {
      // K22 ran before this (accrual before fills), so earned_i is the whole pending reward.
      if (ctx_.check) {  // K15: the mask allowed this only past the lock-up of the last stake or claim
        const std::int64_t since = static_cast<std::int64_t>(a_.timer[i]) - kTimerOffsetRounds;
        const std::int64_t lock = action == staker_claim ? claim_lock_ : withdraw_lock_;
        if (fl.round < since + lock && chk_.lock_breach < 0) chk_.lock_breach = static_cast<std::int64_t>(i);
      }
      const double pend = action == staker_claim ? f * a_.earned[i] : a_.earned[i];
      const double sold = (action == staker_claim ? ap_.claim_sell_frac : ap_.exit_sell_frac) * pend;
      a_.earned[i] -= pend;
      a_.kai[i] += pend - sold;
      a_.kusdt[i] += fl.sell_ratio * sold;
      if (action == staker_withdraw) {
        const double q = f * a_.st[i];
        a_.skai[i] += q;
        a_.st[i] -= q;
      }
    }
    a_.timer[i] = timer_word(fl.round);
  } else if constexpr (T == bond_buyer) {
    if (action == bond_bond) {
      const double leg = f * a_.kusdt[i];
      const double bought = fl.buy_ratio * leg;
      const double q = bought + f * a_.kai[i];
      const double filled = fl.bond_phi * q;
      a_.kusdt[i] -= leg;
      a_.kai[i] += bought - filled;
      a_.bkai[i] += filled;
    } else if (action == bond_redeem) {
      const double burned = fl.redeem_phi * f * a_.bkai[i];
      const double got = fl.redeem_kai_per_bkai * burned;
      const double sold = ap_.redeem_sell_frac * got;
      a_.bkai[i] -= burned;
      a_.kai[i] += got - sold;
      a_.kusdt[i] += fl.sell_ratio * sold;
    } else {
      const double q = f * a_.kai[i];
      a_.kai[i] -= q;
      a_.kusdt[i] += fl.sell_ratio * q;
    }
  } else {
    if (action == lp_remove) {
      const double sh = f * a_.lp[i];
      const double gx = fl.lp_dx_per_share * sh, gy = fl.lp_dy_per_share * sh;
      const double sold = ap_.lp_sell_kai_frac * gx;
      a_.lp[i] -= fl.lp_burn_ratio * sh;
      a_.kai[i] += gx - sold;
      a_.kusdt[i] += gy + fl.sell_ratio * sold;
    } else {
      const double dy = f * std::min(a_.kusdt[i], a_.kai[i] * fl.p_decide);
      const double dx = dy / fl.p_decide;
      a_.kusdt[i] -= fl.lp_add_fill_kusdt * dy;
      a_.kai[i] -= fl.lp_add_fill_kai * dx;
      a_.lp[i] += fl.lp_add_share_per_kusdt * dy;
    }
  }
}

// Phase 5 (kai.md §8); t = −1 sets the K24 prices of the initial state.
void KaiPath::observe(std::int64_t t) {
  const double spot = s_.pool.spot();
  if (t >= 0) {
    framework::require_finite(spot, "pool price", t);
    framework::require_finite(s_.S, "KAI supply", t);
    framework::require_finite(s_.A, "treasury KAI", t);
    framework::require_finite(s_.B, "bKAI supply", t);
    history_.end_step(s_.pool.fees_value() - fees_at_start_);
    runs_.observe_step(t, step_withdrawn_, staked_at_start_, step_removed_kusdt_, pool_kusdt_at_start_);
  }
  // K24's prices for the next decision.
  mtm_p_ = spot;
  mtm_vb_ = s_.twap_r >= p_.peg ? std::min(1.0, s_.A / std::max(s_.B, 1e-12)) : p_.redeem_penalty;
  mtm_lp_value_ = s_.pool.shares() > 0 ? (s_.pool.quote_reserve() + s_.pool.token_reserve() * spot) / s_.pool.shares() : 0.0;
}

void KaiPath::series(double* out) const {
  const double C = s_.C();
  out[s_twap] = s_.twap_r;
  out[s_price] = s_.pool.spot();
  out[s_kai_supply] = s_.S;
  out[s_circulation] = C;
  out[s_treasury_kai] = s_.A;
  out[s_bkai_supply] = s_.B;
  out[s_debt_ratio] = C > 0 ? s_.B / C : 0.0;
  out[s_board_staked] = s_.staked;
  out[s_issuance] = last_round_.E;
  out[s_buyback_mint] = last_round_.BB;
  out[s_bb_kai] = s_.bb_kai;
  out[s_bb_kusdt] = s_.bb_kusdt;
  out[s_pool_kai] = s_.pool.token_reserve();
  out[s_pool_kusdt] = s_.pool.quote_reserve();
  out[s_earn_rate] = s_.earn_rate;
  out[s_phase] = static_cast<double>(static_cast<int>(s_.phase));
}

void KaiPath::finals(double* out) const {
  const double C = s_.C();
  out[f_min_twap] = trackers_.min_twap();
  out[f_hours_below_099] = trackers_.hours_below();
  // Undefined (NaN) on a path without a depeg: never a -1 averaged into the mean.
  out[f_depeg_first_round] = depeg_.first_round() < 0 ? std::nan("") : static_cast<double>(depeg_.first_round());
  out[f_max_debt_ratio] = trackers_.max_debt_ratio();
  out[f_final_debt_ratio] = C > 0 ? s_.B / C : 0.0;
  out[f_kai_minted_total] = s_.ledger.minted_total();
  out[f_kai_burned_total] = s_.ledger.burned_total();
  out[f_bb_kusdt_final] = s_.bb_kusdt;
}

void KaiPath::events(std::int64_t* first) const {
  first[e_depeg] = depeg_.first_step();
  first[e_bank_run_boardroom] = runs_.boardroom_first_step();
  first[e_bank_run_liquidity] = runs_.liquidity_first_step();
  first[e_bank_run] = runs_.first_step();
  first[e_debt_cap_hit] = trackers_.debt_cap_hit_step();
  first[e_treasury_short] = trackers_.treasury_short_step();
}

// kai.md §9, on the settled state.
void KaiPath::check(const framework::Invariants& inv) const {
  if (chk_.lock_breach >= 0)
    inv.fail("boardroom: claim or withdraw inside a lock-up, agent " + std::to_string(chk_.lock_breach));
  double kai = 0, kusdt = 0, bkai = 0, skai = 0, earned = 0, st = 0, lp = 0, pending = 0;
  const auto st_r = pop_->ranges[staker];
  for (std::size_t i = 0; i < pop_->size(); ++i) {
    kai += a_.kai[i];
    kusdt += a_.kusdt[i];
    bkai += a_.bkai[i];
    skai += a_.skai[i] + a_.st[i];
    st += a_.st[i];
    earned += a_.earned[i];
    lp += a_.lp[i];
    if (a_.kai[i] < -1e-9 || a_.kusdt[i] < -1e-9 || a_.bkai[i] < -1e-9 || a_.skai[i] < -1e-9 || a_.lp[i] < -1e-9 ||
        a_.st[i] < -1e-9 || a_.earned[i] < -1e-9)
      inv.fail("negative balance of agent " + std::to_string(i));
    if (i >= st_r.begin && i < st_r.end) pending += a_.st[i] * (s_.RPS - a_.snap[i]);  // not yet accrued (K22)
  }
  const auto& x = s_.pool;
  inv.equal("KAI: S vs the holdings", s_.S,
            kai + x.token_reserve() + s_.A + s_.board_unclaimed + s_.team_kai + s_.bb_kai + s_.ext_kai + s_.arb_kai, 1e-12);
  // A difference of supply-sized sums: the tolerance is relative to the supply, applied once.
  inv.within("KAI: supply change vs minted − burned", s_.S - S0_, s_.ledger.minted_total() - s_.ledger.burned_total(),
             1e-12 * std::max(1.0, s_.S));
  inv.equal("boardroom: Σ earned_i + pending vs board_unclaimed", earned + pending, s_.board_unclaimed, 1e-9);
  inv.equal("bKAI: B vs Σ bkai_i", bkai, s_.B, 1e-12);
  inv.equal("sKAI: Σst vs Σ staked_i", st, s_.staked, 1e-12);
  inv.equal("sKAI: supply vs Σ (skai_i + st_i)", skai + skai_ext_, s_.skai_supply, 1e-12);
  inv.equal("LP: shares vs Σ lp_i + L_out", lp + s_.L_out, x.shares(), 1e-12);
  inv.equal("KUSDT: agents + pool + buyback fund + arbitrageur vs the external flows",
            kusdt + x.quote_reserve() + s_.bb_kusdt + s_.arb_kusdt, kusdt0_ + kusdt_external_, 1e-12);
  inv.holds("pool reserves positive", x.token_reserve() > 0 && x.quote_reserve() > 0);
  inv.at_least("treasury KAI A", s_.A, 0.0, 1e-9);
  inv.at_least("contraction_left", s_.contraction_left, 0.0, 1e-9);
  // K19 and K16 at the fill: base and A read before it.
  if (chk_.bond_fill > 0)
    inv.at_most("bKAI: B after a purchase vs max_debt_ratio·base before it", chk_.bond_B_after,
                p_.max_debt_ratio * chk_.bond_base, 1e-12 * std::max(1.0, chk_.bond_base));
  inv.at_most("treasury: K16 payout vs A before it", chk_.treasury_paid, chk_.treasury_A_before,
              1e-12 * std::max(1.0, chk_.treasury_A_before));
  // Changes over the step, against the previous checked step's scalars.
  inv.within("bKAI: change vs K19 fills − K16 burns", s_.B - chk_.prev_B, chk_.bond_fill - chk_.bkai_burned,
             1e-12 * std::max({1.0, s_.B, chk_.prev_B}));
  inv.within("sKAI: supply change vs K13 emission", s_.skai_supply - chk_.prev_skai_supply, chk_.skai_emitted,
             1e-12 * std::max({1.0, s_.skai_supply, chk_.prev_skai_supply}));
  inv.at_most("cap_tier never increases", s_.cap_tier, chk_.prev_cap_tier);
  // The round's K19 fills: within contraction_cap·S at the round start, and contraction_left is what remains.
  const double round_cap = p_.contraction_cap * chk_.round_S, round_tol = 1e-12 * std::max(1.0, chk_.round_S);
  inv.at_most("K19: Σ fills this round vs contraction_cap·S at the round start", chk_.round_fills, round_cap, round_tol);
  inv.within("K19: contraction_left vs contraction_cap·S at the round start − Σ fills", s_.contraction_left,
             s_.contraction() ? round_cap - chk_.round_fills : 0.0, round_tol);
  chk_.prev_B = s_.B;
  chk_.prev_skai_supply = s_.skai_supply;
  chk_.prev_cap_tier = s_.cap_tier;
}

// The hooks the fused pass instantiates, per type.
#define STAMPEDE_KAI_HOOKS(T)                                                             \
  template void KaiPath::settle<T>(std::size_t, int, double);                            \
  template void KaiPath::prepare<T>(std::size_t, bool, agents::Decision&);               \
  template void KaiPath::intent<T>(std::size_t, int, double, const agents::Decision&);
STAMPEDE_KAI_HOOKS(holder)
STAMPEDE_KAI_HOOKS(staker)
STAMPEDE_KAI_HOOKS(bond_buyer)
STAMPEDE_KAI_HOOKS(lp)
#undef STAMPEDE_KAI_HOOKS

}  // namespace stampede::kai
