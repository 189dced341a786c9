#include "engine/protocols/klima2/path.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "engine/core/errors.hpp"
#include "engine/market/amm.hpp"
#include "engine/protocols/klima2/portfolio.hpp"
#include "engine/protocols/klima2/premium.hpp"
#include "engine/random/distributions.hpp"

namespace stampede::klima2 {
namespace {

constexpr std::uint32_t kColLpPool = agents::ColumnId::protocol_base + 0;
constexpr std::uint32_t kColKappa = agents::ColumnId::protocol_base + 1;
// The status byte's protocol flag: a bond of the agent has matured (the `loyalty` own term).
constexpr std::uint8_t kMaturedFlag = std::uint8_t{1} << agents::kProtocolFlagShift;
constexpr std::uint32_t kLaneAgent = 0x80000000u;  // per-agent draws of a step (class, position, lock)

std::int64_t steps_of(std::int64_t seconds, std::int64_t dt) { return seconds > 0 ? std::max<std::int64_t>(1, seconds / dt) : 0; }

}  // namespace

Klima2Path::Klima2Path(const Klima2Scenario& sc, const agents::Behaviour& behaviour, const framework::PathContext& ctx,
                       agents::Population& pop)
    : sc_(sc),
      p_(sc.params),
      behaviour_(behaviour),
      ctx_(ctx),
      pop_(&pop),
      steps_per_day_(std::max<std::int64_t>(1, 86400 / ctx.dt_seconds)),
      trade_steps_(steps_of(sc.params.trade_period, ctx.dt_seconds)),
      roll_steps_(steps_of(sc.params.roll_period, ctx.dt_seconds)),
      incentive_steps_(steps_of(sc.params.g.incentive_period, ctx.dt_seconds)),
      n_cls_(sc.params.n_classes),
      exo_(sc.market, ctx.dt_seconds, ctx.key.seed, std::max<std::int64_t>(86400 / ctx.dt_seconds, 1) * ctx.dt_seconds),
      aq_(sc.params.initial.aq_a, sc.params.initial.aq_a * sc.params.initial.a_price, sc.params.aq_fee),
      ag_(sc.params.initial.ag_g, sc.params.initial.ag_a, sc.params.ag_fee),
      aq_twap_(ctx.dt_seconds, 86400, sc.params.initial.a_price),
      ag_twap_(ctx.dt_seconds, 86400, sc.params.initial.ag_a / sc.params.initial.ag_g),
      g_curve_{sc.params.g.p0, sc.params.g.t_half_months},
      E_label_(label_expiries(sc.params.years_per_position)),
      spot_day_(static_cast<std::size_t>(steps_per_day_ + 1)),
      ret2_week_(static_cast<std::size_t>(7 * steps_per_day_)),
      spot_week_(static_cast<std::size_t>(7 * steps_per_day_)),
      run_window_(window_steps(static_cast<double>(sc.params.metrics.run_window), static_cast<double>(ctx.dt_seconds))) {
  const std::size_t flight = window_steps(static_cast<double>(p_.metrics.lp_flight_window), static_cast<double>(ctx.dt_seconds));
  for (auto& w : flight_window_) w = TrailingWindow(flight);
  exo_.start_path(ctx.key);
  const auto n = static_cast<std::size_t>(n_cls_);
  s_.bonds.units_cls = Eigen::ArrayXXd::Zero(kSlots, n_cls_);
  s_.bonds.c_fwd = Eigen::ArrayXXd::Zero(kSlots, n_cls_);
  in_.bond_cls = Eigen::ArrayXXd::Zero(kSlots, n_cls_);
  in_.stake_cls.assign(n, 0.0);
  in_.unstake_cls.assign(n, 0.0);
  s_.g.staked_cls.assign(n, 0.0);
  for (auto* v : {&s_.carbon.liquid, &s_.carbon.ln_price, &s_.carbon.bought, &s_.carbon.retired, &s_.carbon.yielded,
                  &s_.carbon.defaulted, &s_.carbon.initial, &s_.carbon.resale, &s_.carbon.liquidated})
    v->assign(n, 0.0);
  offset_a_.assign(n, 0.0);
  offset_tonnes_.assign(n, 0.0);
  burn_a_.assign(n, 0.0);
  // Orders of one trade period: reserved once (Poisson counts far above the means are dropped, §5.3 note in docs).
  seller_orders_.reserve(kMaxOrders);
  buyer_orders_.reserve(kMaxOrders);
  seller_sales_.reserve(kMaxOrders);
  seller_sales_next_.reserve(kMaxOrders);
  for (auto& f : first_) f = -1;
  init_population();
}

// klima2.md §5.0 and §6: the launch state.
void Klima2Path::init_population() {
  const std::size_t n = pop_->size();
  for (auto* c : {&a_.a_liq, &a_.q, &a_.g_liq, &a_.tonnes, &a_.units, &a_.snap_a, &a_.snap_g, &a_.snap_c}) c->resize(n);
  a_.cost.resize(n);
  a_.init_a.resize(n);
  a_.pos.resize(n);
  a_.cls.resize(n);
  std::fill(a_.pos.begin(), a_.pos.end(), -1);
  std::fill(a_.cls.begin(), a_.cls.end(), kNoClass);
  const auto& R = pop_->ranges;
  const InitialParams& in = p_.initial;
  s_.n_a = in.a_supply;
  const double holders_a = 0.875 * in.a_supply;
  const double bonded = in.bonded_fraction * in.a_supply;
  const double liquid = holders_a - bonded - in.aq_a;
  s_.protocol_a = 0.125 * in.a_supply - in.ag_a;  // the Treasury's A beyond AG (0 at the defaults)
  if (s_.protocol_a < -1e-9 * in.a_supply)
    throw InputError("klima2.initial.ag_a: AG's A must come out of the Treasury's 12.5% of a_supply");
  s_.protocol_a = std::max(0.0, s_.protocol_a);
  std::vector<double> w(n, 0.0);
  for (int t = 0; t < kHolderTypes; ++t)
    if (!R[static_cast<std::size_t>(t)].empty())
      agents::sample_column(p_.wealth, ctx_.key, agents::ColumnId::wealth, R[static_cast<std::size_t>(t)], w.data());

  // Bonds: bonded/40 per position; the agents of position t are every 40th bond staker, by weight.
  const agents::TypeRange bs = R[bond_staker];
  if (bonded > 0 && bs.empty())
    throw InputError("klima2.initial.bonded_fraction: bonded A needs bond stakers (agents.mix.bond_staker)");
  const double phi = in.bonded_fraction > 0 ? in.class_stake_fraction / in.bonded_fraction : 0.0;
  const double pref_sum = std::accumulate(p_.class_pref.begin(), p_.class_pref.end(), 0.0);
  for (int t = 1; t <= kPositions && !bs.empty(); ++t) {
    double wsum = 0;
    for (std::size_t i = bs.begin + static_cast<std::size_t>(t - 1); i < bs.end; i += kPositions) wsum += w[i];
    if (!(wsum > 0)) continue;
    const int slot = s_.bonds.slot_at(t);
    double cum = 0;
    for (std::size_t i = bs.begin + static_cast<std::size_t>(t - 1); i < bs.end; i += kPositions) {
      const double a = bonded / kPositions * w[i] / wsum;
      a_.units[i] = a;  // index 1 at launch
      a_.pos[i] = t;
      s_.bonds.units[slot] += a;
      // Class selection, stratified over the position's A so that the class totals follow
      // class_stake_fraction × class_pref.
      const double u = (cum + 0.5 * a) / (bonded / kPositions);
      cum += a;
      if (u < phi) {
        double c = u / phi * pref_sum, acc = 0;
        int k = 0;
        for (; k < n_cls_ - 1; ++k) {
          acc += p_.class_pref[static_cast<std::size_t>(k)];
          if (c < acc) break;
        }
        a_.cls[i] = static_cast<std::uint8_t>(k);
        s_.bonds.units_cls(slot, k) += a;
      }
    }
  }
  if (bonded > 0 && !(s_.bonds.units.sum() > 0))
    throw InputError("klima2.initial.bonded_fraction: too few bond stakers to hold the bonds");
  // LPs: the pool by agents.lp.aq_share; AQ's shares (but the protocol's aq_min_shares) to the AQ LPs.
  const agents::TypeRange lps = R[lp];
  std::vector<double> u(n, 0.0);
  if (!lps.empty()) agents::sample_column(Distribution::uniform(0, 1), ctx_.key, kColLpPool, lps, u.data());
  double aq_w = 0;
  for (std::size_t i = lps.begin; i < lps.end; ++i) {
    a_.cls[i] = u[i] < p_.lp_aq_share ? pool_aq : pool_ag;
    if (a_.cls[i] == pool_aq) aq_w += w[i];
  }
  const double L_aq = aq_.shares();
  s_.proto_aq_shares = aq_w > 0 ? p_.aq_min_shares * L_aq : L_aq;
  for (std::size_t i = lps.begin; i < lps.end; ++i)
    if (a_.cls[i] == pool_aq && aq_w > 0) a_.units[i] = (L_aq - s_.proto_aq_shares) * w[i] / aq_w;
  // Liquid A by weight: liquid holders, G stakers and the AG LPs (who hold it liquid until their
  // vested G lets them add to AG; a model choice, docs/klima2.md).
  {
    const auto liquid_holder_of = [&](std::size_t i) {
      return (i >= R[liquid_holder].begin && i < R[liquid_holder].end) || (i >= R[g_staker].begin && i < R[g_staker].end) ||
             (i >= lps.begin && i < lps.end && a_.cls[i] == pool_ag);
    };
    double wsum = 0;
    for (std::size_t i = R[liquid_holder].begin; i < lps.end; ++i)
      if (liquid_holder_of(i)) wsum += w[i];
    if (liquid > 0 && !(wsum > 0))
      throw InputError("klima2.initial: the holders' liquid A needs liquid holders, G stakers or AG LPs (agents.mix)");
    for (std::size_t i = R[liquid_holder].begin; i < lps.end; ++i)
      if (liquid_holder_of(i)) a_.a_liq[i] = liquid * w[i] / wsum;
  }
  // AG: the Treasury's and 01X's shares, locked at ag_lock_position.
  s_.proto_ag_shares = ag_.shares();
  s_.proto_ag_pos = in.ag_lock_position;
  s_.bonds.lock_shares[pool_ag][s_.bonds.slot_at(in.ag_lock_position)] = s_.proto_ag_shares;

  // Carbon (§5.0): liquid and forward tonnes, then the prices (aam_mid by default).
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    s_.carbon.liquid[k] = in.tonnes_liquid[k];
    for (int t = 1; t <= kPositions; ++t) s_.bonds.c_fwd(s_.bonds.slot_at(t), c) = in.tonnes_forward[k] / kPositions;
    s_.carbon.initial[k] = in.tonnes_liquid[k] + in.tonnes_forward[k];
  }
  // G (§5.0): the TGE's incentive_pool·P(0) to the Treasury (G = 0, so I_T = 1).
  const double tge = p_.g.incentive_pool * g_curve_.P(0.0);
  s_.g.unissued = p_.g.incentive_pool - tge;
  s_.g.issued = tge;
  s_.g.unvested_h = p_.g.holder_vesting;
  s_.g.unvested_o = p_.g.other_vesting;
  s_.g.treasury = p_.g.supply - p_.g.incentive_pool - p_.g.holder_vesting - p_.g.other_vesting - in.ag_g + tge;
  daily_curve(false);  // the curve at launch, no minting (§5.0)
  const double P_A = price_a();
  const std::vector<double> Ai = class_shares();
  double priced_sum = 0, priced_n = 0;
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    double p0;
    if (!p_.price0.empty()) {
      p0 = p_.price0[k];
    } else {
      const Quote qt = quote(Ai[k], 0.0);
      const double cb = c_bar(c);
      p0 = cb > 0 && s_.carbon.liquid[k] > 0 ? 0.5 * (bid(qt, s_.n_a, cb) + ask(qt, s_.n_a, s_.carbon.liquid[k])) * P_A : 0.0;
    }
    s_.carbon.ln_price[k] = p0 > 0 ? std::log(p0) : 0.0;
    if (p0 > 0) priced_sum += p0, priced_n += 1;
  }
  // A class without a quote at launch (A_i = 0 or no tonnes) takes the mean of the others (or 1 USD/t).
  for (int c = 0; c < n_cls_; ++c)
    if (s_.carbon.ln_price[static_cast<std::size_t>(c)] == 0.0)
      s_.carbon.ln_price[static_cast<std::size_t>(c)] = std::log(priced_n > 0 ? priced_sum / priced_n : 1.0);

  // USDC grants and cost bases.
  begin_decide(0);
  for (int t = 0; t < kHolderTypes; ++t)
    for (std::size_t i = R[static_cast<std::size_t>(t)].begin; i < R[static_cast<std::size_t>(t)].end; ++i) {
      const double held_a = a_.a_liq[i] + (t == bond_staker ? a_.units[i] : 0.0) +
                            (t == lp && a_.cls[i] == pool_aq ? a_.units[i] / L_aq * aq_.token_reserve() : 0.0);
      a_.init_a[i] = static_cast<float>(held_a);
      if (t != lp) a_.q[i] = p_.usdc_per_a * held_a;
    }
  for (int t = 0; t < kNumTypes; ++t)
    for (std::size_t i = R[static_cast<std::size_t>(t)].begin; i < R[static_cast<std::size_t>(t)].end; ++i)
      a_.cost[i] = static_cast<float>(wealth(i, t));
  init_a_sum_ = 0;
  for (std::size_t i = 0; i < R[lp].end; ++i) init_a_sum_ += static_cast<double>(a_.init_a[i]);
  usdc0_ = aq_.quote_reserve() + agents::fixed_sum(a_.q.data(), 0, n);
  p_a0_ = P_A;
  const double nav = nav_a();
  pi0_ = nav > 0 ? P_A / nav : 1.0;
  spot_day_.push(P_A);
  spot_week_.push(P_A);
  spot_week_sum_ = P_A;
  p_bar_max_ = min_p_bar_ = P_A;
  n_a_day_start_ = s_.n_a;
  fees_aq_day0_ = aq_.fees_value();
  fees_ag_day0_ = ag_.fees_value();
}

