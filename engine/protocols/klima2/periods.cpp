// Klima 2.0's periodic rules (klima2.md §4–§5), run in after_settle on the settled state, in the
// spec's order: the portfolio manager (5.3), the daily curve, premium and carbon yield (5.4), the
// roll (5.5), G incentives and vesting (5.6); and liquidity-drain shocks (§7). The order arrivals
// of a trade period are drawn in clear (their buyers trade on AQ in that step).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "agents/logit.hpp"
#include "engine/protocols/klima2/path.hpp"
#include "engine/protocols/klima2/portfolio.hpp"
#include "engine/protocols/klima2/premium.hpp"
#include "engine/random/distributions.hpp"

namespace stampede::klima2 {
namespace {
constexpr std::uint8_t kMaturedFlag = std::uint8_t{1} << agents::kProtocolFlagShift;
constexpr std::uint32_t kLaneReselect = 0x40000000u;
}  // namespace

// §6 arrivals: P(accept) = ρ_i·σ((h_i·Σ_k w_k·s_k + b_i)/T) with the step's common signals and the
// order's gap (default: score = 40·gap, ρ = h = T = 1).
double Klima2Path::accept_probability(int type, std::size_t agent, double gap) const {
  const agents::TypeParams& tp = behaviour_.type[static_cast<std::size_t>(type)];
  const agents::ActionParams& ap = tp.action[arrival_accept];
  double s = 0;
  for (int k = 0; k < kNumSignals; ++k) s += ap.w[static_cast<std::size_t>(k)] * (k == sig_gap ? gap : k == sig_exit_prev ? 0.0 : sig_[k]);
  const double z = static_cast<double>(pop_->sensitivity[agent]) * s + static_cast<double>(pop_->bias[arrival_accept][agent]);
  return static_cast<double>(pop_->attention[agent]) * agents::sigmoid(z / tp.temperature);
}

// The opening state of a trade period (§5.3), taken at its first step's start.
void Klima2Path::open_period() {
  PeriodOpening& o = open_;
  o.p_a = aq_.spot();
  o.n_a = s_.n_a;
  o.x_aq = aq_.token_reserve();
  o.B = s_.curve.B;
  const auto n = static_cast<std::size_t>(n_cls_);
  o.price.resize(n);
  o.c_bar.resize(n);
  o.c_liquid.resize(n);
  o.a_i.resize(n);
  o.quote.resize(n);
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    o.price[k] = std::exp(s_.carbon.ln_price[k]);
    o.c_bar[k] = c_bar(c);
    o.c_liquid[k] = s_.carbon.liquid[k];
    o.a_i[k] = s_.a_i[k];
    o.quote[k] = quote(s_.a_i[k], s_.g_i[k]);
  }
}

// Seller's gap (§6) at the period's opening: (B_t·bid_i·P_A − p_i·e^(−ρE_t)) / (p_i·e^(−ρE_t));
// spot: t = 0, B = 1, E = 0.
double Klima2Path::order_gap_seller(int cls, int position) const {
  const auto k = static_cast<std::size_t>(cls);
  const double E = position > 0 ? E_label_[position - 1] : 0.0;
  const double B = position > 0 ? open_.B[position - 1] : 1.0;
  const double fair = open_.price[k] * std::exp(-p_.seller.discount_rate * E);
  const Quote& q = open_.quote[k];
  // An empty class (C̄ = 0) pays KL20's ΔA for a tonne: its marginal bid is k_b²·N_A per tonne.
  const double b = open_.c_bar[k] > 0 ? bid(q, open_.n_a, open_.c_bar[k]) : q.k_b * q.k_b * open_.n_a;
  return (B * b * open_.p_a - fair) / fair;
}

// Buyer's gap (§6) at the period's opening: (p_i − ask_i·P_A)/p_i.
double Klima2Path::order_gap_buyer(int cls) const {
  const auto k = static_cast<std::size_t>(cls);
  return (open_.price[k] - ask(open_.quote[k], open_.n_a, open_.c_liquid[k]) * open_.p_a) / open_.price[k];
}

