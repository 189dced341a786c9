#include "engine/protocols/hokusai/path.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/core/errors.hpp"
#include "engine/random/distributions.hpp"
#include "kernels/accrue_rebase.hpp"

namespace stampede::hokusai {
namespace {

constexpr std::uint32_t kColUsdcWeight = agents::ColumnId::protocol_base + 0;

// The status byte's protocol flag: the agent traded on the curve today (active_users, §8).
constexpr std::uint8_t kTradedFlag = std::uint8_t{1} << agents::kProtocolFlagShift;

constexpr float kNever = -1e30f;  // a time before any step (no sale, no submission yet)

std::int64_t steps_of(std::int64_t seconds, std::int64_t dt) { return seconds > 0 ? std::max<std::int64_t>(1, seconds / dt) : 0; }

}  // namespace

HokusaiPath::HokusaiPath(const HokusaiScenario& sc, const agents::Behaviour& behaviour,
                         const framework::PathContext& ctx, agents::Population& pop)
    : sc_(sc),
      p_(sc.params),
      ctx_(ctx),
      pop_(&pop),
      steps_per_day_(std::max<std::int64_t>(1, 86400 / ctx.dt_seconds)),
      deposit_steps_(steps_of(sc.params.fees.deposit_period, ctx.dt_seconds)),
      treasury_steps_(steps_of(sc.params.treasury.period, ctx.dt_seconds)),
      exo_(sc.market, ctx.dt_seconds, ctx.key.seed, std::max<std::int64_t>(86400 / ctx.dt_seconds, 1) * ctx.dt_seconds),
      demand_(sc.params.access.requests_per_day, sc.params.access.growth_per_30d,
              static_cast<double>(sc.params.access.noise_time), sc.params.access.noise_sd,
              static_cast<double>(ctx.dt_seconds)),
      spot_day_(static_cast<std::size_t>(steps_per_day_ + 1)),
      ret2_day_(static_cast<std::size_t>(steps_per_day_)),
      spot_week_(window_steps(7 * 86400.0, static_cast<double>(ctx.dt_seconds))),
      demand_week_(window_steps(7 * 86400.0, static_cast<double>(ctx.dt_seconds)) + 1),
      run_window_(window_steps(static_cast<double>(sc.params.metrics.run_window), static_cast<double>(ctx.dt_seconds))),
      accepted_30d_(window_steps(30 * 86400.0, static_cast<double>(ctx.dt_seconds))),
      minted_day_(static_cast<std::size_t>(steps_per_day_)),
      burned_day_(static_cast<std::size_t>(steps_per_day_)),
      traded_day_(static_cast<std::size_t>(steps_per_day_)) {
  (void)behaviour;
  exo_.start_path(ctx.key);
  n_slot_holders_ = pop_->ranges[owner].end;  // contributors, then the owner
  sell_open_at_ = static_cast<double>(p_.buy_only_period);
  s_.budget_left = p_.improvement.mint_budget;
  s_.accuracy = p_.initial_supply.score_bps;
  init_population();
  const double P0 = spot();
  P_init_ = P0;
  spot_day_.push(P0);
  spot_week_.push(P0);
  spot_week_sum_ = P0;
  D_ = demand_.level(0.0, 1.0);
  demand_week_.push(D_);
  R_max_ = s_.curve.R;
  P_min_ = P_max_ = P0;
  for (auto& f : first_) f = -1;
}

// §6 initial state and H1.
void HokusaiPath::init_population() {
  const std::size_t n = pop_->size();
  for (auto* c : {&a_.tok, &a_.usdc}) c->resize(n);
  a_.cost.resize(n);
  a_.sold_at.resize(n);
  a_.submitted_at.resize(n_slot_holders_);
  a_.slots.resize(static_cast<std::size_t>(p_.slots));
  for (auto& s : a_.slots) {
    s.amount.resize(n_slot_holders_);
    s.released.resize(n_slot_holders_);
    s.start.resize(n_slot_holders_);
    s.cliff.resize(n_slot_holders_);
    s.duration.resize(n_slot_holders_);
  }
  std::fill(a_.sold_at.begin(), a_.sold_at.end(), kNever);
  std::fill(a_.submitted_at.begin(), a_.submitted_at.end(), kNever);
  const auto& R = pop_->ranges;
  const auto& in = p_.initial;
  // holder_tokens and holder_usdc over holders and contributors, by independent weights.
  const agents::TypeRange contributors = R[contributor], holders = R[holder];
  if ((in.holder_tokens > 0 || in.holder_usdc > 0) && contributors.empty() && holders.empty())
    throw InputError("hokusai.initial.holder_tokens: holders or contributors must exist to hold them (agents.count)");
  std::vector<double> wt(n, 0.0), wu(n, 0.0);
  for (const agents::TypeRange& r : {contributors, holders}) {
    if (r.empty()) continue;
    agents::sample_column(p_.wealth, ctx_.key, agents::ColumnId::wealth, r, wt.data());
    agents::sample_column(p_.wealth, ctx_.key, kColUsdcWeight, r, wu.data());
  }
  const agents::TypeRange both{0, n};  // owners' weights are 0
  agents::split_pro_rata(wt.data(), both, in.holder_tokens, a_.tok.data());
  agents::split_pro_rata(wu.data(), both, in.holder_usdc, a_.usdc.data());
  // The owner's weights are 0, but an equal split of a zero sum would give it a share: none exist
  // while the other types hold something (checked above).
  for (std::size_t i = R[owner].begin; i < R[owner].end; ++i) a_.tok[i] = a_.usdc[i] = 0.0;
  s_.S_tot = in.holder_tokens;
  S_tot0_ = s_.S_tot;
  // H1: the owner's initial supply into its team slot (V), at t = 0.
  const double owner_supply =
      initial_supply(p_.initial_supply.score_bps, p_.initial_supply.min_score_bps, p_.initial_supply.min_supply,
                     p_.initial_supply.max_supply);
  if (!R[owner].empty()) {
    const std::size_t o = R[owner].begin;
    Slot slots[16];
    const int ns = p_.slots;
    const Grant g = grant(slots, ns, owner_supply, 0.0, p_.team_vesting);
    for (int k = 0; k < ns; ++k) store(o, static_cast<std::size_t>(k), slots[k]);
    a_.tok[o] += g.liquid;
    s_.V += g.vesting;
    s_.S_tot += owner_supply;
    s_.minted[minted_initial] += owner_supply;
  }
  s_.curve.R = in.reserve;
  s_.curve.S = s_.S_tot - s_.V;
  s_.curve.graduated = in.reserve >= p_.curve.flat_threshold;
  const double P0 = spot();
  double usdc = 0;
  for (std::size_t i = 0; i < n; ++i) {
    a_.cost[i] = static_cast<float>((a_.tok[i] + unreleased(i)) * P0 + a_.usdc[i]);
    usdc += a_.usdc[i];
  }
  usdc0_ = usdc + s_.curve.R;
  // The releases scheduled in the first 7 days (unlock_7d before the first accrual).
  double ahead = 0;
  for (std::size_t i = 0; i < n_slot_holders_; ++i)
    for (std::size_t k = 0; k < a_.slots.size(); ++k) {
      const Slot s = slot(i, k);
      if (s.used()) ahead += released_at(s, kUnlockHorizon) - released_at(s, 0.0);
    }
  ahead_raw_ = ahead;
}

double HokusaiPath::unreleased(std::size_t i) const {
  double u = 0.0;
  if (i < n_slot_holders_)
    for (const SlotColumns& c : a_.slots) u += c.amount[i] - c.released[i];
  return u;
}
Slot HokusaiPath::slot(std::size_t i, std::size_t k) const {
  const SlotColumns& c = a_.slots[k];
  Slot s;
  s.amount = c.amount[i];
  s.released = c.released[i];
  s.start = static_cast<double>(c.start[i]);
  s.cliff = static_cast<double>(c.cliff[i]);
  s.duration = static_cast<double>(c.duration[i]);
  return s;
}
void HokusaiPath::store(std::size_t i, std::size_t k, const Slot& s) {
  SlotColumns& c = a_.slots[k];
  c.amount[i] = s.amount;
  c.released[i] = s.released;
  c.start[i] = static_cast<float>(s.start);
  c.cliff[i] = static_cast<float>(s.cliff);
  c.duration[i] = static_cast<float>(s.duration);
}

// Π (1 + size) of the active `demand` shocks aimed at `access` (H20).
double HokusaiPath::access_multiplier() const {
  double m = 1.0;
  for (std::size_t k = 0; k < sc_.market.shocks.size(); ++k) {
    const auto& sh = sc_.market.shocks[k];
    if (sh.kind == market::ShockKind::demand && sh.target == "access" && exo_.shock_active(k)) m *= 1.0 + sh.size;
  }
  return m;
}

void HokusaiPath::mark_traded(std::size_t i) {
  if (!(pop_->status[i] & kTradedFlag)) {
    pop_->status[i] = static_cast<std::uint8_t>(pop_->status[i] | kTradedFlag);
    traders_today_ += 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 1: exogenous processes and access demand (H20).
void HokusaiPath::begin_step(std::int64_t t) {
  exo_.advance(t, s_.S_tot);
  if (t > 0) {
    rng::Sequence q(ctx_.key, rng::Purpose::protocol, static_cast<std::uint64_t>(t), 0);
    demand_.advance(q.normal());
  }
  D_ = demand_.level(static_cast<double>(t * ctx_.dt_seconds), access_multiplier());
  R_start_ = s_.curve.R;
  step_paid_ = step_minted_ = step_burned_ = step_traded_ = 0;
}

// §6 common signals at the start-of-step state.
void HokusaiPath::signals(std::int64_t t, double* sig, double* own_lo, double* own_hi) {
  (void)t;
  (void)own_lo;
  (void)own_hi;
  const double P = spot();
  double r2 = 0;
  ret2_day_.for_each([&](double x) { r2 += x; });
  sig[sig_px_dev] = std::log(P / (spot_week_sum_ / static_cast<double>(spot_week_.size())));
  sig[sig_mom] = std::log(P / spot_day_.oldest());
  sig[sig_vol] = std::sqrt(r2);
  sig[sig_reserve_dd] = R_max_ > 0 ? 1.0 - s_.curve.R / R_max_ : 0.0;
  sig[sig_usage_growth] = D_ > 0 && demand_week_.oldest() > 0 ? std::log(D_ / demand_week_.oldest()) : 0.0;
  sig[sig_improve_30d] = accepted_30d_.sum();
  sig[sig_unlock_7d] = s_.curve.S > 0 ? ahead_raw_ / s_.curve.S : 0.0;
  sig[sig_mkt_ret] = exo_.log_return_24h();
}

void HokusaiPath::begin_decide(std::int64_t t) {
  in_ = HokusaiIntents{};
  dec_.t = static_cast<double>(t * ctx_.dt_seconds);
  dec_.P = spot();
  dec_.t_max = max_sell_tokens(p_.curve, s_.curve.R, s_.curve.S);
  dec_.buy_cap = s_.curve.graduated ? p_.curve.max_trade_fraction * s_.curve.R : std::numeric_limits<double>::infinity();
  dec_.sell_open = dec_.t >= sell_open_at_;
}

template <int T>
void HokusaiPath::own_terms_one(std::size_t i, double* x, bool* allowed) const {
  const double tok = a_.tok[i], usdc = a_.usdc[i];
  double locked = 0.0;
  if constexpr (T != holder)
    for (const SlotColumns& c : a_.slots) locked += c.amount[i] - c.released[i];
  const double W = (tok + locked) * dec_.P + usdc;
  const double cost = a_.cost[i];
  x[own_pnl] = cost > 0 ? std::min(3.0, std::max(-1.0, W / cost - 1.0)) : 0.0;
  const double held = tok + locked;
  x[own_locked] = held > 0 ? locked / held : 0.0;
  const bool sell_ok = dec_.sell_open && dec_.t - static_cast<double>(a_.sold_at[i]) >= static_cast<double>(p_.redeem.cooldown) &&
                       tok > 0 && std::min(tok, dec_.t_max) >= p_.redeem.min_tokens;
  if constexpr (T == contributor) {
    allowed[contributor_sell] = sell_ok;
    allowed[contributor_early_withdraw] = locked > 0;
  } else if constexpr (T == owner) {
    allowed[owner_sell] = sell_ok;
  } else {
    allowed[holder_redeem] = sell_ok;
    allowed[holder_buy] = usdc > 0;
  }
}

// Masks with the agent's own amount (H15: an intent below min_tokens is masked), own terms, and
// the cost basis reset on re-entry (agents.md).
template <int T>
void HokusaiPath::prepare(std::size_t i, bool reentered, agents::Decision& d) {
  if (reentered) a_.cost[i] = static_cast<float>((a_.tok[i] + unreleased(i)) * dec_.P + a_.usdc[i]);
  own_terms_one<T>(i, d.own, d.allowed);
  const int sell_action = T == contributor ? int{contributor_sell} : T == owner ? int{owner_sell} : int{holder_redeem};
  if (d.allowed[sell_action]) {
    const double f = pop_->fraction(T, sell_action, i);
    d.allowed[sell_action] = std::min(f * a_.tok[i], dec_.t_max) >= p_.redeem.min_tokens;
  }
}

template <int T>
void HokusaiPath::intent(std::size_t i, int action, double f, const agents::Decision& d) {
  (void)d;
  const bool selling = (T == contributor && action == contributor_sell) || (T == owner && action == owner_sell) ||
                       (T == holder && action == holder_redeem);
  if (selling) {
    in_.sell += std::min(f * a_.tok[i], dec_.t_max);
  } else if constexpr (T == holder) {
    in_.buy += std::min(f * a_.usdc[i], dec_.buy_cap);
  } else if constexpr (T == contributor) {  // early withdrawal (H9)
    for (const SlotColumns& c : a_.slots) {
      const double rem = c.amount[i] - c.released[i];
      in_.early_burned += p_.early_penalty * rem;
      in_.early_paid += rem - p_.early_penalty * rem;
    }
  }
}

// Releases of the last accrual (H17): out of the vault into the agents' tokens, so into S. Always
// at the next clear, whether the framework settled in a settle-only pass (at the end of the
// previous step) or in this step's pass: so `--check` and the daily settles change no result.
void HokusaiPath::absorb_releases() {
  if (!accrued_) return;
  const double released = release_sum_.value();
  s_.V -= released;
  s_.curve.S += released;
  ahead_raw_ = ahead_sum_.value();
  release_sum_ = agents::FixedSum{};
  ahead_sum_ = agents::FixedSum{};
  accrued_ = false;
}

// Phase 3 (hokusai.md §5, §7) on totals, in the spec's order.
void HokusaiPath::clear(std::int64_t t) {
  absorb_releases();
  fill_ = HokusaiFills{};
  fill_.t = dec_.t;
  fill_.t_max = dec_.t_max;
  fill_.buy_cap = dec_.buy_cap;
  const int pieces = std::max(1, sc_.market.sub_swaps);
  // H9: early withdrawals (V falls by all of it; the penalty is burned).
  if (in_.early_paid + in_.early_burned > 0) {
    s_.V -= in_.early_paid + in_.early_burned;
    s_.S_tot -= in_.early_burned;
    s_.curve.S += in_.early_paid;
    s_.burned[burned_penalty] += in_.early_burned;
    step_burned_ += in_.early_burned;
  }
  // Agent sells with the slippage rule (H16), then outside sells (no slippage, capped at T_max).
  if (in_.sell > 0) {
    const double Q = in_.sell;
    const double filled = slippage_fill(p_.curve, s_.curve.R, s_.curve.S, Q, p_.redeem.slippage_tolerance, pieces);
    const Sell sold = sell_pieces(p_.curve, s_.curve, filled, pieces);
    fill_.sell_fill = filled / Q;
    fill_.usdc_per_sold = sold.net / Q;
    s_.treasury_usdc += sold.fee;
    s_.S_tot -= filled;
    s_.burned[burned_sell] += filled;
    step_burned_ += filled;
    step_traded_ += filled;
    step_paid_ += sold.gross;
  }
  const double P = spot();
  const double ma = spot_week_sum_ / static_cast<double>(spot_week_.size());
  const double Dx = exo_.demand(s_.curve.S, ma, P);
  // H11: no sell before sell_open_at, the outside's (net selling demand, a whale) included.
  if (const double want = exo_.whale_tokens() + (Dx < 0 ? -Dx / P : 0.0); want > 0 && dec_.sell_open) {
    const double T = std::min({want, s_.ext_tokens, max_sell_tokens(p_.curve, s_.curve.R, s_.curve.S)});
    if (T > 0) {
      const Sell sold = sell_pieces(p_.curve, s_.curve, T, pieces);
      s_.ext_tokens -= T;
      s_.S_tot -= T;
      s_.treasury_usdc += sold.fee;
      s_.usdc_out += sold.net;
      s_.burned[burned_sell] += T;
      step_burned_ += T;
      step_traded_ += T;
      step_paid_ += sold.gross;
    }
  }
  // H13: access users buy tokens on the curve and burn them at once (S unchanged).
  const double T_acc = access_tokens(D_, static_cast<double>(ctx_.dt_seconds), p_.access.token_share,
                                     p_.access.batch_share, p_.access.batch_discount, P_init_, spot(),
                                     p_.access.price_elasticity);
  if (T_acc > 0) {
    const AccessCost cost = access_buy_pieces(p_.curve, s_.curve, T_acc, pieces);
    s_.treasury_usdc += cost.fee;
    s_.usdc_in += cost.gross;
    s_.minted[minted_buy] += T_acc;
    s_.burned[burned_access] += T_acc;
    step_minted_ += T_acc;
    step_burned_ += T_acc;
    step_traded_ += T_acc;
  }
  // Agent buys, then the outside's positive demand (H10).
  if (in_.buy > 0) {
    const Buy b = buy_pieces(p_.curve, s_.curve, in_.buy, pieces);
    fill_.buy_ratio = b.tokens / in_.buy;
    s_.treasury_usdc += b.fee;
    s_.S_tot += b.tokens;
    s_.minted[minted_buy] += b.tokens;
    step_minted_ += b.tokens;
    step_traded_ += b.tokens;
  }
  if (Dx > 0) {
    const Buy b = buy_pieces(p_.curve, s_.curve, Dx, pieces);
    s_.usdc_in += Dx;
    s_.treasury_usdc += b.fee;
    s_.ext_tokens += b.tokens;
    s_.S_tot += b.tokens;
    s_.minted[minted_buy] += b.tokens;
    step_minted_ += b.tokens;
    step_traded_ += b.tokens;
  }
  // H14 enterprise fees; H7 their routing on deposit steps.
  const double fees = enterprise_fees(D_, static_cast<double>(ctx_.dt_seconds), p_.access.token_share,
                                      p_.access.enterprise_price);
  s_.fees_pending += fees;
  s_.usdc_in += fees;
  if (due(t, deposit_steps_) && s_.fees_pending > 0) {
    const FeeRouting r = route_fees(s_.fees_pending, p_.fees.infra_share);
    s_.curve.R += r.reserve;
    s_.infra_usdc += r.infra;
    s_.fees_pending = 0;
  }
  // H4: improvement arrivals of this step (applied on the settled state at its end).
  n_arrivals_ = 0;
  const double mean = p_.improvement.arrivals_per_30d * static_cast<double>(ctx_.dt_seconds) / (30.0 * 86400.0);
  if (mean > 0 && !pop_->ranges[contributor].empty()) {
    rng::Sequence q(ctx_.key, rng::Purpose::arrivals, static_cast<std::uint64_t>(t), 0);
    const auto n = std::min<std::uint64_t>(rng::poisson(q, mean), kMaxArrivals);
    const agents::TypeRange c = pop_->ranges[contributor];
    for (std::uint64_t k = 0; k < n; ++k) {
      Arrival& a = arrivals_[n_arrivals_++];
      a.bps = rng::sample(p_.improvement.bps, q);
      a.contributor = c.begin + static_cast<std::size_t>(rng::uniform_int(q, 0, static_cast<std::int64_t>(c.size()) - 1));
    }
  }
  acc_t1_ = static_cast<double>((t + 1) * ctx_.dt_seconds);
  // Step-end histories.
  const double P_end = spot();
  ret2_day_.push(std::pow(std::log(P_end / spot_day_.back()), 2));
  spot_day_.push(P_end);
  if (spot_week_.size() == spot_week_.capacity()) spot_week_sum_ -= spot_week_.oldest();
  spot_week_.push(P_end);
  spot_week_sum_ += P_end;
}

// Phase 4a for one agent: the fills of step t.
template <int T>
void HokusaiPath::settle(std::size_t i, int action, double f) {
  const HokusaiFills& fl = fill_;
  const bool selling = (T == contributor && action == contributor_sell) || (T == owner && action == owner_sell) ||
                       (T == holder && action == holder_redeem);
  if (selling) {
    const double asked = std::min(f * a_.tok[i], fl.t_max);
    const double sold = fl.sell_fill * asked;
    const double before = a_.tok[i];
    a_.tok[i] -= sold;
    a_.usdc[i] += fl.usdc_per_sold * asked;
    if (before > 0) a_.cost[i] = static_cast<float>(static_cast<double>(a_.cost[i]) * (1.0 - sold / before));  // §6
    a_.sold_at[i] = static_cast<float>(fl.t);
    mark_traded(i);
  } else if constexpr (T == holder) {
    const double spend = std::min(f * a_.usdc[i], fl.buy_cap);
    a_.usdc[i] -= spend;
    a_.tok[i] += fl.buy_ratio * spend;
    a_.cost[i] = static_cast<float>(static_cast<double>(a_.cost[i]) + spend);  // §6: + USDC spent
    mark_traded(i);
  } else if constexpr (T == contributor) {
    Slot slots[16];
    const int ns = static_cast<int>(a_.slots.size());
    for (int k = 0; k < ns; ++k) slots[k] = slot(i, static_cast<std::size_t>(k));
    const EarlyWithdrawal w = withdraw_early(slots, ns, p_.early_penalty);
    for (int k = 0; k < ns; ++k) store(i, static_cast<std::size_t>(k), slots[k]);
    a_.tok[i] += w.paid;
  }
}

// Grants (H4–H6) and the treasury distribution (H8) change single agents' balances: the framework
// settles first. The daily series read the settled state too.
bool HokusaiPath::needs_settled_state(std::int64_t t) const {
  return n_arrivals_ > 0 || (due(t, treasury_steps_) && p_.treasury.distribution > 0) || due(t, steps_per_day_);
}

void HokusaiPath::after_settle(std::int64_t t) {
  const double now = static_cast<double>((t + 1) * ctx_.dt_seconds);
  if (n_arrivals_ > 0) apply_improvements(now);
  if (due(t, treasury_steps_) && p_.treasury.distribution > 0) {
    // H8/H19: X tokens to holders pro rata to liquid balances (accrue_rebase with m = 1).
    const std::size_t n = pop_->size();
    const double total = agents::fixed_sum(a_.tok.data(), 0, n);
    if (total > 0) {
      const double X = kernels::accrue_rebase({a_.tok.data(), nullptr, nullptr}, 0, n, p_.treasury.distribution / total);
      s_.S_tot += X;
      s_.curve.S += X;
      s_.minted[minted_treasury] += X;
      step_minted_ += X;
    }
  }
  if (due(t, steps_per_day_)) {  // close the day's distinct traders
    traders_last_day_ = traders_today_;
    traders_today_ = 0;
    for (auto& st : pop_->status) st = static_cast<std::uint8_t>(st & ~kTradedFlag);
  }
}

// H4–H6: each arrival is checked against the minimum, the contributor's cooldown and the budget,
// then minted: the immediate part liquid, the rest into a vesting slot (V).
void HokusaiPath::apply_improvements(double now) {
  for (std::size_t k = 0; k < n_arrivals_; ++k) {
    const Arrival& a = arrivals_[k];
    const std::size_t j = a.contributor;
    const Submission sub =
        submit(p_.improvement.reward, a.bps, now, static_cast<double>(a_.submitted_at[j]), s_.budget_left);
    if (sub.reward <= 0) continue;
    s_.budget_left -= sub.reward;
    s_.accuracy += a.bps;
    a_.submitted_at[j] = static_cast<float>(now);
    Slot slots[16];
    const int ns = static_cast<int>(a_.slots.size());
    for (int q = 0; q < ns; ++q) slots[q] = slot(j, static_cast<std::size_t>(q));
    const Grant g = grant(slots, ns, sub.reward, now, p_.reward_vesting);
    for (int q = 0; q < ns; ++q) store(j, static_cast<std::size_t>(q), slots[q]);
    a_.tok[j] += g.liquid;
    s_.V += g.vesting;
    s_.S_tot += sub.reward;
    s_.curve.S += g.liquid;
    s_.minted[minted_improvement] += sub.reward;
    step_minted_ += sub.reward;
    s_.improvements += 1;
    s_.merges += g.merged ? 1 : 0;
    accepted_step_ += 1;
  }
  n_arrivals_ = 0;
}

// Phase 5 (§8).
void HokusaiPath::observe(std::int64_t t) {
  const double P = spot(), R = s_.curve.R;
  framework::require_finite(P, "curve price", t);
  framework::require_finite(R, "reserve", t);
  R_max_ = std::max(R_max_, R);
  const double dd = R_max_ > 0 ? 1.0 - R / R_max_ : 0.0;
  max_dd_ = std::max(max_dd_, dd);
  reserve_dd_ = dd;
  P_min_ = std::min(P_min_, P);
  P_max_ = std::max(P_max_, P);
  run_window_.push(step_paid_, R_start_);
  const double base = run_window_.base_at_window_start();
  if (base > 0) max_run_ratio_ = std::max(max_run_ratio_, run_window_.sum() / base);
  if (redemption_run(run_window_.sum(), base, p_.metrics.run_fraction) && first_[e_redemption_run] < 0)
    first_[e_redemption_run] = t;
  if (dd >= p_.metrics.deep_drawdown && first_[e_deep_drawdown] < 0) first_[e_deep_drawdown] = t;
  if (s_.curve.graduated && R < p_.curve.flat_threshold && first_[e_flat_relapse] < 0) first_[e_flat_relapse] = t;
  accepted_30d_.push(accepted_step_, 0.0);
  accepted_step_ = 0;
  demand_week_.push(D_);
  minted_day_.push(step_minted_);
  burned_day_.push(step_burned_);
  traded_day_.push(step_traded_);
}

void HokusaiPath::series(double* out) const {
  const auto sum = [](const Ring<double>& r) {
    double s = 0;
    r.for_each([&](double x) { s += x; });
    return s;
  };
  const double P = spot(), S = s_.curve.S;
  double minted = 0, burned = 0;
  for (double m : s_.minted) minted += m;
  for (double b : s_.burned) burned += b;
  const double vals[kNumSeries] = {s_.S_tot,
                                   S,
                                   burned,
                                   minted,
                                   sum(minted_day_),
                                   sum(burned_day_),
                                   D_ / p_.access.requests_per_user_per_day + traders_last_day_,
                                   S > 0 ? sum(traded_day_) / S : 0.0,
                                   P * S > 0 ? s_.curve.R / (P * S) : 0.0,
                                   s_.treasury_usdc,
                                   accepted_30d_.sum(),
                                   s_.accuracy,
                                   D_,
                                   P,
                                   s_.curve.R,
                                   s_.V};
  std::copy(vals, vals + kNumSeries, out);
}

void HokusaiPath::finals(double* out) const {
  out[f_max_reserve_drawdown] = max_dd_;
  out[f_min_price] = P_min_;
  out[f_max_price] = P_max_;
  // The end state: the framework settled the last step, so its releases (at the default horizon
  // the team cliff: hokusai.md §11) are in the agents' tokens and still pending for S.
  const double pending = accrued_ ? release_sum_.value() : 0.0;
  out[f_final_price] = hokusai::spot(p_.curve, s_.curve.R, s_.curve.S + pending);
  out[f_final_reserve] = s_.curve.R;
  out[f_improvements_accepted] = s_.improvements;
  out[f_vesting_merges] = s_.merges;
  out[f_max_sells_24h] = max_run_ratio_;
}

void HokusaiPath::events(std::int64_t* first) const { std::copy(first_, first_ + kNumEvents, first); }

// hokusai.md §9, on the settled state: the releases of the settle just made are in the agents'
// tokens and still pending for V (absorb_releases).
void HokusaiPath::check(const framework::Invariants& inv) const {
  const double pending = accrued_ ? release_sum_.value() : 0.0;
  double tok = 0, usdc = 0, vault = 0;
  for (std::size_t i = 0; i < pop_->size(); ++i) {
    tok += a_.tok[i];
    usdc += a_.usdc[i];
    if (a_.tok[i] < 0 || a_.usdc[i] < 0) inv.fail("negative tokens or USDC of agent " + std::to_string(i));
    if (i >= n_slot_holders_) continue;
    for (const SlotColumns& c : a_.slots) {
      const double A = c.amount[i], rel = c.released[i];
      vault += A - rel;
      if (A < 0 || rel < 0 || rel > A * (1 + 1e-12)) inv.fail("vesting slot with rel outside [0, A] of agent " + std::to_string(i));
    }
  }
  double minted = 0, burned = 0;
  for (double m : s_.minted) minted += m;
  for (double b : s_.burned) burned += b;
  // Differences of supply-sized sums: tolerances relative to the supply, applied once.
  const double scale = std::max(1.0, s_.S_tot);
  inv.within("tokens: S_tot − S_tot(0) vs minted − burned", s_.S_tot - S_tot0_, minted - burned, 1e-12 * scale);
  inv.equal("tokens: S_tot vs Σ tok + vault + outside", s_.S_tot, tok + vault + s_.ext_tokens, 1e-12);
  inv.within("tokens: V vs Σ (A − rel)", s_.V - pending, vault, 1e-9 * scale);
  inv.within("tokens: the curve's S vs S_tot − V", s_.curve.S, s_.S_tot - s_.V, 1e-9 * scale);
  inv.equal("USDC: R + treasury + infra + pending + agents vs t0 + in − out",
            s_.curve.R + s_.treasury_usdc + s_.infra_usdc + s_.fees_pending + usdc, usdc0_ + s_.usdc_in - s_.usdc_out,
            1e-12);
  inv.holds("reserve non-negative", s_.curve.R >= 0);
  inv.holds("outside tokens non-negative", s_.ext_tokens >= 0);
}

#define STAMPEDE_HOKUSAI_HOOKS(T)                                                  \
  template void HokusaiPath::settle<T>(std::size_t, int, double);                 \
  template void HokusaiPath::own_terms_one<T>(std::size_t, double*, bool*) const; \
  template void HokusaiPath::prepare<T>(std::size_t, bool, agents::Decision&);    \
  template void HokusaiPath::intent<T>(std::size_t, int, double, const agents::Decision&);
STAMPEDE_HOKUSAI_HOOKS(contributor)
STAMPEDE_HOKUSAI_HOOKS(owner)
STAMPEDE_HOKUSAI_HOOKS(holder)
#undef STAMPEDE_HOKUSAI_HOOKS

}  // namespace stampede::hokusai