// ---------------------------------------------------------------------------------------------
// Shared values.

double Klima2Path::bond_value(std::size_t i) const {
  const std::int32_t k = a_.pos[i];
  return k >= 0 ? a_.units[i] * s_.bonds.index[BondBook::slot(k)] : 0.0;
}

double Klima2Path::wealth(std::size_t i, int type) const {
  const double P = dec_.p_a, Pg = dec_.p_g_a * P;
  double a = a_.a_liq[i], usd = a_.q[i] + a_.tonnes[i] * dec_.p_bar, g = a_.g_liq[i];
  if (type == bond_staker) a += bond_value(i);
  if (type == g_staker) g += a_.units[i];
  if (type == lp && a_.units[i] > 0) {
    const auto& pool = a_.cls[i] == pool_aq ? aq_ : ag_;
    const double share = a_.units[i] / pool.shares();
    if (a_.cls[i] == pool_aq) a += share * pool.token_reserve(), usd += share * pool.quote_reserve();
    else a += share * pool.quote_reserve(), g += share * pool.token_reserve();
  }
  return P * a + Pg * g + usd;
}

double Klima2Path::c_bar(int cls) const {
  double fwd = 0;
  for (int t = 1; t <= kPositions; ++t) fwd += s_.curve.B[t - 1] * s_.bonds.c_fwd(s_.bonds.slot_at(t), cls);
  return s_.carbon.liquid[static_cast<std::size_t>(cls)] + fwd;  // KL16
}