// 5.3's orders of the period, decided on its opening state: arrivals N ~ Poisson(rate·period) per
// class and side (stream `arrivals`, lane = class for sellers, 64 + class for buyers), sizes, agents,
// acceptance; buyers' tonnes capped by max_retire_fraction·C_i0 and their A (KL43) by
// offset.max_pool_fraction·x_aq.
void Klima2Path::draw_orders(std::int64_t t) {
  seller_orders_.clear();
  buyer_orders_.clear();
  const double days = static_cast<double>(p_.trade_period) / 86400.0;
  const agents::TypeRange sellers = pop_->ranges[carbon_seller], buyers = pop_->ranges[offset_buyer];
  std::vector<double>& D = offset_tonnes_;
  std::fill(D.begin(), D.end(), 0.0);
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    const bool priced = open_.a_i[k] > 0;
    if (!priced && (s_.carbon.liquid[k] > 0 || s_.bonds.c_fwd.col(c).sum() > 0) && first_[e_unpriced_class] < 0)
      first_[e_unpriced_class] = t;
    if (!sellers.empty()) {
      rng::Sequence q(ctx_.key, rng::Purpose::arrivals, static_cast<std::uint64_t>(t), static_cast<std::uint32_t>(c));
      const std::uint64_t n = rng::poisson(q, p_.seller.rate[k] * days);
      for (std::uint64_t j = 0; j < n; ++j) {
        SellerOrder o;
        o.cls = c;
        o.tonnes = rng::sample(p_.seller.size, q);
        o.position = q.uniform() < p_.seller.spot_prob
                         ? 0
                         : static_cast<int>(rng::uniform_int(q, p_.seller.forward_min, p_.seller.forward_max));
        o.agent = sellers.begin + static_cast<std::size_t>(rng::uniform_int(q, 0, static_cast<std::int64_t>(sellers.size()) - 1));
        o.sell_fraction = rng::sample(p_.seller.sell_fraction, q);
        const double u = q.uniform();
        if (!priced) {
          s_.carbon.rejected += 1;
          continue;
        }
        if (u >= accept_probability(carbon_seller, o.agent, order_gap_seller(c, o.position))) continue;
        o.pv = (o.position > 0 ? open_.B[o.position - 1] : 1.0) * o.tonnes;
        if (seller_orders_.size() < kMaxOrders) seller_orders_.push_back(o);
      }
    }
    if (!buyers.empty()) {
      rng::Sequence q(ctx_.key, rng::Purpose::arrivals, static_cast<std::uint64_t>(t), 64u + static_cast<std::uint32_t>(c));
      const std::uint64_t n = rng::poisson(q, p_.buyer.rate[k] * days);
      for (std::uint64_t j = 0; j < n; ++j) {
        BuyerOrder o;
        o.cls = c;
        o.tonnes = rng::sample(p_.buyer.size, q);
        o.agent = buyers.begin + static_cast<std::size_t>(rng::uniform_int(q, 0, static_cast<std::int64_t>(buyers.size()) - 1));
        const double u = q.uniform();
        if (!priced || !(open_.c_liquid[k] > 0)) {
          s_.carbon.rejected += 1;
          continue;
        }
        if (u >= accept_probability(offset_buyer, o.agent, order_gap_buyer(c))) continue;
        if (buyer_orders_.size() < kMaxOrders) buyer_orders_.push_back(o), D[k] += o.tonnes;
      }
    }
  }
  // Caps: tonnes per class (max_retire_fraction·C_i0), then the period's A against x_aq.
  std::vector<double> scale(static_cast<std::size_t>(n_cls_), 1.0);
  double total_a = 0;
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    if (!(D[k] > 0)) continue;
    const double cap = p_.max_retire_fraction * open_.c_liquid[k];
    if (D[k] > cap) scale[k] = cap / D[k], D[k] = cap;
    offset_a_[k] = offset_cost(open_.quote[k], open_.n_a, open_.c_liquid[k], D[k]);  // KL43
    total_a += offset_a_[k];
  }
  const double cap_a = p_.offset_max_pool_fraction * open_.x_aq;
  if (total_a > cap_a) {
    // Scale every order by the same factor: tonnes and KL43's A (recomputed for the smaller D).
    const double f = cap_a / total_a;
    for (int c = 0; c < n_cls_; ++c) {
      const auto k = static_cast<std::size_t>(c);
      if (!(D[k] > 0)) continue;
      D[k] *= f;
      scale[k] *= f;
      offset_a_[k] = offset_cost(open_.quote[k], open_.n_a, open_.c_liquid[k], D[k]);
    }
  }
  for (BuyerOrder& o : buyer_orders_) o.tonnes *= scale[static_cast<std::size_t>(o.cls)];
}

