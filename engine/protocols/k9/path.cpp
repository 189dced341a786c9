#include "engine/protocols/k9/path.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/random/distributions.hpp"

namespace stampede::k9 {
namespace {

constexpr std::uint32_t kColFarmWeight = agents::ColumnId::protocol_base + 0;
constexpr std::uint32_t kColLockRemaining = agents::ColumnId::protocol_base + 1;
constexpr std::uint32_t kColVestingEnd = agents::ColumnId::protocol_base + 2;

// The status byte's protocol flag (agents/population.hpp): this position was already counted in
// deposits_recalculated (N5 counts a position once; a new deposit clears it).
constexpr std::uint8_t kRecalculatedFlag = std::uint8_t{1} << agents::kProtocolFlagShift;

constexpr double kInf = std::numeric_limits<double>::infinity();

// b_i with a_i in its sign (K9Agents::b): |b| is the snapshot, negative when a_i = 0.
float signed_b(double b, bool a) { return static_cast<float>(a ? b : -b); }

}  // namespace

K9Path::K9Path(const K9Scenario& sc, const agents::Behaviour& behaviour, const framework::PathContext& ctx,
               agents::Population& pop)
    : sc_(sc),
      p_(sc.params),
      ctx_(ctx),
      pop_(&pop),
      steps_per_day_(std::max<std::int64_t>(1, 86400 / ctx.dt_seconds)),
      exo_(sc.market, ctx.dt_seconds, ctx.key.seed, std::max<std::int64_t>(86400 / ctx.dt_seconds, 1) * ctx.dt_seconds),
      spot_day_(static_cast<std::size_t>(steps_per_day_ + 1)),
      ret2_day_(static_cast<std::size_t>(steps_per_day_)),
      spot_week_(window_steps(7 * 86400.0, static_cast<double>(ctx.dt_seconds))),
      unlock_dd_(window_steps(static_cast<double>(sc.params.metrics.window), static_cast<double>(ctx.dt_seconds)),
                 sc.params.metrics.drop, sc.params.metrics.share),
      claimed_day_(static_cast<std::size_t>(steps_per_day_)),
      claim_sold_day_(static_cast<std::size_t>(steps_per_day_)),
      unlock_sold_day_(static_cast<std::size_t>(steps_per_day_)) {
  (void)behaviour;
  exo_.start_path(ctx.key);
  s_.settings = p_.settings;
  s_.stock = p_.vesting_stock;
  s_.pool = market::ConstantProductPool(p_.pool.knine, p_.pool.quote_reserve, p_.pool.fee);
  s_.ext_knine = p_.initial.external;
  n_vester_ = pop_->ranges[vester].end;
  n_holder_ = pop_->ranges[staker].end;
  init_population();
  const double P0 = s_.pool.spot();
  p_start_ = P0;
  spot_day_.push(P0);
  spot_week_.push(P0);
  spot_week_sum_ = P0;
  peak_ = P0;
  for (auto& f : first_) f = -1;
}

// §3 initial state and N15.
void K9Path::init_population() {
  const std::size_t n = pop_->size();
  for (auto* c : {&a_.knine, &a_.weth}) c->resize(n);
  a_.cost.resize(n);
  a_.staked.resize(n_holder_);
  for (auto* c : {&a_.es, &a_.locked, &a_.unvested, &a_.converted, &a_.rate}) c->resize(n_vester_);
  for (auto* c : {&a_.farm_w, &a_.end, &a_.lock_end, &a_.lock_k, &a_.b, &a_.v, &a_.from_claim, &a_.from_unlock})
    c->resize(n_vester_);
  const auto& R = pop_->ranges;
  const auto& in = p_.initial;
  const auto& ag = p_.agents;
  const char* names[kNumTypes] = {"vester", "staker", "trader"};
  const auto need = [&](int t, double amount, const std::string& key) {
    if (amount > 0 && R[static_cast<std::size_t>(t)].empty())
      throw InputError(key + ": " + names[t] + " agents must exist to hold it (agents.mix or agents.count too small)");
  };
  need(vester, in.locked, "k9.initial.locked");
  need(vester, in.es_wallet, "k9.initial.es_wallet");
  need(vester, in.vesting, "k9.initial.vesting");
  for (int t = 0; t < kNumTypes; ++t) {
    const auto ut = static_cast<std::size_t>(t);
    need(t, in.staked * ag.split_staked[ut], "agents.split.staked." + std::string(names[t]));
    need(t, in.liquid * ag.split_liquid[ut], "agents.split.liquid." + std::string(names[t]));
    need(t, in.weth * ag.split_weth[ut], "agents.split.weth." + std::string(names[t]));
  }
  const auto& key = ctx_.key;
  std::vector<double> w(n);
  if (n > 0) agents::sample_column(ag.wealth, key, agents::ColumnId::wealth, agents::TypeRange{0, n}, w.data());
  for (int t = 0; t < kNumTypes; ++t) {
    const auto r = R[static_cast<std::size_t>(t)];
    const auto ut = static_cast<std::size_t>(t);
    if (r.empty()) continue;
    agents::split_pro_rata(w.data(), r, in.liquid * ag.split_liquid[ut], a_.knine.data());
    agents::split_pro_rata(w.data(), r, in.weth * ag.split_weth[ut], a_.weth.data());
    if (t != trader) agents::split_pro_rata(w.data(), r, in.staked * ag.split_staked[ut], a_.staked.data());
  }
  const double T = p_.settings.vesting_period, b = p_.settings.backing_ratio, v = p_.settings.vesting_ratio;
  const bool a = !p_.settings.locked_only;
  const agents::TypeRange rv = R[vester];
  if (!rv.empty()) {
    agents::split_pro_rata(w.data(), rv, in.locked, a_.locked.data());
    agents::split_pro_rata(w.data(), rv, in.es_wallet, a_.es.data());
    agents::sample_column(ag.farm_weight, key, kColFarmWeight, rv, a_.farm_w.data());
    std::vector<double> remaining(n_vester_), end_draw(n_vester_);
    agents::sample_column(in.lock_remaining, key, kColLockRemaining, rv, remaining.data());
    // U(0, 1] draws for N15's end times (1 − a (0, 1) uniform).
    agents::sample_column(Distribution::uniform(0.0, 1.0), key, kColVestingEnd, rv, end_draw.data());
    for (double& u : end_draw) u = 1.0 - u;
    std::vector<double> u(n_vester_), e(n_vester_), r(n_vester_);
    initial_vesting(a_.locked.data(), remaining.data(), end_draw.data(), n_vester_, in.vesting, p_.settings, u.data(),
                    e.data(), r.data());
    for (std::size_t i = 0; i < n_vester_; ++i) {
      a_.lock_end[i] = static_cast<float>(remaining[i]);
      a_.lock_k[i] = static_cast<float>(a_.locked[i] > 0 ? std::min(12.0, std::ceil(remaining[i] / kLockMonth)) : 0.0);
      a_.unvested[i] = u[i];
      a_.end[i] = static_cast<float>(e[i]);
      a_.rate[i] = r[i];
      a_.b[i] = signed_b(b, a);
      a_.v[i] = static_cast<float>(v);
    }
  }
  (void)T;
  // Totals, the farming rate per unit of farm weight, the cost basis (N12 at t0).
  double fw = 0;
  for (std::size_t i = 0; i < n_vester_; ++i) fw += static_cast<double>(a_.farm_w[i]);
  farm_per_weight_ = fw > 0 ? p_.farming_per_day * (static_cast<double>(ctx_.dt_seconds) / 86400.0) / fw : 0.0;
  const double P0 = s_.pool.spot(), q0 = quote_usd();
  double es = 0, liquid = 0, weight = 0, locked = 0, staked = 0, unlock = 0;
  for (std::size_t i = 0; i < n; ++i) {
    liquid += a_.knine[i];
    double k = a_.knine[i];
    if (i < n_holder_) {
      k += a_.staked[i];
      staked += a_.staked[i];
      weight += a_.staked[i];
    }
    if (i < n_vester_) {
      k += a_.locked[i] + static_cast<double>(a_.v[i]) * a_.unvested[i] + v * a_.es[i];
      es += a_.es[i] + a_.unvested[i];
      locked += a_.locked[i];
      weight += a_.locked[i] * lock_multiplier(static_cast<int>(a_.lock_k[i]), p_.rys.max_lock_multiplier);
      unlock += static_cast<double>(a_.v[i]) * std::min(a_.unvested[i], a_.rate[i] * kUnlockHorizon) +
                (static_cast<double>(a_.lock_end[i]) <= kUnlockHorizon ? a_.locked[i] : 0.0);
    }
    a_.cost[i] = static_cast<float>(k * P0 * q0 + a_.weth[i] * q0);
  }
  s_.es_supply = es;
  es_supply0_ = es;
  double weth = 0;
  for (std::size_t i = 0; i < n; ++i) weth += a_.weth[i];
  weth0_ = weth + s_.pool.quote_reserve();
  s_.liquid_total = liquid;
  s_.locked_total = locked;
  s_.staked_total = staked;
  s_.weight_total = weight;
  unlock_raw_ = unlock;
  s_.knine_total0 = liquid + locked + staked + s_.pool.token_reserve() + s_.ext_knine + (std::isfinite(s_.stock) ? s_.stock : 0.0);
}

Position K9Path::position(std::size_t i) const {
  Position p;
  p.unvested = a_.unvested[i];
  p.converted = a_.converted[i];
  p.rate = a_.rate[i];
  p.end = static_cast<double>(a_.end[i]);
  p.b = std::abs(static_cast<double>(a_.b[i]));
  p.a = a_.b[i] > 0;
  p.v = static_cast<double>(a_.v[i]);
  return p;
}
Rys K9Path::rys(std::size_t i) const {
  Rys r;
  r.locked = a_.locked[i];
  r.lock_end = static_cast<double>(a_.lock_end[i]);
  r.lock_k = static_cast<int>(a_.lock_k[i]);
  r.staked = a_.staked[i];
  return r;
}
void K9Path::store(std::size_t i, const Position& p) {
  a_.unvested[i] = p.unvested;
  a_.converted[i] = p.converted;
  a_.rate[i] = p.rate;
  a_.end[i] = static_cast<float>(p.end);
  a_.b[i] = signed_b(p.b, p.a);
  a_.v[i] = static_cast<float>(p.v);
}
void K9Path::store(std::size_t i, const Rys& r) {
  a_.locked[i] = r.locked;
  a_.lock_end[i] = static_cast<float>(r.lock_end);
  a_.lock_k[i] = static_cast<float>(r.lock_k);
  a_.staked[i] = r.staked;
}

double K9Path::sell(double knine) { return s_.pool.swap_token_in(knine, std::max(1, sc_.market.sub_swaps)); }
double K9Path::buy(double weth) { return s_.pool.swap_quote_in(weth, std::max(1, sc_.market.sub_swaps)); }
double K9Path::quote_usd() const { return p_.pool.quote_is_weth ? p_.pool.quote_usd * exo_.factor() : exo_.quote_usd(); }

// The lock of N7 takes k ~ k9.rys.new_lock_months, drawn from the step and the agent (the same
// draw in intent and settle).
int K9Path::lock_months(std::int64_t step, std::size_t i) const {
  rng::Sequence q(ctx_.key, rng::Purpose::protocol, static_cast<std::uint64_t>(step), static_cast<std::uint32_t>(i));
  return std::clamp(static_cast<int>(std::lround(rng::sample(p_.rys.new_lock_months, q))), 1, 12);
}

// ---------------------------------------------------------------------------------------------
// Phase 1–2: exogenous processes, then N1 settings changes due at the step start.
void K9Path::begin_step(std::int64_t t) {
  const double knine_supply = s_.knine_total0 + s_.n.knine_paid_in;
  exo_.advance(t, knine_supply);
  apply_admin_changes(static_cast<double>(t * ctx_.dt_seconds));
  p_start_ = s_.pool.spot();
}

void K9Path::apply_admin_changes(double now) {
  while (s_.next_change < p_.admin_changes.size() && static_cast<double>(p_.admin_changes[s_.next_change].at) <= now) {
    const AdminChange& c = p_.admin_changes[s_.next_change++];
    switch (c.key) {
      case SettingKey::backing_ratio: s_.settings.backing_ratio = c.value; break;
      case SettingKey::vesting_ratio: s_.settings.vesting_ratio = c.value; break;
      case SettingKey::vesting_period: s_.settings.vesting_period = c.value; break;
      case SettingKey::locked_only: s_.settings.locked_only = c.value != 0.0; break;
    }
  }
}

// §6 common signals at the start-of-step state.
void K9Path::signals(std::int64_t t, double* sig, double* own_lo, double* own_hi) {
  (void)t;
  (void)own_lo;
  (void)own_hi;
  const double P = p_start_;
  const double ma = spot_week_sum_ / static_cast<double>(spot_week_.size());
  double r2 = 0;
  ret2_day_.for_each([&](double x) { r2 += x; });
  const double p_usd = P * quote_usd();
  sig[sig_px_dev] = std::log(P / ma);
  sig[sig_mom] = std::log(P / spot_day_.oldest());
  sig[sig_vol] = std::sqrt(r2);
  sig[sig_mkt_ret] = exo_.log_return_24h();
  sig[sig_rys_apr] = std::log1p(rys_apr(p_.rys.reward_usd_per_day, s_.weight_total, p_usd));
  sig[sig_unlock_7d] = std::log1p(unlock_raw_ / s_.pool.token_reserve());
  sig[sig_stopped] = s_.stopped ? 1.0 : 0.0;
}

void K9Path::begin_decide(std::int64_t t) {
  in_ = K9Intents{};
  dec_.t = static_cast<double>(t * ctx_.dt_seconds);
  dec_.quote_usd = quote_usd();
  dec_.p_usd = p_start_ * dec_.quote_usd;
  dec_.v = s_.settings.vesting_ratio;
  dec_.b = s_.settings.backing_ratio;
  dec_.T = s_.settings.vesting_period;
  dec_.locked_only = s_.settings.locked_only;
  dec_.stopped = s_.stopped;
  dec_.min_lock = static_cast<double>(p_.min_lock);
}

// §6 own terms and masks; own_terms (path.hpp) is their SIMD twin for the skip.
template <int T>
void K9Path::own_terms_one(std::size_t i, double* x, bool* allowed) const {
  const double W = wealth<T>(i);
  const double inv_w = W > 0 ? 1.0 / W : 0.0;
  const double cost = a_.cost[i];
  x[own_pnl] = cost > 0 ? W / cost - 1.0 : 0.0;
  const double knine = a_.knine[i];
  if constexpr (T == vester) {
    const double lk = a_.locked[i], st = a_.staked[i], u = a_.unvested[i], es = a_.es[i];
    const double bi = static_cast<double>(a_.b[i]), vi = static_cast<double>(a_.v[i]);
    const double pw = dec_.p_usd * inv_w;
    // N9 with the settings in force.
    const double es_max = std::max(0.0, (lk + (dec_.locked_only ? 0.0 : st) - dec_.b * u) / dec_.b);
    x[own_capacity] = es_max * dec_.v * pw;
    x[own_claimable] = vi * a_.converted[i] * pw;
    x[own_recalc_loss] = bi > 0 ? std::min(u, st / bi) * vi * pw : 0.0;
    x[own_uncovered] = std::max(0.0, es - es_max) * dec_.v * pw;
    x[own_claim_share] = knine > 0 ? std::min(1.0, static_cast<double>(a_.from_claim[i]) / knine) : 0.0;
    // N8 and the holdings the actions need (§6 masks).
    const double lock_end = static_cast<double>(a_.lock_end[i]);
    allowed[vester_deposit] = !dec_.stopped && lk > 0 && static_cast<double>(a_.lock_k[i]) * kLockMonth >= dec_.min_lock &&
                              lock_end - dec_.t >= dec_.T && std::min(es, es_max) > 0;
    allowed[vester_claim] = a_.converted[i] > 0;
    allowed[vester_sell] = knine > 0;
    allowed[vester_unstake] = st > 0;
    allowed[vester_lock] = knine > 0;
    allowed[vester_withdraw_lock] = lk > 0 && dec_.t >= lock_end;
    allowed[vester_buy] = a_.weth[i] > 0;
  } else if constexpr (T == staker) {
    allowed[staker_sell] = knine > 0;
    allowed[staker_unstake] = a_.staked[i] > 0;
    allowed[staker_stake] = knine > 0;
  } else {
    allowed[trader_sell] = knine > 0;
    allowed[trader_buy] = a_.weth[i] > 0;
  }
}

template <int T>
void K9Path::prepare(std::size_t i, bool reentered, agents::Decision& d) {
  if (reentered) a_.cost[i] = static_cast<float>(wealth<T>(i));  // agents.md: on re-entry cost_i ← W_i
  own_terms_one<T>(i, d.own, d.allowed);
}

// The chosen action's sums for clear (settle recomputes each agent's part from the same holdings).
template <int T>
void K9Path::intent(std::size_t i, int action, double f, const agents::Decision& d) {
  (void)d;
  const double knine = a_.knine[i];
  const auto sell_liquid = [&](double q) {
    in_.sell += q;
    if constexpr (T == vester) {
      const double from_claim = std::min(q, static_cast<double>(a_.from_claim[i]));
      const double from_unlock = std::min(q - from_claim, static_cast<double>(a_.from_unlock[i]));
      in_.sell_claim += from_claim;
      in_.sell_unlock += from_unlock;
    }
  };
  const auto unstake = [&](double sell_frac) {
    const double X = a_.staked[i];
    in_.unstaked += X;
    in_.weight_change -= X;
    in_.sell += sell_frac * X;  // N5's sold part is not unlock-origin (§8)
  };
  if constexpr (T == vester) {
    switch (action) {
      case vester_deposit: {
        const Position pos = position(i);
        const double es_max = k9::es_max(rys(i), pos, s_.settings);
        const double x = f * std::min(a_.es[i], es_max);
        in_.claim_knine += pos.v * pos.converted;  // N10: the claim first
        in_.claim_es += pos.converted;
        in_.deposits += x > 0 ? 1.0 : 0.0;
        in_.es_deposited += x;
        break;
      }
      case vester_claim:
        in_.claim_knine += static_cast<double>(a_.v[i]) * a_.converted[i];
        in_.claim_es += a_.converted[i];
        break;
      case vester_sell: sell_liquid(f * knine); break;
      case vester_unstake: {
        Position pos = position(i);
        const Recalc rc = recalculate(pos, a_.staked[i], a_.locked[i], dec_.t, p_.recalc_rule);
        in_.es_excluded += rc.excluded;
        if (rc.recalculated && !(pop_->status[i] & kRecalculatedFlag)) in_.recalcs += 1;
        unstake(p_.agents.vester_unstake_sell_frac);
        break;
      }
      case vester_lock: {
        Rys r = rys(i);
        const double before = r.locked * lock_multiplier(r.lock_k, p_.rys.max_lock_multiplier);
        const double s = f * knine;
        lock(r, s, lock_months(static_cast<std::int64_t>(dec_.t) / ctx_.dt_seconds, i), dec_.t);
        in_.locked += s;
        in_.weight_change += r.locked * lock_multiplier(r.lock_k, p_.rys.max_lock_multiplier) - before;
        break;
      }
      case vester_withdraw_lock: {
        const double lk = a_.locked[i];
        in_.withdrawn += lk;
        in_.weight_change -= lk * lock_multiplier(static_cast<int>(a_.lock_k[i]), p_.rys.max_lock_multiplier);
        const double sold = p_.agents.lock_exit_sell_frac * lk;
        in_.sell += sold;
        in_.sell_unlock += sold;
        break;
      }
      default: in_.buy += f * a_.weth[i]; break;  // vester_buy
    }
  } else if constexpr (T == staker) {
    if (action == staker_sell) {
      sell_liquid(f * knine);
    } else if (action == staker_unstake) {
      unstake(p_.agents.staker_unstake_sell_frac);
    } else {
      in_.staked += f * knine;
      in_.weight_change += f * knine;
    }
  } else {
    if (action == trader_sell) sell_liquid(f * knine);
    else in_.buy += f * a_.weth[i];
  }
}

// Phase 3 (k9.md §5, §7), on totals: N4's share of the claims, then the pool in market.md's order
// (agents' sells, the outside's net sells, agents' buys, the outside's net buys), then the totals.
void K9Path::clear(std::int64_t t) {
  // The pass of this step accrued the previous step (if it settled): its unlock sums are the
  // state at this step's start, for the next step's signal.
  if (unlock_fresh_) unlock_raw_ = unlock_sum_.value();
  unlock_sum_ = agents::FixedSum{};
  unlock_fresh_ = false;

  fill_ = K9Fills{};
  fill_.t = dec_.t;
  fill_.step = t;
  fill_.settings = s_.settings;
  fill_.stopped = s_.stopped;
  // N4: φ over every claim of the step (finite stock only), paid at settle.
  fill_.phi = claim_share(s_.stock, in_.claim_knine);
  const double paid = fill_.phi * in_.claim_knine;
  if (paid > 0) {
    if (std::isfinite(s_.stock)) s_.stock = std::max(0.0, s_.stock - paid);
    else s_.n.knine_paid_in += paid;
  }
  if (fill_.phi < 1.0 && first_[e_stock_shortfall] < 0) first_[e_stock_shortfall] = t;
  s_.es_supply -= fill_.phi * in_.claim_es;
  s_.n.es_burned += fill_.phi * in_.claim_es;
  s_.n.knine_claimed += paid;
  step_claimed_ = paid;
  s_.liquid_total += paid;
  // N10 deposits and N5 recalculations (counters; the positions move at settle).
  s_.n.deposits_opened += in_.deposits;
  s_.n.deposits_recalculated += in_.recalcs;
  s_.n.es_excluded += in_.es_excluded;
  // Pool: a liquidity drain first (outside LPs, at current reserves), then market.md's order.
  if (const double frac = exo_.drain_fraction(); frac > 0) {
    const double shares = s_.pool.shares();
    const market::LiquidityRemoved rm = s_.pool.remove_liquidity(frac * shares, shares);
    s_.ext_knine += rm.token;
    s_.n.weth_out += rm.quote;
  }
  double sold_all = 0;
  if (in_.sell > 0) {
    fill_.sell_ratio = sell(in_.sell) / in_.sell;
    sold_all += in_.sell;
  }
  double ma = spot_week_sum_ / static_cast<double>(spot_week_.size());
  const double C = s_.liquid_total + s_.ext_knine;
  const double D = exo_.demand(C, ma, p_start_);
  double ext_sell = exo_.whale_tokens() + (D < 0 ? -D / p_start_ : 0.0);
  ext_sell = std::min(ext_sell, s_.ext_knine);
  if (ext_sell > 0) {
    s_.ext_knine -= ext_sell;
    s_.n.weth_out += sell(ext_sell);
    sold_all += ext_sell;
  }
  if (in_.buy > 0) fill_.buy_ratio = buy(in_.buy) / in_.buy;
  if (D > 0) {
    s_.n.weth_in += D;
    s_.ext_knine += buy(D);
  }
  // Totals after the fills (linear in the agents' parts).
  s_.liquid_total += -in_.sell + fill_.buy_ratio * in_.buy + in_.unstaked + in_.withdrawn - in_.locked - in_.staked;
  s_.locked_total += in_.locked - in_.withdrawn;
  s_.staked_total += in_.staked - in_.unstaked;
  s_.weight_total += in_.weight_change;
  s_.es_supply += 0.0;  // deposits and exclusions move esKNINE inside the supply
  s_.n.all_sold += sold_all;
  s_.n.claim_sold += in_.sell_claim;
  s_.n.unlock_sold += in_.sell_unlock;
  step_claim_sold_ = in_.sell_claim;
  step_unlock_sold_ = in_.sell_unlock;
  step_sold_all_ = sold_all;
  // N3 for the step (emitted at the accrual).
  s_.es_supply += farm_per_weight_ > 0 ? p_.farming_per_day * static_cast<double>(ctx_.dt_seconds) / 86400.0 : 0.0;
  s_.n.es_emitted += farm_per_weight_ > 0 ? p_.farming_per_day * static_cast<double>(ctx_.dt_seconds) / 86400.0 : 0.0;
  // The accrual the next settle applies covers [t·dt, (t+1)·dt] (none after the stop).
  acc_.t0 = dec_.t;
  acc_.t1 = std::min(static_cast<double>((t + 1) * ctx_.dt_seconds), s_.t_stop);
  // Step-end price histories.
  const double P_end = s_.pool.spot();
  ret2_day_.push(std::pow(std::log(P_end / spot_day_.back()), 2));
  spot_day_.push(P_end);
  if (spot_week_.size() == spot_week_.capacity()) spot_week_sum_ -= spot_week_.oldest();
  spot_week_.push(P_end);
  spot_week_sum_ += P_end;
  (void)ma;
}

// Phase 4a for one agent: the fills of step t (its own state is what it decided on).
template <int T>
void K9Path::settle(std::size_t i, int action, double f) {
  const K9Fills& fl = fill_;
  const auto sell_liquid = [&](double q) {
    if constexpr (T == vester) {
      const double from_claim = std::min(q, static_cast<double>(a_.from_claim[i]));
      const double from_unlock = std::min(q - from_claim, static_cast<double>(a_.from_unlock[i]));
      a_.from_claim[i] = static_cast<float>(static_cast<double>(a_.from_claim[i]) - from_claim);
      a_.from_unlock[i] = static_cast<float>(static_cast<double>(a_.from_unlock[i]) - from_unlock);
    }
    a_.knine[i] -= q;
    a_.weth[i] += fl.sell_ratio * q;
  };
  // Liquid KNINE leaving the wallet for RYS is untagged first: the tags only shrink to what
  // stays liquid (from_claim first, as sells draw it).
  const auto spend_liquid = [&](double q) {
    a_.knine[i] -= q;
    if constexpr (T == vester) {
      const double claim_left = std::min(static_cast<double>(a_.from_claim[i]), a_.knine[i]);
      a_.from_claim[i] = static_cast<float>(claim_left);
      a_.from_unlock[i] = static_cast<float>(std::min(static_cast<double>(a_.from_unlock[i]), a_.knine[i] - claim_left));
    }
  };
  const auto claim_now = [&](Position& pos) {
    const Claim c = claim(pos, fl.phi);
    a_.knine[i] += c.knine;
    a_.from_claim[i] = static_cast<float>(static_cast<double>(a_.from_claim[i]) + c.knine);
  };
  const auto unstake = [&](double sell_frac) {
    const double X = a_.staked[i];
    a_.staked[i] = 0.0;
    a_.knine[i] += X - sell_frac * X;
    a_.weth[i] += fl.sell_ratio * sell_frac * X;
  };
  if constexpr (T == vester) {
    switch (action) {
      case vester_deposit: {
        Position pos = position(i);
        const double x = f * std::min(a_.es[i], es_max(rys(i), pos, fl.settings));
        claim_now(pos);
        if (x > 0) {
          deposit(pos, x, fl.t, fl.settings);
          a_.es[i] -= x;
          pop_->status[i] = static_cast<std::uint8_t>(pop_->status[i] & ~kRecalculatedFlag);
        }
        store(i, pos);
        break;
      }
      case vester_claim: {
        Position pos = position(i);
        claim_now(pos);
        store(i, pos);
        break;
      }
      case vester_sell: sell_liquid(f * a_.knine[i]); break;
      case vester_unstake: {
        Position pos = position(i);
        const Recalc rc = recalculate(pos, a_.staked[i], a_.locked[i], fl.t, p_.recalc_rule);
        a_.es[i] += rc.excluded;
        if (rc.recalculated) pop_->status[i] = static_cast<std::uint8_t>(pop_->status[i] | kRecalculatedFlag);
        store(i, pos);
        unstake(p_.agents.vester_unstake_sell_frac);
        break;
      }
      case vester_lock: {
        Rys r = rys(i);
        const double s = f * a_.knine[i];
        lock(r, s, lock_months(fl.step, i), fl.t);
        spend_liquid(s);
        store(i, r);
        break;
      }
      case vester_withdraw_lock: {
        Rys r = rys(i);
        const double lk = withdraw_lock(r);
        const double sold = p_.agents.lock_exit_sell_frac * lk;
        a_.knine[i] += lk - sold;
        a_.weth[i] += fl.sell_ratio * sold;
        a_.from_unlock[i] = static_cast<float>(static_cast<double>(a_.from_unlock[i]) + (lk - sold));
        store(i, r);
        break;
      }
      default: {  // vester_buy
        const double w = f * a_.weth[i];
        a_.weth[i] -= w;
        a_.knine[i] += fl.buy_ratio * w;
      }
    }
  } else if constexpr (T == staker) {
    if (action == staker_sell) {
      sell_liquid(f * a_.knine[i]);
    } else if (action == staker_unstake) {
      unstake(p_.agents.staker_unstake_sell_frac);
    } else {
      const double s = f * a_.knine[i];
      spend_liquid(s);
      a_.staked[i] += s;
    }
  } else {
    if (action == trader_sell) {
      sell_liquid(f * a_.knine[i]);
    } else {
      const double w = f * a_.weth[i];
      a_.weth[i] -= w;
      a_.knine[i] += fl.buy_ratio * w;
    }
  }
}

// N2: the stop falls at the end of step t when its time is reached or the step-end price is at or
// below (1 − on_drawdown) of its running maximum. Then the framework settles the step first.
bool K9Path::needs_settled_state(std::int64_t t) const {
  if ((t + 1) % steps_per_day_ == 0) return true;  // the daily series read the settled state
  if (s_.stopped) return false;
  const double end = static_cast<double>((t + 1) * ctx_.dt_seconds);
  if (p_.stop.at >= 0 && end >= static_cast<double>(p_.stop.at)) return true;
  const double P = s_.pool.spot();
  return p_.stop.on_drawdown > 0 && P <= (1.0 - p_.stop.on_drawdown) * std::max(peak_, P);
}

void K9Path::after_settle(std::int64_t t) {
  if (s_.stopped) return;
  const double end = static_cast<double>((t + 1) * ctx_.dt_seconds);
  const double P = s_.pool.spot();
  const bool at = p_.stop.at >= 0 && end >= static_cast<double>(p_.stop.at);
  const bool drawdown = p_.stop.on_drawdown > 0 && P <= (1.0 - p_.stop.on_drawdown) * std::max(peak_, P);
  if (at || drawdown) emergency_stop(t);
}

// N2 on the settled state: every position claims (φ over all claims) and returns its unvested
// esKNINE; no accrual or deposit afterwards.
void K9Path::emergency_stop(std::int64_t t) {
  s_.stopped = true;
  s_.t_stop = static_cast<double>((t + 1) * ctx_.dt_seconds);
  acc_.t1 = std::min(acc_.t1, s_.t_stop);
  double claims = 0;
  for (std::size_t i = 0; i < n_vester_; ++i) claims += static_cast<double>(a_.v[i]) * a_.converted[i];
  const double phi = claim_share(s_.stock, claims);
  StopOutcome& out = s_.stop;
  for (std::size_t i = 0; i < n_vester_; ++i) {
    Position pos = position(i);
    if (!(pos.unvested > 0 || pos.converted > 0)) continue;
    const StopPayout sp = stop(pos, phi);
    a_.knine[i] += sp.knine_paid;
    a_.from_claim[i] = static_cast<float>(static_cast<double>(a_.from_claim[i]) + sp.knine_paid);
    a_.es[i] += sp.es_returned;
    out.knine_paid += sp.knine_paid;
    out.es_burned += sp.es_burned;
    out.es_returned += sp.es_returned;
    out.forfeit_knine += sp.forfeit_knine;
    store(i, pos);
  }
  if (std::isfinite(s_.stock)) s_.stock = std::max(0.0, s_.stock - out.knine_paid);
  else s_.n.knine_paid_in += out.knine_paid;
  if (phi < 1.0 && first_[e_stock_shortfall] < 0) first_[e_stock_shortfall] = t;
  s_.es_supply -= out.es_burned;
  s_.n.es_burned += out.es_burned;
  s_.n.knine_claimed += out.knine_paid;
  s_.liquid_total += out.knine_paid;
  step_claimed_ += out.knine_paid;
  first_[e_emergency_stop] = t;
  stop_step_ = t;
  stop_price_ = s_.pool.spot();
}

// Phase 5 (§8).
void K9Path::observe(std::int64_t t) {
  const double P = s_.pool.spot();
  framework::require_finite(P, "pool price", t);
  framework::require_finite(s_.es_supply, "esKNINE supply", t);
  peak_ = std::max(peak_, P);
  max_drawdown_ = std::max(max_drawdown_, 1.0 - P / peak_);
  // §8: unlock-origin sells are claimed KNINE sold, N6 sold parts and from_unlock sold later.
  if (unlock_dd_.record(P, step_sold_all_, step_claim_sold_ + step_unlock_sold_) && first_[e_unlock_drawdown] < 0)
    first_[e_unlock_drawdown] = t;
  claimed_day_.push(step_claimed_);
  claim_sold_day_.push(step_claim_sold_);
  unlock_sold_day_.push(step_unlock_sold_);
  step_claimed_ = 0;
  if (stop_step_ >= 0 && t == stop_step_ + 7 * steps_per_day_) stop_price_7d_ = P;
}

void K9Path::series(double* out) const {
  double U = 0, Cl = 0;
  for (std::size_t i = 0; i < n_vester_; ++i) {
    U += a_.unvested[i];
    Cl += static_cast<double>(a_.v[i]) * a_.converted[i];
  }
  const auto sum = [](const Ring<double>& r) {
    double s = 0;
    r.for_each([&](double x) { s += x; });
    return s;
  };
  const double P = s_.pool.spot(), x = s_.pool.token_reserve();
  const double claim_sold = sum(claim_sold_day_);
  const double vals[kNumSeries] = {P, P * quote_usd(), x, s_.pool.quote_reserve(), sum(claimed_day_), claim_sold,
                                   claim_sold / x, sum(unlock_sold_day_), s_.es_supply, U, Cl, s_.locked_total,
                                   s_.staked_total, s_.n.deposits_recalculated};
  std::copy(vals, vals + kNumSeries, out);
}

void K9Path::finals(double* out) const {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const bool stopped = stop_step_ >= 0;
  out[f_max_drawdown] = max_drawdown_;
  out[f_unlock_drawdown_depth] = unlock_dd_.depth();
  out[f_recalc_share] = s_.n.deposits_opened > 0 ? s_.n.deposits_recalculated / s_.n.deposits_opened : nan;
  out[f_es_excluded] = s_.n.es_excluded;
  out[f_claim_sell_share] = s_.n.all_sold > 0 ? s_.n.claim_sold / s_.n.all_sold : nan;
  out[f_stop_knine_paid] = stopped ? s_.stop.knine_paid : nan;
  out[f_stop_es_returned] = stopped ? s_.stop.es_returned : nan;
  out[f_stop_forfeit_knine] = stopped ? s_.stop.forfeit_knine : nan;
  out[f_stop_price_change_7d] = stopped ? stop_price_7d_ / stop_price_ - 1.0 : nan;
  out[f_knine_claimed] = s_.n.knine_claimed;
  out[f_claim_sold] = s_.n.claim_sold;
  out[f_unlock_sold] = s_.n.unlock_sold;
  out[f_locked_final] = s_.locked_total;
  out[f_price_ratio] = s_.pool.spot() / (p_.pool.quote_reserve / p_.pool.knine);
}

void K9Path::events(std::int64_t* first) const { std::copy(first_, first_ + kNumEvents, first); }

// k9.md §9, on the settled state.
void K9Path::check(const framework::Invariants& inv) const {
  double knine = 0, weth = 0, locked = 0, staked = 0, es = 0, u = 0, conv = 0, weight = 0;
  const auto bad = [&](const char* what, std::size_t i) { inv.fail(std::string(what) + " of agent " + std::to_string(i)); };
  for (std::size_t i = 0; i < pop_->size(); ++i) {
    knine += a_.knine[i];
    weth += a_.weth[i];
    if (a_.knine[i] < 0 || a_.weth[i] < 0) bad("negative KNINE or WETH", i);
    if (i < n_holder_) {
      staked += a_.staked[i];
      weight += a_.staked[i];
      if (a_.staked[i] < 0) bad("negative stake", i);
    }
    if (i >= n_vester_) continue;
    const Position p = position(i);
    const Rys r = rys(i);
    locked += r.locked;
    weight += r.locked * lock_multiplier(r.lock_k, p_.rys.max_lock_multiplier);
    es += a_.es[i];
    u += p.unvested;
    conv += p.converted;
    if (a_.es[i] < -1e-9 || p.unvested < 0 || p.converted < 0 || r.locked < 0) bad("negative esKNINE or lock", i);
    if (p.unvested > 0) {
      // Collateral (§9): b_i·u_i within the lock and the accepted stake; an active position's
      // lock outlasts it; no accrual after the stop.
      if (p.b * p.unvested > (r.locked + (p.a ? r.staked : 0.0)) * (1 + 1e-9) + 1e-9) bad("b_i·u_i above the collateral", i);
      if (r.lock_end + 1.0 < p.end) bad("lock_end before the vesting end", i);
      if (s_.stopped) bad("unvested esKNINE after the stop", i);
    }
  }
  const double x = s_.pool.token_reserve();
  const double stock = std::isfinite(s_.stock) ? s_.stock : 0.0;
  inv.equal("KNINE: agents + pool + outside + stock vs t0 + paid in",
            knine + locked + staked + x + s_.ext_knine + stock, s_.knine_total0 + s_.n.knine_paid_in, 1e-12);
  inv.equal("esKNINE: supply vs wallets + unvested + converted", s_.es_supply, es + u + conv, 1e-9);
  inv.equal("esKNINE: supply change vs emitted − burned", s_.es_supply, es_supply0_ + s_.n.es_emitted - s_.n.es_burned, 1e-9);
  inv.equal("WETH: agents + pool vs t0 + in − out", weth + s_.pool.quote_reserve(), weth0_ + s_.n.weth_in - s_.n.weth_out, 1e-12);
  inv.equal("RYS: Σlocked", s_.locked_total, locked, 1e-9);
  inv.equal("RYS: Σstaked", s_.staked_total, staked, 1e-9);
  inv.equal("RYS: Σweight", s_.weight_total, weight, 1e-9);
  inv.equal("liquid KNINE: tracked vs Σ knine_i", s_.liquid_total, knine, 1e-9);
  inv.holds("pool reserves positive", x > 0 && s_.pool.quote_reserve() > 0);
  inv.holds("stock non-negative", s_.stock >= 0);
}

// The hooks the fused pass instantiates, per type.
#define STAMPEDE_K9_HOOKS(T)                                                  \
  template void K9Path::settle<T>(std::size_t, int, double);                 \
  template void K9Path::own_terms_one<T>(std::size_t, double*, bool*) const; \
  template void K9Path::prepare<T>(std::size_t, bool, agents::Decision&);    \
  template void K9Path::intent<T>(std::size_t, int, double, const agents::Decision&);
STAMPEDE_K9_HOOKS(vester)
STAMPEDE_K9_HOOKS(staker)
STAMPEDE_K9_HOOKS(trader)
#undef STAMPEDE_K9_HOOKS

}  // namespace stampede::k9