double Klima2Path::nav_a() const {
  double v = 0;
  for (int c = 0; c < n_cls_; ++c) v += std::exp(s_.carbon.ln_price[static_cast<std::size_t>(c)]) * c_bar(c);
  return s_.n_a > 0 ? v / s_.n_a : 0.0;
}

PositionArray Klima2Path::bucket_values() const {
  PositionArray A;
  for (int t = 1; t <= kPositions; ++t) {
    const int sl = s_.bonds.slot_at(t);
    A[t - 1] = s_.bonds.units[sl] * s_.bonds.index[sl];
  }
  return A;
}

PositionArray Klima2Path::expiries() const {
  if (!p_.expiry_exact) return E_label_;
  // The true time to expiry: the bucket at position t matures at the (t)-th next roll.
  const double roll_years = static_cast<double>(p_.roll_period) / (365.0 * 86400.0);
  const double into = static_cast<double>(now_ % p_.roll_period) / (365.0 * 86400.0);
  PositionArray E;
  for (int t = 1; t <= kPositions; ++t) E[t - 1] = std::max(1e-9, t * roll_years - into);
  return E;
}

std::vector<double> Klima2Path::class_shares() const {
  std::vector<double> A(static_cast<std::size_t>(n_cls_), 0.0);
  for (int t = 1; t <= kPositions; ++t) {
    const int sl = s_.bonds.slot_at(t);
    for (int c = 0; c < n_cls_; ++c) A[static_cast<std::size_t>(c)] += s_.bonds.index[sl] * s_.bonds.units_cls(sl, c);
  }
  for (double& x : A) x /= s_.n_a;
  return A;
}

std::vector<double> Klima2Path::g_class_shares() const {
  const double ngc = n_gc();
  std::vector<double> G(static_cast<std::size_t>(n_cls_), 0.0);
  for (int c = 0; c < n_cls_; ++c) G[static_cast<std::size_t>(c)] = ngc > 0 ? s_.g.staked_cls[static_cast<std::size_t>(c)] / ngc : 0.0;
  return G;
}