void Klima2Path::after_settle(std::int64_t t) {
  for (int p = 0; p < 2; ++p)
    if (drain_[p] > 0) apply_drain(p, drain_[p]);
  if (s_.liquidated) return;
  if (due(t, trade_steps_)) portfolio_period(t);
  if (s_.liquidated) return;
  if (due(t, steps_per_day_)) daily_curve(true);
  if (due(t, roll_steps_)) roll();
  if (due(t, incentive_steps_)) incentives(t);
  if (due(t, steps_per_day_)) reselect(t);
}

// 5.3, classes in order: purchases (KL16–KL20), then offset sales (KL21–KL22) with the A bought on
// AQ in this step's clear; then the resale of last period's yielded tonnes (resell_fraction).
void Klima2Path::portfolio_period(std::int64_t t) {
  (void)t;
  const std::vector<double> Gi = g_class_shares();
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    // A_i as N_A stands when class i runs (earlier classes' mints and burns moved it).
    const Quote q = quote(class_shares()[k], Gi[k]);
    // Purchase: every accepted seller order of the class, plus the resale, in one aggregate.
    double pv = s_.carbon.resale[k];
    for (const SellerOrder& o : seller_orders_)
      if (o.cls == c) pv += o.pv;
    if (pv > 0 && q.k_b > 0) {
      const double minted = purchase_fraction(q, c_bar(c), pv) * s_.n_a;
      s_.n_a += minted;
      s_.minted_purchase += minted;
      for (const SellerOrder& o : seller_orders_) {
        if (o.cls != c) continue;
        const double a = minted * o.pv / pv;
        a_.a_liq[o.agent] += a * (1.0 - o.sell_fraction);
        if (o.sell_fraction > 0) seller_sales_next_.emplace_back(o.agent, a * o.sell_fraction);
        if (o.position == 0) s_.carbon.liquid[k] += o.tonnes;
        else s_.bonds.c_fwd(s_.bonds.slot_at(o.position), c) += o.tonnes;
        s_.carbon.bought[k] += o.tonnes;
        seller_pv_ += o.pv;
      }
      // The resold carbon yield: spot tonnes; its A to the bonds by the KL11 weights.
      if (const double rs = s_.carbon.resale[k]; rs > 0) {
        const double a = minted * rs / pv;
        s_.carbon.liquid[k] += rs;
        s_.carbon.bought[k] += rs;
        const PositionArray v = bond_weights(s_.curve, s_.S_t);
        if (v.sum() > 0) {
          for (int p = 1; p <= kPositions; ++p) {
            const int sl = s_.bonds.slot_at(p);
            if (v[p - 1] > 0 && s_.bonds.units[sl] > 0) s_.bonds.rps_a[sl] += a * v[p - 1] / s_.bonds.units[sl];
          }
        } else {
          s_.protocol_a += a;
        }
        s_.carbon.resale[k] = 0;
      }
    }
    // Offsets: burn what the buyers bought; KL47 when a burn reaches N_A.
    if (const double burn = burn_a_[k]; burn > 0) {
      const Quote qs = quote(class_shares()[k], Gi[k]);
      const double dA = burn / s_.n_a;
      const double retired = -retire_fraction(qs, dA) * s_.carbon.liquid[k];
      s_.carbon.liquid[k] -= retired;
      s_.carbon.retired[k] += retired;
      offset_retired_ += retired;
      double asked = 0;
      for (const BuyerOrder& o : buyer_orders_)
        if (o.cls == c) asked += o.tonnes;
      for (const BuyerOrder& o : buyer_orders_)
        if (o.cls == c && asked > 0) a_.tonnes[o.agent] += retired * o.tonnes / asked;
      if (dA >= 1.0) {  // KL47: the whole supply burned
        s_.burned += s_.n_a;
        s_.n_a = 0;
        liquidate();
        return;
      }
      s_.n_a -= burn;
      s_.burned += burn;
    }
  }
}

