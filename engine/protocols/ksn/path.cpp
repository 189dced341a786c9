#include "engine/protocols/ksn/path.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/protocols/ksn/bond_issue.hpp"
#include "engine/protocols/ksn/penalty.hpp"
#include "engine/protocols/ksn/potp.hpp"
#include "engine/protocols/ksn/rebase.hpp"
#include "kernels/accrue_rebase.hpp"

namespace stampede::ksn {
namespace {

constexpr std::uint32_t kColGov = agents::ColumnId::protocol_base + 0;
constexpr std::uint32_t kColLoyalty = agents::ColumnId::protocol_base + 1;
constexpr std::uint32_t kColStakeAge = agents::ColumnId::protocol_base + 2;
constexpr std::uint32_t kColDreq = agents::ColumnId::protocol_base + 3;

std::int64_t twap_window_for(std::int64_t dt) { return 3600 % dt == 0 ? 3600 : dt; }  // 1h, or one step

}  // namespace

KsnPath::KsnPath(const KsnScenario& sc, const agents::Behaviour& behaviour, const framework::PathContext& ctx,
                 agents::Population& pop)
    : sc_(sc),
      p_(sc.params),
      ctx_(ctx),
      pop_(&pop),
      sch_(make_schedule(sc.params, ctx.dt_seconds)),
      steps_per_day_(std::max<std::int64_t>(1, 86400 / ctx.dt_seconds)),
      twap_window_(twap_window_for(ctx.dt_seconds)),
      s_(make_initial_state(sc.params, ctx.dt_seconds)),
      exo_(sc.market, ctx.dt_seconds, ctx.key.seed, std::max<std::int64_t>(86400 / ctx.dt_seconds, 1) * ctx.dt_seconds),
      twap_(ctx.dt_seconds, twap_window_for(ctx.dt_seconds), s_.pool.spot()),
      policy_(sc.params.policy, sc.params.rebase, sc.params.potp),
      vol_(sch_.window_steps, s_.pool.spot()),
      spot_day_(static_cast<std::size_t>(steps_per_day_ + 1)),
      spot_week_(static_cast<std::size_t>(std::max<std::int64_t>(1, 7 * 86400 / ctx.dt_seconds))),
      fees_day_(static_cast<std::size_t>(steps_per_day_)),
      below_backing_(sch_.below_backing_steps),
      rebase_default_(p_.metrics.rebase_default_consecutive, p_.rebase.r_min),
      apy_(rebases_per_year(sc.params.rebase.period)) {
  (void)behaviour;
  exo_.start_path(ctx.key);
  a_L_ = loyalty_decay(p_.rebase.period, p_.potp.loyalty_tau);
  init_population();
  const double P0 = s_.pool.spot();
  spot_day_.push(P0);
  spot_week_.push(P0);
  mtm_p_ = P0;
  mtm_lpv_ = 2.0 * s_.pool.quote_reserve() / s_.pool.shares();
  // ksn.md §4: before the first rebase r_t and r_eff are KS5 at the initial state.
  double W0 = 0;
  for (std::size_t i = pop_->ranges[staker].begin; i < pop_->ranges[bonder].end; ++i)
    W0 += (a_.stake[i] + a_.bond_rem[i]) * static_cast<double>(a_.m[i]);
  initialise_rates(s_, p_, policy_, p_.initial.staked, W0);
  const TreasuryValuation v0 = value_treasury(s_, p_.treasury, s_.Q);
  tvl_ = TvlGrowth(sch_.window_rebases, v0.tvl);
  bank_run_ = BankRunObserver(sch_.bank_run_steps, p_.metrics.bank_run_fraction, p_.initial.staked);
  stake_total_ = p_.initial.staked;
  for (auto& f : first_) f = -1;
  quote_ = quote_bond(P0, s_.debt.debt(), s_.S, p_.bond);  // for the record at t = 0
  premium_min_ = P0 / v0.backing;
  runway_min_ = runway_rebases(s_.DCP, s_.r_t, s_.Q);
}

// ksn.md §6 "Initial state".
void KsnPath::init_population() {
  const std::size_t n = pop_->size();
  for (auto* c : {&a_.liquid, &a_.usdc, &a_.stake, &a_.bond_rem, &a_.bond_claim, &a_.lp}) c->resize(n);
  for (auto* c : {&a_.cost, &a_.since, &a_.bond_left, &a_.gov, &a_.loyalty, &a_.m, &a_.d_req}) c->resize(n);
  const auto& R = pop_->ranges;
  const char* names[kNumTypes] = {"staker", "bonder", "trader", "lp"};
  const auto need = [&](int t, double amount, const char* key) {
    if (amount > 0 && R[static_cast<std::size_t>(t)].empty())
      throw InputError(std::string(key) + ": " + names[t] + " agents must exist to hold it (agents.mix or agents.count too small)");
  };
  // The stake needs stakers; check before anything is drawn.
  need(staker, p_.initial.staked, "ksn.initial.staked");
  if (n == 0) return;
  const agents::TypeRange all{0, n};
  const auto& key = ctx_.key;
  agents::sample_column(p_.potp.gov_participation, key, kColGov, all, a_.gov.data());
  agents::sample_column(p_.initial.loyalty, key, kColLoyalty, all, a_.loyalty.data());
  agents::sample_column(p_.initial.stake_age, key, kColStakeAge, all, a_.since.data());
  agents::sample_column(p_.agents.bonder_required_discount, key, kColDreq, all, a_.d_req.data());
  std::vector<double> w(n);
  agents::sample_column(p_.agents.wealth, key, agents::ColumnId::wealth, all, w.data());
  // Stake to stakers; agent_liquid and agent_usdc by the type shares; the agents' LP shares
  // (L0 less the treasury's) to lp agents; all pro rata to wealth within a type.
  agents::split_pro_rata(w.data(), R[staker], p_.initial.staked, a_.stake.data());
  for (int t = 0; t < kNumTypes; ++t) {
    const auto r = R[static_cast<std::size_t>(t)];
    const double liq = p_.initial.agent_liquid * p_.agents.liquid_share[t];
    const double usd = p_.initial.agent_usdc * p_.agents.usdc_share[t];
    need(t, liq, "agents.init.liquid_share");
    need(t, usd, "agents.init.usdc_share");
    if (r.empty()) continue;
    agents::split_pro_rata(w.data(), r, liq, a_.liquid.data());
    agents::split_pro_rata(w.data(), r, usd, a_.usdc.data());
  }
  const double L0 = s_.pool.shares();
  const double agent_lp = L0 - s_.T_lp;
  need(lp, agent_lp > 1e-9 * L0 ? agent_lp : 0.0, "ksn.initial.treasury_lp_share");
  if (!R[lp].empty()) agents::split_pro_rata(w.data(), R[lp], agent_lp, a_.lp.data());
  else s_.T_lp = L0;

  const double P0 = s_.pool.spot(), lpv = 2.0 * s_.pool.quote_reserve() / L0;
  const double t_s = static_cast<double>(p_.potp.time_scale);
  for (std::size_t i = 0; i < n; ++i) {
    const double age = static_cast<double>(a_.since[i]);
    a_.since[i] = static_cast<float>(-age);  // since_i = −stake_age_i
    a_.m[i] = static_cast<float>(potp_multiplier(age, a_.gov[i], a_.loyalty[i], s_.weights, t_s, p_.potp.m_cap));
    a_.cost[i] = static_cast<float>(P0 * (a_.liquid[i] + a_.stake[i]) + a_.usdc[i] + a_.lp[i] * lpv);  // KS21
  }
  double usdc = 0;
  for (std::size_t i = 0; i < n; ++i) usdc += a_.usdc[i];
  usdc0_ = usdc + s_.pool.quote_reserve() + s_.T_usdc;
}

namespace {

// x·y across one swap (ksn.md invariants: never decreasing), kept as the worst drop of the step.
template <class Swap>
double watched_swap(market::ConstantProductPool& pool, KsnCheckRecord& chk, Swap swap) {
  const double k0 = pool.k();
  const double out = swap();
  const double k1 = pool.k();
  if (k1 - k0 < chk.swap_k_after - chk.swap_k_before) {
    chk.swap_k_before = k0;
    chk.swap_k_after = k1;
  }
  return out;
}

}  // namespace

double KsnPath::sell(double ksn) {
  return watched_swap(s_.pool, chk_, [&] { return s_.pool.swap_token_in(ksn, std::max(1, sc_.market.sub_swaps)); });
}
double KsnPath::buy(double usdc) {
  return watched_swap(s_.pool, chk_, [&] { return s_.pool.swap_quote_in(usdc, std::max(1, sc_.market.sub_swaps)); });
}

// ---------------------------------------------------------------------------------------------
// Phase 1 (ksn.md §4–§5): exogenous processes; the certificate price (KS1) and the USD value of USDC.
void KsnPath::begin_step(std::int64_t t) {
  exo_.advance(t, s_.S);
  s_.q_usd = exo_.quote_usd();
  s_.p_c = certificate_price(p_.treasury.cert_price0, exo_.factor(), p_.treasury.cert_beta);
  fees_at_start_ = s_.pool.fees_value();
  step_unstaked_ = 0;
  chk_ = KsnCheckRecord{};
}

// ksn.md §6 common signals and KS13's quote, once per step at the start-of-step state.
void KsnPath::signals(std::int64_t t, double* sig, double* own_lo, double* own_hi) {
  (void)own_lo;
  (void)own_hi;
  const double P = s_.pool.spot();
  const TreasuryValuation v = value_treasury(s_, p_.treasury, s_.Q);
  S_decide_ = s_.S;
  S_circ_decide_ = v.s_circ;
  // KS13 at P̄ = the 1h TWAP of the previous closed window (the initial spot before any).
  const double pbar = t == 0 ? P : twap_.twap_last_closed(twap_window_);
  quote_ = quote_bond(pbar, s_.debt.debt(), s_.S, p_.bond);
  bond_type_ = choose_bond_type(v.stable_share, p_.bond);
  double fees = 0;
  fees_day_.for_each([&](double f) { fees += f; });
  const bool mint = p_.funding.mode == FundingMode::dcp_plus_surplus_mint;
  const double run_days = runway_days(s_.DCP, v.excess, mint, p_.funding.surplus_fraction, s_.r_t, s_.Q, p_.rebase.period);
  sig[sig_yld] = yield_signal(s_.r_eff, rebases_per_year(p_.rebase.period));
  sig[sig_mom] = std::log(P / spot_day_.oldest());
  sig[sig_run] = std::min(1.0, run_days / 90.0);
  sig[sig_prem] = std::log(P / v.backing);
  sig[sig_vol] = vol_.value(p_.policy.vol_ref, ctx_.dt_seconds);
  sig[sig_mkt] = exo_.log_return_24h();
  sig[sig_disc] = quote_.discount;
  sig[sig_fee] = fees * 365.0 / (2.0 * s_.pool.quote_reserve());
}

void KsnPath::begin_decide(std::int64_t t) {
  in_ = KsnIntents{};
  decide_now_ = static_cast<double>(t * ctx_.dt_seconds);  // decisions use the step start
}

template <int T>
void KsnPath::own_terms_one(std::size_t i, double* x, bool* allowed) const {
  const double W = wealth<T>(i), cost = a_.cost[i];
  x[own_pnl] = cost > 0 ? W / cost - 1.0 : 0.0;
  x[own_pen] = penalty_rate(decide_now_ - static_cast<double>(a_.since[i]), p_.dcp);
  x[own_potp] = static_cast<double>(a_.m[i]) - 1.0;
  x[own_disc_gap] = quote_.discount - static_cast<double>(a_.d_req[i]);
  const double liquid = a_.liquid[i], usdc = a_.usdc[i], stake = a_.stake[i];
  if constexpr (T == staker) {
    allowed[staker_enter] = liquid > 0 || usdc > 0;
    allowed[staker_exit] = stake > 0;
  } else if constexpr (T == bonder) {
    allowed[bonder_bond] = usdc > 0;
    allowed[bonder_stake] = liquid > 0;
    allowed[bonder_sell] = liquid > 0;
    allowed[bonder_exit] = stake > 0;
  } else if constexpr (T == trader) {
    allowed[trader_buy] = usdc > 0;
    allowed[trader_sell] = liquid > 0;
  } else {
    allowed[lp_add] = usdc > 0;
    allowed[lp_withdraw] = a_.lp[i] > 0;
  }
}

// Masks (an action on an empty holding has P = 0, §6) and own terms.
template <int T>
void KsnPath::prepare(std::size_t i, bool reentered, agents::Decision& d) {
  (void)reentered;  // KSN types have no exited state
  own_terms_one<T>(i, d.own, d.allowed);
}

// The chosen action's amounts (settle recomputes them from the same holdings).
template <int T>
void KsnPath::intent(std::size_t i, int action, double f, const agents::Decision& d) {
  const double liquid = a_.liquid[i], usdc = a_.usdc[i], stake = a_.stake[i];
  const auto unstake = [&] {
    in_.unstake += f * stake;
    in_.penalties += f * stake * d.own[own_pen];  // KS11
  };
  if constexpr (T == staker) {
    if (action == staker_enter) {
      if (liquid > 0) {
        in_.stake_liquid += liquid;
      } else {
        in_.buy_usdc += f * usdc;  // buy-and-stake
        in_.stake_buy_usdc += f * usdc;
      }
    } else {
      unstake();
    }
  } else if constexpr (T == bonder) {
    if (action == bonder_bond) in_.bond_usdc += std::min(f * usdc, bond_cap_usdc());  // KS14 cap
    else if (action == bonder_stake) in_.stake_liquid += f * liquid;
    else if (action == bonder_sell) in_.sell_ksn += f * liquid;
    else unstake();
  } else if constexpr (T == trader) {
    if (action == trader_buy) in_.buy_usdc += f * usdc;
    else in_.sell_ksn += f * liquid;
  } else {
    if (action == lp_add) in_.lp_add_usdc += f * usdc;
    else in_.lp_withdraw_shares += f * a_.lp[i];
  }
}

// Phase 3 (ksn.md §5), on totals, in the spec's order.
void KsnPath::clear(std::int64_t t) {
  fill_ = KsnFills{};
  fill_.bond_cap = bond_cap_usdc();
  fill_.decided_at = decide_now_;
  fill_.now = static_cast<float>((t + 1) * ctx_.dt_seconds);
  fill_.claim = KsnSchedule::due(t, sch_.claim_steps);
  // 1. Unstakes: KS11 penalties (DCP share, the rest burned); a − pen is queued for sale.
  apply_penalties(s_, in_.penalties, p_.dcp);
  chk_.penalties = in_.penalties;
  chk_.unstaked = in_.unstake;
  step_unstaked_ = in_.unstake;
  double sold = in_.unstake - in_.penalties + in_.sell_ksn;
  // 2. LP withdrawals, pro rata x, y; sell_on_withdraw of the KSN leg is queued.
  if (in_.lp_withdraw_shares > 0) {
    const market::LiquidityRemoved rm = s_.pool.remove_liquidity(in_.lp_withdraw_shares, in_.lp_withdraw_shares);
    fill_.lp_burn_ratio = rm.shares / in_.lp_withdraw_shares;
    fill_.lp_dx_per_share = rm.token / in_.lp_withdraw_shares;
    fill_.lp_dy_per_share = rm.quote / in_.lp_withdraw_shares;
    sold += p_.agents.lp_sell_on_withdraw * rm.token;
  }
  // 3. Agents' sells (KS12 tax first), external net demand, agents' buys (market.md order).
  if (sold > 0) fill_.sell_ratio = sell(apply_sell_tax(s_, sold, p_.dcp)) / sold;
  const double P = s_.pool.spot();
  double ref = P;
  if (p_.market.demand_ref == DemandRef::backing) {
    ref = value_treasury(s_, p_.treasury, s_.Q).backing;
  } else {
    double sum = 0;
    spot_week_.for_each([&](double x) { sum += x; });
    ref = sum / static_cast<double>(spot_week_.size());  // 7-day mean of step-end spots (§7)
  }
  const double D = exo_.demand(S_circ_decide_, ref, P);
  double ext_sell = exo_.whale_tokens() + (D < 0 ? -D / P : 0.0);
  ext_sell = std::min(ext_sell, s_.H_ext);
  if (ext_sell > 0) {
    s_.H_ext -= ext_sell;
    s_.ledger.usdc_out += sell(apply_sell_tax(s_, ext_sell, p_.dcp));  // leaves with the seller
  }
  if (in_.buy_usdc > 0) fill_.buy_ratio = buy(in_.buy_usdc) / in_.buy_usdc;
  if (D > 0) {
    s_.ledger.usdc_in += D;
    s_.H_ext += buy(D);
  }
  // 4. LP adds: the agents' USDC zapped (KS16).
  if (in_.lp_add_usdc > 0) fill_.lp_per_usdc = s_.pool.zap_quote(in_.lp_add_usdc).added.shares / in_.lp_add_usdc;
  // 5. Bonds at the step-start quote (KS13–KS17), then KS18's decay.
  if (in_.bond_usdc > 0) {
    fill_.bond_fill = bond_fill_fraction(in_.bond_usdc / quote_.price, s_.debt.debt(), s_.S, p_.bond);
    if (ctx_.check) chk_.bond_E_before = value_treasury(s_, p_.treasury, s_.Q).excess;
    const BondIssue is = issue_bonds(s_, fill_.bond_fill * in_.bond_usdc, quote_.price, bond_type_, p_.bond);
    fill_.payout_per_usdc = is.payout_per_usdc;
    if (ctx_.check) chk_.bond_E_after = value_treasury(s_, p_.treasury, s_.Q).excess;
    chk_.bonded = is.payout > 0;
    chk_.payout_max = fill_.payout_per_usdc * fill_.bond_cap * fill_.bond_fill;
    chk_.payout_S = S_decide_;
  }
  s_.debt.end_step();
  // Σ stake at the step end, from the aggregates (the per-agent fills are pro rata, so linear).
  stake_total_ += in_.stake_liquid + fill_.buy_ratio * in_.stake_buy_usdc - in_.unstake;
  // 6. TWAP and the step-end spot histories; on a potp.update step the policy sets λ, μ, ν.
  const double P_end = s_.pool.spot();
  twap_.accumulate(P_end);
  vol_.push(P_end);
  if (KsnSchedule::due(t, sch_.potp_update_steps)) {
    const PotpWeights w = policy_.potp_weights(last_rebase_.inputs);
    s_.weights = {std::clamp(w.lambda, 0.0, 1.0), std::clamp(w.mu, 0.0, 1.0), std::clamp(w.nu, 0.0, 1.0)};
  }
}

// Phase 4a for one agent: the fills of step t (since_i ← the step end for a new position or an
// unstake: "Time Retroactive" = reset, §11).
template <int T>
void KsnPath::settle(std::size_t i, int action, double f) {
  const auto& fl = fill_;
  const bool empty = !(a_.stake[i] + a_.bond_rem[i] > 0);
  const auto unstake = [&] {
    const double a = f * a_.stake[i];
    const double pen = a * penalty_rate(fl.decided_at - static_cast<double>(a_.since[i]), p_.dcp);
    a_.stake[i] -= a;
    a_.usdc[i] += fl.sell_ratio * (a - pen);
    a_.since[i] = fl.now;
    pop_->status[i] = static_cast<std::uint8_t>(pop_->status[i] | kWithdrewFlag);
  };
  if constexpr (T == staker) {
    if (action == staker_enter) {
      if (a_.liquid[i] > 0) {
        a_.stake[i] += a_.liquid[i];
        a_.liquid[i] = 0;
      } else {
        const double u = f * a_.usdc[i];
        a_.usdc[i] -= u;
        a_.stake[i] += fl.buy_ratio * u;
      }
      if (empty) a_.since[i] = fl.now;
    } else {
      unstake();
    }
  } else if constexpr (T == bonder) {
    if (action == bonder_bond) {
      const double u = fl.bond_fill * std::min(f * a_.usdc[i], fl.bond_cap);
      if (u > 0) {
        a_.usdc[i] -= u;
        a_.bond_rem[i] += fl.payout_per_usdc * u;  // KS17: the whole balance restarts T_v
        a_.bond_left[i] = static_cast<float>(p_.bond.vesting);
        if (empty) a_.since[i] = fl.now;
      }
    } else if (action == bonder_stake) {
      const double q = f * a_.liquid[i];
      a_.stake[i] += q;
      a_.liquid[i] -= q;
      if (empty) a_.since[i] = fl.now;
    } else if (action == bonder_sell) {
      const double q = f * a_.liquid[i];
      a_.usdc[i] += fl.sell_ratio * q;
      a_.liquid[i] -= q;
    } else {
      unstake();
    }
  } else if constexpr (T == trader) {
    if (action == trader_buy) {
      const double u = f * a_.usdc[i];
      a_.usdc[i] -= u;
      a_.liquid[i] += fl.buy_ratio * u;
    } else {
      const double q = f * a_.liquid[i];
      a_.liquid[i] -= q;
      a_.usdc[i] += fl.sell_ratio * q;
    }
  } else {
    if (action == lp_add) {
      const double u = f * a_.usdc[i];
      a_.usdc[i] -= u;
      a_.lp[i] += fl.lp_per_usdc * u;
    } else {
      const double sh = f * a_.lp[i];
      const double gx = fl.lp_dx_per_share * sh;
      const double sold = p_.agents.lp_sell_on_withdraw * gx;
      a_.lp[i] -= fl.lp_burn_ratio * sh;
      a_.liquid[i] += gx - sold;
      a_.usdc[i] += fl.lp_dy_per_share * sh + fl.sell_ratio * sold;
    }
  }
}

// Phase 4 on a rebase step, on the settled state: KS10 PoTP update and the reductions Q, W
// (fixed order), KS5–KS8 on totals, then the accrue_rebase kernel (KS9) over stakers and bonders.
void KsnPath::after_settle(std::int64_t t) {
  if (!KsnSchedule::due(t, sch_.rebase_steps)) return;
  const double now = static_cast<double>((t + 1) * ctx_.dt_seconds);
  const double t_s = static_cast<double>(p_.potp.time_scale);
  const std::size_t begin = pop_->ranges[staker].begin, end = pop_->ranges[bonder].end;
  double Q = 0, W = 0, W2 = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const double q = a_.stake[i] + a_.bond_rem[i];
    if (!(q > 0)) a_.since[i] = static_cast<float>(now);  // a position at q = 0 resets t_i
    const bool withdrew = (pop_->status[i] & kWithdrewFlag) != 0;
    const double L = loyalty_update(a_.loyalty[i], withdrew, a_L_);
    a_.loyalty[i] = static_cast<float>(L);
    pop_->status[i] = static_cast<std::uint8_t>(pop_->status[i] & ~kWithdrewFlag);
    const double m = potp_multiplier(now - static_cast<double>(a_.since[i]), a_.gov[i], L, s_.weights, t_s, p_.potp.m_cap);
    a_.m[i] = static_cast<float>(m);
    Q += q;
    W += q * static_cast<double>(a_.m[i]);
    W2 += q * static_cast<double>(a_.m[i]) * static_cast<double>(a_.m[i]);
  }
  last_rebase_ = plan_rebase_step(s_, p_, policy_, vol_, tvl_, ctx_.dt_seconds, Q, W);
  const RebaseBudget& bud = last_rebase_.budget;
  double paid = 0;
  if (bud.g > 0) paid = kernels::accrue_rebase({a_.stake.data(), a_.bond_rem.data(), a_.m.data()}, begin, end, bud.g);
  if (ctx_.check) {
    chk_.rebased = true;
    chk_.mint = bud.mint;
    chk_.mint_E_before = last_rebase_.valuation.excess;
    chk_.mint_E_after = value_treasury(s_, p_.treasury, Q).excess;  // before the payout: the DCP is outside RFV
    double Wm = 0;  // Σ q_i·m_i after the payout, in the order W was summed
    for (std::size_t i = begin; i < end; ++i) Wm += (a_.stake[i] + a_.bond_rem[i]) * static_cast<double>(a_.m[i]);
    chk_.rebase_dm = Wm - W;
    chk_.rebase_g_w2 = bud.g * W2;
    chk_.rebase_W = W;
  }
  pay_rebase(s_, paid);
  if (ctx_.check) {
    const framework::Invariants inv(t);
    inv.holds("r_t inside [r_min, r_max]", s_.r_t >= p_.rebase.r_min && s_.r_t <= p_.rebase.r_max);
    inv.holds("r_eff inside [0, r_t]", s_.r_eff >= 0 && s_.r_eff <= s_.r_t);
    inv.equal("Σ Δ_i vs R", paid, bud.R, 1e-9);
  }
  apy_.add(bud.r_eff);
  if (rebase_default_.record(bud.R, Q) && first_[e_rebase_default] < 0) first_[e_rebase_default] = t;
  double stake = 0;
  for (std::size_t i = begin; i < end; ++i) stake += a_.stake[i];
  stake_total_ = stake;
}