double Klima2Path::holder_liquid_a() const { return agents::fixed_sum(a_.a_liq.data(), 0, pop_->ranges[lp].end); }

void Klima2Path::credit_bond(std::size_t i) {
  const std::int32_t k = a_.pos[i];
  if (k < 0) return;
  const int sl = BondBook::slot(k);
  const double u = a_.units[i];
  a_.tonnes[i] += u * (s_.bonds.rps_c[sl] - a_.snap_c[i]);
  a_.g_liq[i] += u * (s_.bonds.rps_g[sl] - a_.snap_g[i]);
  a_.a_liq[i] += u * (s_.bonds.rps_a[sl] - a_.snap_a[i]);
  a_.snap_c[i] = s_.bonds.rps_c[sl];
  a_.snap_g[i] = s_.bonds.rps_g[sl];
  a_.snap_a[i] = s_.bonds.rps_a[sl];
}

void Klima2Path::credit_lock(std::size_t i) {
  const std::int32_t k = a_.pos[i];
  if (k < 0) return;
  const int sl = BondBook::slot(k), pool = a_.cls[i];
  const double u = a_.units[i];
  a_.a_liq[i] += u * (s_.bonds.rps_lp_a[pool][sl] - a_.snap_a[i]);
  a_.g_liq[i] += u * (s_.bonds.rps_lp_g[pool][sl] - a_.snap_g[i]);
  a_.snap_a[i] = s_.bonds.rps_lp_a[pool][sl];
  a_.snap_g[i] = s_.bonds.rps_lp_g[pool][sl];
}

void Klima2Path::credit_protocol_ag() {
  if (s_.proto_ag_pos < 0) return;
  const int sl = BondBook::slot(s_.proto_ag_pos);
  s_.protocol_a += s_.proto_ag_shares * (s_.bonds.rps_lp_a[pool_ag][sl] - s_.proto_snap_a);
  s_.g.treasury += s_.proto_ag_shares * (s_.bonds.rps_lp_g[pool_ag][sl] - s_.proto_snap_g);
  s_.proto_snap_a = s_.bonds.rps_lp_a[pool_ag][sl];
  s_.proto_snap_g = s_.bonds.rps_lp_g[pool_ag][sl];
}

// ---------------------------------------------------------------------------------------------
// Phase 1 (5.1): exogenous processes, carbon prices, this step's drains.
void Klima2Path::begin_step(std::int64_t t) {
  now_ = t * ctx_.dt_seconds;
  if (trade_steps_ > 0 && t % trade_steps_ == 0) open_period();
  exo_.advance(t, s_.n_a);
  advance_carbon_prices(t);
  drain_[pool_aq] = drain_[pool_ag] = 0;
  for (std::size_t k = 0; k < sc_.market.shocks.size(); ++k) {
    const auto& sh = sc_.market.shocks[k];
    if (sh.kind != market::ShockKind::liquidity_drain || !exo_.shock_active(k)) continue;
    const int pool = sh.target == "ag" ? pool_ag : pool_aq;
    const double keep = std::pow(1.0 - sh.size, 1.0 / static_cast<double>(exo_.shock_steps(k)));
    drain_[pool] = 1.0 - (1.0 - drain_[pool]) * keep;
  }
  holder_liquid_start_ = holder_liquid_a();
  shares_start_ = {aq_.shares(), ag_.shares()};
  removed_step_ = {0.0, 0.0};
  seller_sales_.swap(seller_sales_next_);
  seller_sales_next_.clear();
}

// 5.1: ln p_i += −½σ²dt + σ√dt·(c·ε_M + √(1−c²)·ε_i); ε_M is the market factor's step shock,
// normalised (its log return over the step in units of σ_M√dt), and carbon_crash shocks add
// ln(1 + size)/n on each active step (§7).
void Klima2Path::advance_carbon_prices(std::int64_t t) {
  const double dt_y = static_cast<double>(ctx_.dt_seconds) / (365.0 * 86400.0);
  const double sig = p_.carbon_vol, c = p_.market_corr;
  const double sm = sc_.market.factor.sigma * std::sqrt(dt_y);
  const double eps_m = sm > 0 ? exo_.log_return(ctx_.dt_seconds) / sm : 0.0;
  rng::Sequence q(ctx_.key, rng::Purpose::protocol, static_cast<std::uint64_t>(t), 0);
  for (int k = 0; k < n_cls_; ++k) {
    const double eps = q.normal();
    s_.carbon.ln_price[static_cast<std::size_t>(k)] +=
        -0.5 * sig * sig * dt_y + sig * std::sqrt(dt_y) * (c * eps_m + std::sqrt(1 - c * c) * eps);
  }
  for (std::size_t k = 0; k < sc_.market.shocks.size(); ++k) {
    const auto& sh = sc_.market.shocks[k];
    if (sh.kind != market::ShockKind::carbon_crash || !exo_.shock_active(k)) continue;
    const double d = std::log1p(sh.size) / static_cast<double>(exo_.shock_steps(k));
    if (sh.target.empty()) {
      for (double& lp : s_.carbon.ln_price) lp += d;
    } else {
      std::size_t pos = 0;  // "1,3": 1-based classes (validated by the schema)
      while (pos < sh.target.size()) {
        const std::size_t comma = std::min(sh.target.find(',', pos), sh.target.size());
        const long cls = std::strtol(sh.target.c_str() + pos, nullptr, 10);
        if (cls >= 1 && cls <= n_cls_) s_.carbon.ln_price[static_cast<std::size_t>(cls - 1)] += d;
        pos = comma + 1;
      }
    }
  }
}