// KL47: every remaining tonne (liquid and forward, every class) to the G holders pro rata — G in AG
// counts for its LPs (the Treasury's launch shares for the Treasury) — and no protocol event after.
void Klima2Path::liquidate() {
  double tonnes = 0;
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    const double held = s_.carbon.liquid[k] + s_.bonds.c_fwd.col(c).sum();
    s_.carbon.liquidated[k] += held;
    tonnes += held;
    s_.carbon.liquid[k] = 0;
    s_.bonds.c_fwd.col(c).setZero();
  }
  const double ngc = n_gc();
  if (ngc > 0 && tonnes > 0) {
    const double per_g = tonnes / ngc, g_per_ag_share = ag_.token_reserve() / ag_.shares();
    double paid = 0;
    for (std::size_t i = 0; i < pop_->size(); ++i) {
      double g = a_.g_liq[i];
      if (i >= pop_->ranges[g_staker].begin && i < pop_->ranges[g_staker].end) g += a_.units[i];
      if (i >= pop_->ranges[lp].begin && i < pop_->ranges[lp].end && a_.cls[i] == pool_ag) g += a_.units[i] * g_per_ag_share;
      a_.tonnes[i] += per_g * g;
      paid += per_g * g;
    }
    s_.carbon.protocol_tonnes += tonnes - paid;  // the Treasury's, `other`'s and the launch AG shares'
  }
  s_.liquidated = true;
}

// The curve, the class shares and the premium's shares from the book as it is now (5.4's reads):
// at each day's start of 5.4 and after a roll, so that the positional weights (v_t, G_t, Q_t) of
// the incentives and resales that follow match the shifted positions.
void Klima2Path::refresh_curve() {
  s_.S_t = bucket_values() / s_.n_a;
  s_.curve = yield_curve(s_.S_t, expiries());
  s_.a_i = class_shares();
  s_.g_i = g_class_shares();
  s_.a_cls = std::accumulate(s_.a_i.begin(), s_.a_i.end(), 0.0);
  s_.b = premium_discount(s_.curve, s_.S_t);
  s_.beta = beta(s_.a_i, s_.g_i);
  const double ngc = n_gc();
  const double A_Q = aq_.token_reserve() / s_.n_a, A_G = ag_.quote_reserve() / s_.n_a;
  const double G_G = ngc > 0 ? ag_.token_reserve() / ngc : 0.0;
  const double sum_G = std::accumulate(s_.g_i.begin(), s_.g_i.end(), 0.0);
  lambda_ = premium_shares(A_Q, A_G, G_G, sum_G);
  s_.lambda_gg = lambda_.gg;
  PositionArray A_Gt;  // KL12–KL14: A of the AG shares locked at each position, over N_A
  for (int t = 1; t <= kPositions; ++t)
    A_Gt[t - 1] = s_.bonds.lock_shares[pool_ag][s_.bonds.slot_at(t)] / ag_.shares() * ag_.quote_reserve() / s_.n_a;
  s_.gov_lp_share = governance_weights(s_.curve, s_.S_t, A_Gt).W.sum();
}