// Phase 5 (ksn.md §8).
void KsnPath::observe(std::int64_t t) {
  step_ = t;
  const double P = s_.pool.spot();
  framework::require_finite(P, "pool price", t);
  framework::require_finite(s_.S, "KSN supply", t);
  framework::require_finite(s_.DCP, "DCP", t);
  spot_day_.push(P);
  spot_week_.push(P);
  fees_day_.push(s_.pool.fees_value() - fees_at_start_);
  mtm_p_ = P;
  mtm_lpv_ = 2.0 * s_.pool.quote_reserve() / s_.pool.shares();
  const TreasuryValuation v = value_treasury(s_, p_.treasury, s_.Q);
  if (bank_run_.record(step_unstaked_, stake_total_) && first_[e_bank_run] < 0) first_[e_bank_run] = t;
  if (below_backing_.record(P, v.backing) && first_[e_below_backing] < 0) first_[e_below_backing] = t;
  if (rfv_deficit(v.excess) && first_[e_rfv_deficit] < 0) first_[e_rfv_deficit] = t;
  premium_min_ = std::min(premium_min_, P / v.backing);
  runway_min_ = std::min(runway_min_, runway_rebases(s_.DCP, s_.r_t, s_.Q));
}

// The §8 series, in Series order: recorded every record period and also the finals.
void KsnPath::series(double* out) const {
  const TreasuryValuation v = value_treasury(s_, p_.treasury, s_.Q);
  const double P = s_.pool.spot();
  const double vals[kNumSeries] = {
      P, v.backing, P / v.backing, v.rfv, v.excess, v.mv, s_.T_usdc, s_.q_usd * treasury_lp_rfv(s_),
      s_.cert_units * s_.p_c, v.stable_share, s_.DCP, runway_rebases(s_.DCP, s_.r_t, s_.Q), s_.r_t, s_.r_eff,
      apy(s_.r_eff, rebases_per_year(p_.rebase.period)), v.s_circ > 0 ? stake_total_ / v.s_circ : 0.0, s_.S, v.s_circ, s_.debt.debt(), quote_.discount,
      v.tvl, s_.Q > 0 ? s_.W / s_.Q : 1.0, bank_run_.unstaked_fraction(), s_.ledger.minted_surplus,
      s_.ledger.minted_bonds, s_.ledger.burned(), s_.ledger.penalties};
  std::copy(vals, vals + kNumSeries, out);
}