// §6 common signals at the start-of-step state.
void Klima2Path::signals(std::int64_t t, double* sig, double* own_lo, double* own_hi) {
  (void)t;
  (void)own_lo;
  (void)own_hi;
  const double P = price_a();
  const double p_bar = aq_twap_.twap_trailing(86400);
  const double nav = nav_a();
  sig[sig_dev] = nav > 0 ? p_bar / (pi0_ * nav) - 1.0 : 0.0;
  sig[sig_mom] = std::log(P / spot_day_.oldest());
  const double steps_per_year = 365.0 * 86400.0 / static_cast<double>(ctx_.dt_seconds);
  sig[sig_vol] = ret2_week_.empty() ? 0.0 : std::sqrt(std::max(0.0, ret2_sum_) / static_cast<double>(ret2_week_.size()) * steps_per_year);
  sig[sig_mkt] = exo_.log_return_24h();
  sig[sig_apy_bond] = s_.curve.S > 0 ? std::log1p(365.0 * s_.R / (s_.curve.S * s_.n_a)) : 0.0;
  sig[sig_apy_g] = std::log1p(apy_g_);
  sig[sig_apy_lp] = std::log1p(apy_lp_);
  sig[sig_gap] = 0.0;
  std::copy(sig, sig + kNumSignals, sig_);
}

void Klima2Path::begin_decide(std::int64_t t) {
  in_.sell_a = in_.sell_a_holders = in_.buy_q = in_.sell_g = in_.stake_g = in_.unstake_g = 0;
  in_.bond_a.setZero();
  in_.bond_cls.setZero();
  in_.add_a = in_.add_other = in_.remove_shares = {0.0, 0.0};
  for (int p = 0; p < 2; ++p) in_.lock_existing[p].setZero(), in_.lock_add_a[p].setZero();
  std::fill(in_.stake_cls.begin(), in_.stake_cls.end(), 0.0);
  std::fill(in_.unstake_cls.begin(), in_.unstake_cls.end(), 0.0);
  dec_.step = t;
  dec_.p_a = price_a();
  dec_.p_g_a = price_g_in_a();
  double v = 0, c = 0;
  for (int k = 0; k < n_cls_; ++k) {
    const double cb = c_bar(k);
    v += std::exp(s_.carbon.ln_price[static_cast<std::size_t>(k)]) * cb;
    c += cb;
  }
  dec_.p_bar = c > 0 ? v / c : 0.0;
  dec_.liquidated = s_.liquidated;
}

// ---------------------------------------------------------------------------------------------
// The per-agent hooks.

template <int T>
void Klima2Path::own_terms_one(std::size_t i, double* x, bool* allowed) const {
  if constexpr (T == carbon_seller || T == offset_buyer) {
    (void)i;
    (void)x;
    allowed[arrival_accept] = false;
  } else {
    const double W = wealth(i, T);
    const double cost = a_.cost[i];
    x[own_pnl] = cost > 0 ? std::min(3.0, std::max(-1.0, W / cost - 1.0)) : 0.0;
    x[own_loyalty] = (pop_->status[i] & kMaturedFlag) ? 1.0 : 0.0;
    const bool has_a = a_.a_liq[i] > 0, has_g = a_.g_liq[i] > 0;
    if constexpr (T == bond_staker) {
      allowed[bs_bond] = has_a && a_.pos[i] < 0 && !dec_.liquidated;
      allowed[bs_sell_a] = has_a;
      allowed[bs_sell_g] = has_g;
    } else if constexpr (T == liquid_holder) {
      allowed[lh_sell_a] = has_a;
      allowed[lh_buy_a] = a_.q[i] > 0;
      allowed[lh_sell_g] = has_g;
    } else if constexpr (T == g_staker) {
      allowed[gs_stake_g] = has_g && !dec_.liquidated;
      allowed[gs_unstake_g] = a_.units[i] > 0;
      allowed[gs_sell_a] = has_a;
    } else {
      const bool other = a_.cls[i] == pool_aq ? a_.q[i] > 0 : has_g;
      allowed[lp_add] = has_a && other && a_.pos[i] < 0;
      allowed[lp_remove] = a_.pos[i] < 0 && a_.units[i] > 0;
      allowed[lp_sell_a] = has_a;
      allowed[lp_sell_g] = has_g;
    }
  }
}

// Masks and own terms; the cost basis restarts on re-entry (agents.md).
template <int T>
void Klima2Path::prepare(std::size_t i, bool reentered, agents::Decision& d) {
  if (reentered) a_.cost[i] = static_cast<float>(wealth(i, T));
  own_terms_one<T>(i, d.own, d.allowed);
}

// KL46: Pr(t) ∝ exp(κ·Z_t/max Z); κ_i drawn once per agent (klima2.bucket_tilt).
int Klima2Path::draw_position(rng::Sequence& q, double kappa) const {
  const PositionArray cdf = position_cdf(s_.curve, kappa);
  const double u = q.uniform();
  for (int t = 0; t < kPositions; ++t)
    if (u < cdf[t]) return t + 1;
  return kPositions;
}

int Klima2Path::draw_class(rng::Sequence& q) const {
  const double sum = std::accumulate(p_.class_pref.begin(), p_.class_pref.end(), 0.0);
  const double u = q.uniform() * sum;
  double acc = 0;
  for (int c = 0; c < n_cls_ - 1; ++c) {
    acc += p_.class_pref[static_cast<std::size_t>(c)];
    if (u < acc) return c;
  }
  return n_cls_ - 1;
}

// The draws of agent i's decision this step (class, position, lock): their own lane of the
// protocol stream, so they do not depend on which other agents act.
rng::Sequence Klima2Path::agent_draws(std::size_t i) const {
  return rng::Sequence(ctx_.key, rng::Purpose::protocol, static_cast<std::uint64_t>(dec_.step),
                       kLaneAgent + static_cast<std::uint32_t>(i));
}

double Klima2Path::kappa(std::size_t i) const {
  rng::Sequence q(ctx_.key, rng::Purpose::agent_init, kColKappa, static_cast<std::uint32_t>(i));
  return rng::sample(p_.bucket_tilt, q);
}