// 5.4: the curve from the staking shape, the bonds' synthetic yield (KL9), the risk premium (KL23–
// KL31) and the carbon yield (KL15, KL42). mint = false at launch (§5.0: the curve only).
void Klima2Path::daily_curve(bool mint) {
  refresh_curve();
  const PositionArray A_t = s_.S_t * s_.n_a;
  const double R = bond_yield(s_.curve, A_t);
  const PremiumShares& lam = lambda_;
  PositionArray L[2];
  for (int t = 1; t <= kPositions; ++t)
    for (int p = 0; p < 2; ++p) L[p][t - 1] = s_.bonds.lock_shares[p][s_.bonds.slot_at(t)];
  if (!mint) {
    s_.R = R;
    s_.R_lambda = 0;
    return;
  }
  // KL9–KL10: the yield stays in the bonds (index).
  for (int t = 1; t <= kPositions; ++t) s_.bonds.index[s_.bonds.slot_at(t)] *= 1.0 + s_.curve.Y[t - 1];
  s_.n_a += R;
  s_.minted_yield += R;
  s_.R = R;
  // KL29–KL31: R_λ = b·R·β, its parts to staked G and to the locked LPs by position; a part with no
  // recipient is not minted.
  const double R_lambda = premium(s_.b, R, s_.beta);
  double paid = 0, to_g = 0, to_lp = 0;
  if (const double gg = R_lambda * lam.gg; gg > 0 && s_.g.staked > 0) {
    s_.rps_g_a += gg / s_.g.staked;
    paid += gg;
    to_g += gg;
  }
  const double part[2] = {R_lambda * lam.q, R_lambda * lam.g};
  for (int p = 0; p < 2; ++p) {
    if (!(part[p] > 0)) continue;
    const PositionArray w = lp_weights(s_.curve, L[p]);
    if (!(w.sum() > 0)) continue;
    for (int t = 1; t <= kPositions; ++t) {
      const int sl = s_.bonds.slot_at(t);
      if (w[t - 1] > 0) s_.bonds.rps_lp_a[p][sl] += part[p] * w[t - 1] / L[p][t - 1];
    }
    paid += part[p];
    to_lp += part[p];
  }
  s_.n_a += paid;
  s_.minted_premium += paid;
  s_.R_lambda = paid;
  // The APY signals (§6): yesterday's rewards (premium, incentives, fees) against what earns them.
  const double P_g_a = ag_.spot();
  const double g_value = s_.g.staked * P_g_a;
  apy_g_ = g_value > 0 ? 365.0 * (to_g + incentives_g_day_ * P_g_a) / g_value : 0.0;
  const double fees = (aq_.fees_value() - fees_aq_day0_) / aq_.spot() + (ag_.fees_value() - fees_ag_day0_);
  fees_aq_day0_ = aq_.fees_value();
  fees_ag_day0_ = ag_.fees_value();
  const double pools_a = 2.0 * aq_.token_reserve() + 2.0 * ag_.quote_reserve();
  apy_lp_ = pools_a > 0 ? 365.0 * (to_lp + incentives_lp_day_ * P_g_a + fees) / pools_a : 0.0;
  incentives_g_day_ = incentives_lp_day_ = 0;
  // KL15, KL42: μ·C_i0 of every class leaves the portfolio; bucket t gets v_t/Σv, pro rata to units.
  if (!(s_.curve.S > 0)) return;
  const PositionArray v = bond_weights(s_.curve, s_.S_t);
  if (!(v.sum() > 0)) return;
  const double mu = carbon_yield_rate(s_.a_cls);
  double pay = 0;
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    const double y = mu * s_.carbon.liquid[k];
    s_.carbon.liquid[k] -= y;
    s_.carbon.yielded[k] += y;
    s_.carbon.resale[k] += p_.resell_fraction * y;
    pay += (1.0 - p_.resell_fraction) * y;
  }
  for (int t = 1; t <= kPositions; ++t) {
    const int sl = s_.bonds.slot_at(t);
    if (v[t - 1] > 0 && s_.bonds.units[sl] > 0) s_.bonds.rps_c[sl] += pay * v[t - 1] / s_.bonds.units[sl];
  }
}