void KsnPath::finals(double* out) const {
  out[f_apy_realised] = apy_.value();
  out[f_premium_min] = premium_min_;
  out[f_runway_rebases_min] = runway_min_;
}

void KsnPath::events(std::int64_t* first) const { std::copy(first_, first_ + kNumEvents, first); }

// ksn.md §9, on the settled state.
void KsnPath::check(const framework::Invariants& inv) const {
  double ksn = 0, usdc = 0, lp = 0, stake = 0;
  for (std::size_t i = 0; i < pop_->size(); ++i) {
    ksn += a_.liquid[i] + a_.stake[i] + a_.bond_rem[i] + a_.bond_claim[i];
    usdc += a_.usdc[i];
    lp += a_.lp[i];
    stake += a_.stake[i];
    if (a_.liquid[i] < 0 || a_.stake[i] < 0 || a_.bond_rem[i] < 0 || a_.bond_claim[i] < 0 || a_.usdc[i] < -1e-9 ||
        a_.lp[i] < 0)
      inv.fail("negative balance of agent " + std::to_string(i));
    const double m = a_.m[i];
    if (!(m >= 1.0 && m <= p_.potp.m_cap * (1 + 1e-6))) inv.fail("m_i outside [1, m_cap] for agent " + std::to_string(i));
    if (!(a_.gov[i] >= 0 && a_.gov[i] <= 1 && a_.loyalty[i] >= 0 && a_.loyalty[i] <= 1))
      inv.fail("G_i or L_i outside [0, 1] for agent " + std::to_string(i));
    if (!(static_cast<double>(a_.since[i]) <= static_cast<double>(fill_.now))) inv.fail("t_i < 0 for agent " + std::to_string(i));
    if (a_.bond_left[i] <= 0 && a_.bond_rem[i] != 0) inv.fail("bond_rem > 0 with bond_left = 0, agent " + std::to_string(i));
  }
  // 1. KSN supply vs holdings and vs the mint/burn ledger.
  inv.equal("KSN: S vs the holdings", s_.S, ksn + s_.pool.token_reserve() + s_.DCP + s_.H_ext, 1e-12);
  inv.within("KSN: supply change vs minted − burned", s_.S - s_.S0, s_.ledger.minted() - s_.ledger.burned(),
             1e-12 * std::max(1.0, s_.S));
  // 2. USDC vs external flows; LP shares.
  inv.equal("USDC: agents + pool + treasury vs the external flows", usdc + s_.pool.quote_reserve() + s_.T_usdc,
            usdc0_ + s_.ledger.usdc_in - s_.ledger.usdc_out, 1e-12);
  inv.equal("LP: Σ lp_i + T_lp vs L", lp + s_.T_lp, s_.pool.shares(), 1e-12);
  inv.equal("stake: the tracked Σ stake vs the agents'", stake_total_, stake, 1e-9);
  // 3. Non-negative scalars, positive reserves.
  inv.holds("DCP and H_ext non-negative", s_.DCP >= 0 && s_.H_ext >= 0);
  inv.holds("pool reserves positive", s_.pool.token_reserve() > 0 && s_.pool.quote_reserve() > 0);
  // 6–7. Bond price floor; debt equal to KS18 from the vintage ring and within the cap at a fill.
  inv.at_least("p_b vs p_min", quote_.price, p_.bond.min_price);
  inv.equal("D vs KS18 recomputed from the ring", s_.debt.debt(), s_.debt.recomputed(), 1e-9);
  if (fill_.bond_fill > 0) inv.at_most("D vs D_max·S after a fill", s_.debt.debt(), p_.bond.max_debt * s_.S * (1 + 1e-9), 1e-9);
  // 3. x·y across each swap of the step (the worst one).
  inv.at_least("pool: x·y after a swap vs before it", chk_.swap_k_after, chk_.swap_k_before, 1e-12 * chk_.swap_k_before);
  // 5. KS11 on the step's unstakes (pen_i ≤ p_max·a_i per agent is penalty_rate's bound, unit-tested).
  inv.at_most("penalty: Σ pen_i vs p_max·Σ a_i", chk_.penalties, p_.dcp.penalty_max * chk_.unstaked,
              1e-12 * std::max(1.0, chk_.unstaked));
  // 6. Bonds: the largest payout_i within π_max·S at the quote; E = RFV − S not lowered.
  const double s_tol = 1e-12 * std::max(1.0, s_.S);
  if (chk_.bonded) {
    inv.at_most("bonds: largest payout_i vs π_max·S", chk_.payout_max, p_.bond.max_payout * chk_.payout_S,
                1e-12 * std::max(1.0, chk_.payout_S));
    inv.at_least("bonds: E after the bonds vs before", chk_.bond_E_after, chk_.bond_E_before, s_tol);
  }
  // 4, 6. A rebase: KS7's mint within φ·max(0, E) and leaving E ≥ 0; KS9's Δ_i = g·m_i·q_i seen in
  // its second moment (Σ Δ_i = R is checked at the rebase).
  if (chk_.rebased) {
    inv.at_most("mint: M vs φ·max(0, E) before it", chk_.mint, p_.funding.surplus_fraction * std::max(0.0, chk_.mint_E_before), s_tol);
    if (chk_.mint > 0) inv.at_least("mint: E after the mint", chk_.mint_E_after, 0.0, s_tol);
    inv.within("rebase: Σ Δ_i·m_i vs g·Σ q_i·m_i² (Δ_i/q_i = g·m_i)", chk_.rebase_dm, chk_.rebase_g_w2,
               1e-9 * std::max(1.0, chk_.rebase_W));
  }
}

// The hooks the fused pass instantiates, per type.
#define STAMPEDE_KSN_HOOKS(T)                                                             \
  template void KsnPath::settle<T>(std::size_t, int, double);                            \
  template void KsnPath::own_terms_one<T>(std::size_t, double*, bool*) const;            \
  template void KsnPath::prepare<T>(std::size_t, bool, agents::Decision&);               \
  template void KsnPath::intent<T>(std::size_t, int, double, const agents::Decision&);
STAMPEDE_KSN_HOOKS(staker)
STAMPEDE_KSN_HOOKS(bonder)
STAMPEDE_KSN_HOOKS(trader)
STAMPEDE_KSN_HOOKS(lp)
#undef STAMPEDE_KSN_HOOKS

}  // namespace stampede::ksn