template <int T>
void Klima2Path::intent(std::size_t i, int action, double f, const agents::Decision& d) {
  (void)d;
  if (sells_a<T>(action)) {
    in_.sell_a += a_.a_liq[i];
    in_.sell_a_holders += a_.a_liq[i];
    return;
  }
  if (sells_g<T>(action)) {
    in_.sell_g += f * a_.g_liq[i];
    return;
  }
  if constexpr (T == bond_staker) {  // bond (5.2): position by KL46, a class with class_select_prob
    rng::Sequence q = agent_draws(i);
    const double a = f * a_.a_liq[i];
    const int t = draw_position(q, kappa(i));
    const int sl = s_.bonds.slot_at(t);
    in_.bond_a[sl] += a;
    a_.pos[i] = static_cast<std::int32_t>(s_.bonds.r + t);
    a_.cls[i] = kNoClass;
    if (q.uniform() < p_.class_select_prob) {
      const int c = draw_class(q);
      in_.bond_cls(sl, c) += a;
      a_.cls[i] = static_cast<std::uint8_t>(c);
    }
  } else if constexpr (T == liquid_holder) {  // buy_a
    in_.buy_q += f * a_.q[i];
  } else if constexpr (T == g_staker) {
    if (action == gs_stake_g) {
      rng::Sequence q = agent_draws(i);
      const int c = draw_class(q);
      in_.stake_g += a_.g_liq[i];
      in_.stake_cls[static_cast<std::size_t>(c)] += a_.g_liq[i];
      a_.cls[i] = static_cast<std::uint8_t>(c);
    } else {  // unstake_g
      in_.unstake_g += a_.units[i];
      in_.unstake_cls[a_.cls[i]] += a_.units[i];
    }
  } else if constexpr (T == lp) {
    const int pool = a_.cls[i];
    if (action == lp_add) {
      // f_i of liquid A matched at the decision's pool ratio (USDC for AQ, G for AG).
      const double other_per_a = pool == pool_aq ? dec_.p_a : 1.0 / dec_.p_g_a;
      const double other = pool == pool_aq ? a_.q[i] : a_.g_liq[i];
      const double a = std::min(f * a_.a_liq[i], other / other_per_a);
      in_.add_a[pool] += a;
      in_.add_other[pool] += a * other_per_a;
      rng::Sequence q = agent_draws(i);
      if (q.uniform() < p_.lp_lock_prob) {  // locked at a KL46 position, with the shares already held
        const int t = draw_position(q, kappa(i));
        const int sl = s_.bonds.slot_at(t);
        in_.lock_existing[pool][sl] += a_.units[i];
        in_.lock_add_a[pool][sl] += a;
        a_.pos[i] = static_cast<std::int32_t>(s_.bonds.r + t);
      }
    } else {  // remove: every unlocked share
      in_.remove_shares[pool] += a_.units[i];
    }
  }
}