// 5.5: bucket r + 1 matures — principal and yield to its holders as liquid A, its LP locks open, its
// forward tonnes are delivered (or default) — and every position shifts down by one.
void Klima2Path::roll() {
  BondBook& b = s_.bonds;
  const std::int64_t k = b.r + 1;
  const int sl = BondBook::slot(k);
  for (std::size_t i = pop_->ranges[bond_staker].begin; i < pop_->ranges[bond_staker].end; ++i) {
    if (a_.pos[i] != k) continue;
    credit_bond(i);
    a_.a_liq[i] += a_.units[i] * b.index[sl];
    a_.units[i] = 0;
    a_.pos[i] = -1;
    a_.cls[i] = kNoClass;
    pop_->status[i] = static_cast<std::uint8_t>(pop_->status[i] | kMaturedFlag);
  }
  for (std::size_t i = pop_->ranges[lp].begin; i < pop_->ranges[lp].end; ++i) {
    if (a_.pos[i] != k) continue;
    credit_lock(i);
    a_.pos[i] = -1;
  }
  if (s_.proto_ag_pos == k) {
    credit_protocol_ag();
    s_.proto_ag_pos = -1;
  }
  for (int c = 0; c < n_cls_; ++c) {
    const auto ck = static_cast<std::size_t>(c);
    const double due_t = b.c_fwd(sl, c);
    s_.carbon.liquid[ck] += (1.0 - p_.default_rate) * due_t;
    s_.carbon.defaulted[ck] += p_.default_rate * due_t;
  }
  b.r += 1;
  // The matured slot and the new position 40's slot start empty.
  for (const int s : {sl, b.slot_at(kPositions)}) {
    b.units[s] = 0;
    b.index[s] = 1;
    b.units_cls.row(s).setZero();
    b.c_fwd.row(s).setZero();
    b.rps_c[s] = b.rps_g[s] = b.rps_a[s] = 0;
    for (int p = 0; p < 2; ++p) b.lock_shares[p][s] = b.rps_lp_a[p][s] = b.rps_lp_g[p][s] = 0;
  }
  refresh_curve();  // the positions moved: the day's incentives read the shifted curve
}

// 5.6: G issued by the incentive curve (KL44) and split by KL35–KL41; vesting by KL45.
void Klima2Path::incentives(std::int64_t t) {
  const double tau = static_cast<double>((t + 1) * ctx_.dt_seconds) / (kHoursPerMonth * 3600.0);
  const double issued = std::min(s_.g.unissued, p_.g.incentive_pool * (g_curve_.P(tau) - g_curve_.P(s_.g.tau_prev)));
  const double ngc = n_gc();
  const double G = ngc > 0 ? s_.g.staked / ngc : 0.0, L = ngc > 0 ? ag_.token_reserve() / ngc : 0.0;
  const double r_G = ag_share(ag_.quote_reserve() / s_.n_a, aq_.token_reserve() / s_.n_a);
  const IncentiveSplit sp = incentive_split(G, L, s_.curve.S, r_G);
  s_.incent_treasury = sp.treasury;
  double treasury = issued * sp.treasury;
  const double rest = issued - treasury;
  // Bonds by v_t, then pro rata to units.
  if (const double amt = rest * sp.bonds; amt > 0) {
    const PositionArray v = bond_weights(s_.curve, s_.S_t);
    if (v.sum() > 0) {
      for (int p = 1; p <= kPositions; ++p) {
        const int sl = s_.bonds.slot_at(p);
        if (v[p - 1] > 0 && s_.bonds.units[sl] > 0) s_.bonds.rps_g[sl] += amt * v[p - 1] / s_.bonds.units[sl];
      }
    } else {
      treasury += amt;
    }
  }
  if (const double amt = rest * sp.g; amt > 0) {
    if (s_.g.staked > 0) s_.rps_g_g += amt / s_.g.staked, incentives_g_day_ += amt;
    else treasury += amt;
  }
  const double lp_part[2] = {rest * sp.aq, rest * sp.ag};
  for (int p = 0; p < 2; ++p) {
    if (!(lp_part[p] > 0)) continue;
    PositionArray Lp;
    for (int q = 1; q <= kPositions; ++q) Lp[q - 1] = s_.bonds.lock_shares[p][s_.bonds.slot_at(q)];
    const PositionArray w = lp_weights(s_.curve, Lp);
    if (!(w.sum() > 0)) {
      treasury += lp_part[p];
      continue;
    }
    for (int q = 1; q <= kPositions; ++q)
      if (w[q - 1] > 0) s_.bonds.rps_lp_g[p][s_.bonds.slot_at(q)] += lp_part[p] * w[q - 1] / Lp[q - 1];
    incentives_lp_day_ += lp_part[p];
  }
  s_.g.unissued -= issued;
  s_.g.issued += issued;
  s_.g.treasury += treasury;
  // KL45: holder_vesting to the holder types by the A they held at launch; other_vesting to `other`.
  const double ts = p_.g.vest_start_months, te = p_.g.vest_end_months;
  const double dV = g_curve_.vested(tau, ts, te) - g_curve_.vested(s_.g.tau_prev, ts, te);
  s_.g.tau_prev = tau;
  if (dV > 0) {
    const double h = std::min(s_.g.unvested_h, p_.g.holder_vesting * dV);
    const double o = std::min(s_.g.unvested_o, p_.g.other_vesting * dV);
    if (init_a_sum_ > 0) {
      const double per_a = h / init_a_sum_;
      for (std::size_t i = 0; i < pop_->ranges[lp].end; ++i) a_.g_liq[i] += per_a * static_cast<double>(a_.init_a[i]);
    } else {
      s_.g.other += h;
    }
    s_.g.unvested_h -= h;
    s_.g.other += o;
    s_.g.unvested_o -= o;
  }
}