// Phase 4a for one agent: the fills of step t (klima2.md §6 amounts).
template <int T>
void Klima2Path::settle(std::size_t i, int action, double f) {
  const Klima2Fills& fl = fill_;
  if (sells_a<T>(action)) {
    a_.q[i] += a_.a_liq[i] * fl.q_per_a_sold;
    a_.a_liq[i] = 0.0;
    return;
  }
  if (sells_g<T>(action)) {
    const double g = f * a_.g_liq[i];
    a_.g_liq[i] -= g;
    a_.a_liq[i] += g * fl.a_per_g_sold;
    return;
  }
  if constexpr (T == bond_staker) {
    const double a = f * a_.a_liq[i];
    const int sl = BondBook::slot(a_.pos[i]);
    a_.a_liq[i] -= a;
    a_.units[i] = a / s_.bonds.index[sl];
    a_.snap_c[i] = s_.bonds.rps_c[sl];
    a_.snap_g[i] = s_.bonds.rps_g[sl];
    a_.snap_a[i] = s_.bonds.rps_a[sl];
  } else if constexpr (T == liquid_holder) {
    const double spend = f * a_.q[i];
    a_.q[i] -= spend;
    a_.a_liq[i] += spend * fl.a_per_q;
  } else if constexpr (T == g_staker) {
    // The intent staked the liquid G of its decision; the rewards of the stake held so far are
    // credited first (they may add liquid G, which stays liquid), then the stake changes.
    const double g = a_.g_liq[i];
    accrue_one<g_staker>(i);
    if (action == gs_stake_g) {
      a_.units[i] += g;
      a_.g_liq[i] -= g;
    } else {
      a_.g_liq[i] += a_.units[i];
      a_.units[i] = 0.0;
      a_.cls[i] = kNoClass;
    }
  } else if constexpr (T == lp) {
    const int pool = a_.cls[i];
    if (action == lp_add) {
      const double other_per_a = fl.other_per_a[pool];
      double& other = pool == pool_aq ? a_.q[i] : a_.g_liq[i];
      const double a = std::min(f * a_.a_liq[i], other / other_per_a);
      a_.a_liq[i] -= a;
      other = std::max(0.0, other - a * other_per_a);
      a_.units[i] += a * fl.shares_per_a[pool];
      if (a_.pos[i] >= 0) {
        const int sl = BondBook::slot(a_.pos[i]);
        a_.snap_a[i] = s_.bonds.rps_lp_a[pool][sl];
        a_.snap_g[i] = s_.bonds.rps_lp_g[pool][sl];
      }
    } else {
      const double s = a_.units[i];
      a_.units[i] = 0.0;
      a_.a_liq[i] += s * fl.a_per_share[pool];
      (pool == pool_aq ? a_.q[i] : a_.g_liq[i]) += s * fl.other_per_share[pool];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 3: the step's flows (§7: AG, then AQ; removes, adds, sells, buys, outside demand), then the
// books. The periodic rules that need the settled state run in after_settle.
void Klima2Path::clear(std::int64_t t) {
  fill_ = Klima2Fills{};
  fill_.other_per_a = {dec_.p_a, 1.0 / dec_.p_g_a};
  std::fill(offset_a_.begin(), offset_a_.end(), 0.0);
  std::fill(burn_a_.begin(), burn_a_.end(), 0.0);
  if (due(t, trade_steps_) && !s_.liquidated) draw_orders(t);
  const int pieces = std::max(1, sc_.market.sub_swaps);
  // AG (token G, quote A).
  if (in_.remove_shares[pool_ag] > 0) {
    const double S = in_.remove_shares[pool_ag];
    const market::LiquidityRemoved r = ag_.remove_liquidity(S, S);
    fill_.a_per_share[pool_ag] = r.quote / S;
    fill_.other_per_share[pool_ag] = r.token / S;
    removed_step_[pool_ag] += r.shares;
  }
  if (in_.add_a[pool_ag] > 0) {
    const market::LiquidityAdded r = ag_.add_liquidity(in_.add_other[pool_ag], in_.add_a[pool_ag]);
    fill_.shares_per_a[pool_ag] = r.shares / in_.add_a[pool_ag];
  }
  if (in_.sell_g > 0) fill_.a_per_g_sold = ag_.swap_token_in(in_.sell_g, pieces) / in_.sell_g;
  // AQ (token A, quote USDC).
  if (in_.remove_shares[pool_aq] > 0) {
    const double S = in_.remove_shares[pool_aq];
    const market::LiquidityRemoved r = aq_.remove_liquidity(S, S);
    fill_.a_per_share[pool_aq] = r.token / S;
    fill_.other_per_share[pool_aq] = r.quote / S;
    removed_step_[pool_aq] += r.shares;
  }
  if (in_.add_a[pool_aq] > 0) {
    const market::LiquidityAdded r = aq_.add_liquidity(in_.add_a[pool_aq], in_.add_other[pool_aq]);
    fill_.shares_per_a[pool_aq] = r.shares / in_.add_a[pool_aq];
  }
  for (int p = 0; p < 2; ++p)
    s_.bonds.lock_shares[p] += in_.lock_existing[p] + in_.lock_add_a[p] * fill_.shares_per_a[p];
  // Sells: the agents' and the carbon sellers' A (from the last trade period) in one aggregate.
  double seller_a = 0;
  for (const auto& [agent, a] : seller_sales_) seller_a += a;
  const double sell = in_.sell_a + seller_a;
  if (sell > 0) {
    const double rate = aq_.swap_token_in(sell, pieces) / sell;
    fill_.q_per_a_sold = rate;
    for (const auto& [agent, a] : seller_sales_) a_.q[agent] += a * rate;
  }
  sold_holders_step_ = in_.sell_a_holders;
  // Buys: the offset buyers' exact-out purchase (KL43 sized, §7), then the agents'.
  double offset_a = 0;
  for (double a : offset_a_) offset_a += a;
  if (offset_a > 0) {
    const double x = aq_.token_reserve(), y = aq_.quote_reserve();
    const double usdc = amm::amount_in(offset_a, y, x, aq_.fee());  // §7: in = x·out/((y − out)(1 − f)) for A out
    const double got = aq_.swap_quote_in(usdc);
    s_.usdc_in += usdc;
    for (int c = 0; c < n_cls_; ++c) burn_a_[static_cast<std::size_t>(c)] = got * offset_a_[static_cast<std::size_t>(c)] / offset_a;
  }
  if (in_.buy_q > 0) fill_.a_per_q = aq_.swap_quote_in(in_.buy_q, pieces) / in_.buy_q;
  // The outside demand (§7): reference the 7-day mean of P_A; sells capped by what the outside holds.
  const double P = aq_.spot();
  const double Dx = exo_.demand(s_.n_a, spot_week_sum_ / static_cast<double>(spot_week_.size()), P);
  if (Dx > 0) {
    s_.outside_a += aq_.swap_quote_in(Dx, pieces);
    s_.usdc_in += Dx;
  } else if (Dx < 0 && s_.outside_a > 0) {
    const double a = std::min(-Dx / P, s_.outside_a);
    s_.usdc_out += aq_.swap_token_in(a, pieces);
    s_.outside_a -= a;
  }
  book_bonds_and_stakes();
  // Step-end histories.
  const double P_end = aq_.spot();
  aq_twap_.accumulate(P_end);
  ag_twap_.accumulate(ag_.spot());
  const double r = std::log(P_end / spot_day_.back());
  if (ret2_week_.size() == ret2_week_.capacity()) ret2_sum_ -= ret2_week_.oldest();
  ret2_week_.push(r * r);
  ret2_sum_ += r * r;
  spot_day_.push(P_end);
  if (spot_week_.size() == spot_week_.capacity()) spot_week_sum_ -= spot_week_.oldest();
  spot_week_.push(P_end);
  spot_week_sum_ += P_end;
}

// 5.2: bonds into their buckets at today's index, class cells likewise; G stakes.
void Klima2Path::book_bonds_and_stakes() {
  BondBook& b = s_.bonds;
  b.units += in_.bond_a / b.index;
  for (int c = 0; c < n_cls_; ++c) b.units_cls.col(c) += in_.bond_cls.col(c) / b.index;
  s_.g.staked += in_.stake_g - in_.unstake_g;
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    s_.g.staked_cls[k] += in_.stake_cls[k] - in_.unstake_cls[k];
  }
}

bool Klima2Path::needs_settled_state(std::int64_t t) const {
  if (drain_[pool_aq] > 0 || drain_[pool_ag] > 0) return true;
  if (s_.liquidated) return false;
  return due(t, trade_steps_) || due(t, steps_per_day_) || due(t, roll_steps_) || due(t, incentive_steps_);
}

// ---------------------------------------------------------------------------------------------
// Phase 5 (§8).
void Klima2Path::observe(std::int64_t t) {
  const double p_bar = aq_twap_.twap_trailing(86400);
  framework::require_finite(p_bar, "AQ TWAP", t);
  last_p_bar_ = p_bar;
  framework::require_finite(s_.n_a, "A supply", t);
  p_bar_max_ = std::max(p_bar_max_, p_bar);
  min_p_bar_ = std::min(min_p_bar_, p_bar);
  max_dd_ = std::max(max_dd_, 1.0 - p_bar / p_bar_max_);
  const auto mark = [&](Event e, bool happened) {
    if (happened && first_[e] < 0) first_[e] = t;
  };
  run_window_.push(sold_holders_step_, holder_liquid_start_);
  if (const double base = run_window_.base_at_window_start(); base > 0) {
    const double ratio = run_window_.sum() / base;
    max_run_ratio_ = std::max(max_run_ratio_, ratio);
    mark(e_liquid_run, ratio >= p_.metrics.run_fraction);
  }
  for (int p = 0; p < 2; ++p) {
    flight_window_[p].push(removed_step_[p], shares_start_[p]);
    const double base = flight_window_[p].base_at_window_start();
    if (!(base > 0)) continue;
    const double ratio = flight_window_[p].sum() / base;
    if (p == pool_aq) max_flight_aq_ = std::max(max_flight_aq_, ratio);
    mark(p == pool_aq ? e_lp_flight_aq : e_lp_flight_ag, ratio >= p_.metrics.lp_flight_fraction);
  }
  if (due(t, steps_per_day_)) {
    double backing = 0;
    for (int c = 0; c < n_cls_; ++c) backing += c_bar(c);
    mark(e_backing_breach, backing / s_.n_a < p_.metrics.backing_floor);
    inflation_net_ = 365.0 * (s_.n_a - n_a_day_start_) / s_.n_a;
    n_a_day_start_ = s_.n_a;
  }
  mark(e_price_drawdown, p_bar < p_.metrics.price_floor * p_a0_);
  mark(e_below_nav, p_bar < nav_a());
  mark(e_liquidation, s_.liquidated);
}

void Klima2Path::end_warmup(std::int64_t steps) {
  (void)steps;
  for (auto& f : first_) f = -1;
  const double p_bar = aq_twap_.twap_trailing(86400);
  p_a0_ = p_bar_max_ = min_p_bar_ = p_bar;
  max_dd_ = max_run_ratio_ = max_flight_aq_ = 0;
  seller_pv_ = offset_retired_ = 0;
  minted_purchase0_ = s_.minted_purchase;
  burned0_ = s_.burned;
  run_window_ = TrailingWindow(run_window_.capacity());
  for (auto& w : flight_window_) w = TrailingWindow(w.capacity());
}

void Klima2Path::series(double* out) const {
  double locked_aq = 0, locked_ag = 0, backing_pv = 0, backing_liquid = 0;
  for (int t = 1; t <= kPositions; ++t) {
    locked_aq += s_.bonds.lock_shares[pool_aq][s_.bonds.slot_at(t)];
    locked_ag += s_.bonds.lock_shares[pool_ag][s_.bonds.slot_at(t)];
  }
  for (int c = 0; c < n_cls_; ++c) {
    backing_pv += c_bar(c);
    backing_liquid += s_.carbon.liquid[static_cast<std::size_t>(c)];
  }
  const auto total = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); };
  const double p_bar = aq_twap_.twap_trailing(86400), ngc = n_gc();
  const double vals[kNumSeries] = {p_bar,
                                   ag_.spot() * p_bar,
                                   s_.n_a,
                                   s_.curve.S,
                                   s_.a_cls,
                                   s_.beta,
                                   s_.R,
                                   s_.R_lambda,
                                   365.0 * (s_.R + s_.R_lambda) / s_.n_a,
                                   inflation_net_,
                                   backing_pv / s_.n_a,
                                   backing_liquid / s_.n_a,
                                   nav_a(),
                                   total(s_.carbon.bought),
                                   total(s_.carbon.retired),
                                   total(s_.carbon.yielded),
                                   total(s_.carbon.defaulted),
                                   s_.carbon.rejected,
                                   aq_.token_reserve(),
                                   aq_.quote_reserve(),
                                   ag_.quote_reserve(),
                                   ag_.token_reserve(),
                                   locked_aq / aq_.shares(),
                                   locked_ag / ag_.shares(),
                                   ngc,
                                   ngc > 0 ? s_.g.staked / ngc : 0.0,
                                   s_.incent_treasury,
                                   s_.lambda_gg,
                                   s_.gov_lp_share};
  std::copy(vals, vals + kNumSeries, out);
}

void Klima2Path::finals(double* out) const {
  double backing = 0;
  for (int c = 0; c < n_cls_; ++c) backing += c_bar(c);
  out[f_min_p_a] = min_p_bar_;
  out[f_max_drawdown] = max_dd_;
  out[f_final_backing_pv] = backing / s_.n_a;
  out[f_seller_tonnes] = seller_pv_;
  out[f_offset_tonnes] = offset_retired_;
  out[f_minted_purchase] = s_.minted_purchase - minted_purchase0_;
  out[f_burned] = s_.burned - burned0_;
  out[f_max_liquid_sold_7d] = max_run_ratio_;
  out[f_max_aq_removed_7d] = max_flight_aq_;
}

void Klima2Path::events(std::int64_t* first) const { std::copy(first_, first_ + kNumEvents, first); }

#define STAMPEDE_KLIMA2_HOOKS(T)                                                  \
  template void Klima2Path::settle<T>(std::size_t, int, double);                 \
  template void Klima2Path::own_terms_one<T>(std::size_t, double*, bool*) const; \
  template void Klima2Path::prepare<T>(std::size_t, bool, agents::Decision&);    \
  template void Klima2Path::intent<T>(std::size_t, int, double, const agents::Decision&);
STAMPEDE_KLIMA2_HOOKS(bond_staker)
STAMPEDE_KLIMA2_HOOKS(liquid_holder)
STAMPEDE_KLIMA2_HOOKS(g_staker)
STAMPEDE_KLIMA2_HOOKS(lp)
STAMPEDE_KLIMA2_HOOKS(carbon_seller)
STAMPEDE_KLIMA2_HOOKS(offset_buyer)
#undef STAMPEDE_KLIMA2_HOOKS

}  // namespace stampede::klima2