// Class re-selection (§6: a daily hazard of agents.bond_staker.reselect_rate per bond): the bond's
// units move to a class ∝ class_pref, or to none with probability 1 − class_select_prob.
void Klima2Path::reselect(std::int64_t t) {
  if (!(p_.reselect_rate > 0)) return;
  const double prob = -std::expm1(-p_.reselect_rate);
  rng::Sequence q(ctx_.key, rng::Purpose::protocol, static_cast<std::uint64_t>(t), kLaneReselect);
  for (std::size_t i = pop_->ranges[bond_staker].begin; i < pop_->ranges[bond_staker].end; ++i) {
    if (a_.pos[i] < 0 || !(a_.units[i] > 0)) continue;
    if (q.uniform() >= prob) continue;
    const int sl = BondBook::slot(a_.pos[i]);
    const int to = q.uniform() < p_.class_select_prob ? draw_class(q) : -1;
    if (a_.cls[i] != kNoClass) s_.bonds.units_cls(sl, a_.cls[i]) -= a_.units[i];
    if (to >= 0) s_.bonds.units_cls(sl, to) += a_.units[i];
    a_.cls[i] = to >= 0 ? static_cast<std::uint8_t>(to) : kNoClass;
  }
}

// §7 liquidity_drain: the fraction of the agents' unlocked shares of the pool, removed pro rata with
// the tokens to them (no exit decision; counted in lp_flight_*).
void Klima2Path::apply_drain(int pool, double fraction) {
  const agents::TypeRange r = pop_->ranges[lp];
  double total = 0;
  for (std::size_t i = r.begin; i < r.end; ++i)
    if (a_.cls[i] == pool && a_.pos[i] < 0) total += fraction * a_.units[i];
  if (!(total > 0)) return;
  market::ConstantProductPool& P = pool == pool_aq ? aq_ : ag_;
  const market::LiquidityRemoved out = P.remove_liquidity(total, total);
  const double a_per = (pool == pool_aq ? out.token : out.quote) / total;
  const double o_per = (pool == pool_aq ? out.quote : out.token) / total;
  const double kept = out.shares / total;  // < 1 only at the pool's locked residue
  for (std::size_t i = r.begin; i < r.end; ++i) {
    if (a_.cls[i] != pool || a_.pos[i] >= 0) continue;
    const double s = fraction * a_.units[i];
    a_.units[i] -= s * kept;
    a_.a_liq[i] += s * a_per;
    (pool == pool_aq ? a_.q[i] : a_.g_liq[i]) += s * o_per;
  }
  removed_step_[pool] += out.shares;
}

}  // namespace stampede::klima2
