#include "engine/protocols/ksn/path.hpp"

#include "agents/behaviour_columns.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "agents/choice.hpp"
#include "engine/core/errors.hpp"
#include "engine/market/amm.hpp"
#include "engine/protocols/ksn/bond_issue.hpp"
#include "engine/protocols/ksn/penalty.hpp"
#include "engine/protocols/ksn/potp.hpp"
#include "engine/protocols/ksn/rebase.hpp"
#include "engine/protocols/ksn/zap.hpp"
#include "engine/random/stream.hpp"
#include "kernels/accrue_bond.hpp"
#include "kernels/accrue_rebase.hpp"

namespace stampede::ksn {

const char* const kSeriesNames[kNumSeries] = {
    "price", "backing", "premium", "rfv", "excess_reserves", "reserves_market_value", "treasury_usdc",
    "treasury_lp_rfv", "treasury_cert_value", "stable_share", "dcp_balance", "runway_rebases", "rebase_rate",
    "rebase_rate_eff", "apy_instant", "staked_fraction", "supply", "circulating", "bond_debt", "bond_discount",
    "tvl", "potp_mean", "unstaked_72h_fraction", "minted_surplus_cum", "minted_bonds_cum", "burned_cum",
    "penalties_cum"};
const char* const kEventNames[kNumEvents] = {"bank_run", "below_backing", "rebase_default", "rfv_deficit"};

namespace {

constexpr std::size_t kUniformBlock = 1024;
constexpr std::uint32_t kColGov = agents::ColumnId::protocol_base + 0;
constexpr std::uint32_t kColLoyalty = agents::ColumnId::protocol_base + 1;
constexpr std::uint32_t kColStakeAge = agents::ColumnId::protocol_base + 2;
constexpr std::uint32_t kColDreq = agents::ColumnId::protocol_base + 3;

inline double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline std::uint8_t action_of(std::uint8_t f) { return static_cast<std::uint8_t>((f & kActionMask) >> kActionShift); }
inline std::uint8_t with_action(std::uint8_t f, std::uint8_t a) {
  return static_cast<std::uint8_t>((f & ~kActionMask) | (a << kActionShift));
}

void require_finite(double v, const char* name, std::int64_t t) {
  if (!std::isfinite(v)) throw RuntimeFailure(std::string("non-finite ") + name + " at step " + std::to_string(t));
}

std::int64_t twap_window_for(std::int64_t dt) { return 3600 % dt == 0 ? 3600 : dt; }  // 1h, or one step

}  // namespace

KsnPath::KsnPath(const KsnRunConfig& config, std::uint64_t path)
    : cfg_(config),
      p_(config.scenario.params),
      b_(config.scenario.behaviour),
      path_(path),
      sch_(make_schedule(config.scenario.params, config.dt_seconds)),
      steps_per_day_(std::max<std::int64_t>(1, 86400 / config.dt_seconds)),
      twap_window_(twap_window_for(config.dt_seconds)),
      s_(make_initial_state(config.scenario.params, config.dt_seconds)),
      exo_(config.scenario.market, config.dt_seconds, config.seed,
           std::max<std::int64_t>(86400 / config.dt_seconds, 1) * config.dt_seconds),
      twap_(config.dt_seconds, twap_window_for(config.dt_seconds), s_.pool.spot()),
      policy_(config.scenario.params.policy, config.scenario.params.rebase, config.scenario.params.potp),
      vol_(sch_.window_steps, s_.pool.spot()),
      spot_day_(static_cast<std::size_t>(steps_per_day_ + 1)),
      spot_week_(static_cast<std::size_t>(std::max<std::int64_t>(1, 7 * 86400 / config.dt_seconds))),
      fees_day_(static_cast<std::size_t>(steps_per_day_)),
      below_backing_(sch_.below_backing_steps),
      rebase_default_(p_.metrics.rebase_default_consecutive, p_.rebase.r_min) {
  exo_.start_path(path);
  a_L_ = loyalty_decay(p_.rebase.period, p_.potp.loyalty_tau);
  init_population();
  const double P0 = s_.pool.spot();
  spot_day_.push(P0);
  spot_week_.push(P0);
  mtm_p_ = P0;
  mtm_lpv_ = 2.0 * s_.pool.y / s_.pool.L;
  // ksn.md §4: before the first rebase r_t and r_eff are KS5 at the initial state.
  double W0 = 0;
  for (std::size_t i = a_.ranges[staker].begin; i < a_.ranges[bonder].end; ++i)
    W0 += (a_.stake[i] + a_.bond_rem[i]) * static_cast<double>(a_.m[i]);
  initialise_rates(s_, p_, policy_, p_.initial.staked, W0);
  const TreasuryValuation v0 = value_treasury(s_, p_.treasury, s_.Q);
  tvl_ = TvlGrowth(sch_.window_rebases, v0.tvl);
  bank_run_ = BankRunObserver(sch_.bank_run_steps, p_.metrics.bank_run_fraction, p_.initial.staked);
  stake_end_ = p_.initial.staked;
  for (auto& f : first_) f = -1;
  quote_ = quote_bond(P0, s_.debt.debt(), s_.S, p_.bond);  // for the record at t = 0
  premium_min_ = P0 / v0.backing;
  runway_min_ = runway_rebases(s_.DCP, s_.r_t, s_.Q);
}

// ksn.md §6 "Initial state".
void KsnPath::init_population() {
  const std::size_t n = static_cast<std::size_t>(cfg_.agents);
  a_.n = n;
  a_.ranges = agents::TypeRanges::from_mix(b_.mix, n);
  for (auto* c : {&a_.liquid, &a_.usdc, &a_.stake, &a_.bond_rem, &a_.bond_claim, &a_.lp}) c->resize(n);
  for (auto* c : {&a_.cost, &a_.since, &a_.bond_left, &a_.gov, &a_.loyalty, &a_.m, &a_.h, &a_.rho, &a_.d_req})
    c->resize(n);
  a_.flags.resize(n);
  for (auto& c : a_.bias) c.resize(n);

  // Behaviour columns (agents/behaviour_columns.hpp): h, ρ, a bias per action and the random
  // fractions, at most kFracColumns per type.
  frac_ = agents::fraction_layout<kNumTypes, kMaxActions>(b_.types, kTypeNames, kFracColumns);
  a_.frac_columns = frac_.columns;
  for (int c = 0; c < a_.frac_columns; ++c) a_.frac[c].resize(n);
  for (int t = 0; t < kNumTypes; ++t) {
    inv_temp_[t] = 1.0 / b_.types[t].temperature;
    type_count_[t] = static_cast<std::int64_t>(a_.ranges[t].size());
  }
  for (int k = 0; k < kMaxActions; ++k) bias_cols_[k] = a_.bias[k].data();
  for (int c = 0; c < kFracColumns; ++c) frac_cols_[c] = a_.frac[c].data();

  const std::uint64_t seed = cfg_.seed;
  const agents::TypeRange all{0, n};
  agents::sample_behaviour(b_.types, a_.ranges, frac_, seed, path_, a_.h.data(), a_.rho.data(), bias_cols_, frac_cols_);
  if (n == 0) return;
  agents::sample_column(p_.potp.gov_participation, seed, path_, kColGov, all, a_.gov.data());
  agents::sample_column(p_.initial.loyalty, seed, path_, kColLoyalty, all, a_.loyalty.data());
  agents::sample_column(p_.initial.stake_age, seed, path_, kColStakeAge, all, a_.since.data());
  agents::sample_column(b_.required_discount, seed, path_, kColDreq, all, a_.d_req.data());
  std::vector<double> w(n);
  agents::sample_column(p_.agents.wealth, seed, path_, agents::ColumnId::wealth, all, w.data());
  // Stake to stakers; agent_liquid and agent_usdc by the type shares; the agents' LP shares
  // (L0 less the treasury's) to lp agents; all pro rata to wealth within a type.
  const auto need = [&](int t, double amount, const char* key) {
    if (amount > 0 && a_.ranges[t].empty())
      throw InputError(std::string(key) + ": " + std::string(kTypeNames[t]) +
                       " agents must exist to hold it (agents.mix or agents.count too small)");
  };
  need(staker, p_.initial.staked, "ksn.initial.staked");
  agents::split_pro_rata(w.data(), a_.ranges[staker], p_.initial.staked, a_.stake.data());
  for (int t = 0; t < kNumTypes; ++t) {
    const auto r = a_.ranges[t];
    const double liq = p_.initial.agent_liquid * b_.types[t].liquid_share;
    const double usd = p_.initial.agent_usdc * b_.types[t].usdc_share;
    need(t, liq, "agents.init.liquid_share");
    need(t, usd, "agents.init.usdc_share");
    if (r.empty()) continue;
    agents::split_pro_rata(w.data(), r, liq, a_.liquid.data());
    agents::split_pro_rata(w.data(), r, usd, a_.usdc.data());
  }
  const double agent_lp = s_.pool.L - s_.T_lp;
  need(lp, agent_lp > 1e-9 * s_.pool.L ? agent_lp : 0.0, "ksn.initial.treasury_lp_share");
  if (!a_.ranges[lp].empty()) agents::split_pro_rata(w.data(), a_.ranges[lp], agent_lp, a_.lp.data());
  else s_.T_lp = s_.pool.L;

  const double P0 = s_.pool.spot(), lpv = 2.0 * s_.pool.y / s_.pool.L;
  const double t_s = static_cast<double>(p_.potp.time_scale);
  for (std::size_t i = 0; i < n; ++i) {
    const double age = static_cast<double>(a_.since[i]);
    a_.since[i] = static_cast<float>(-age);  // since_i = −stake_age_i
    a_.m[i] = static_cast<float>(potp_multiplier(age, a_.gov[i], a_.loyalty[i], s_.weights, t_s, p_.potp.m_cap));
    a_.cost[i] = static_cast<float>(P0 * (a_.liquid[i] + a_.stake[i]) + a_.usdc[i] + a_.lp[i] * lpv);  // KS21
    a_.flags[i] = 0;
  }
  double usdc = 0;
  for (std::size_t i = 0; i < n; ++i) usdc += a_.usdc[i];
  usdc0_ = usdc + s_.pool.y + s_.T_usdc;
}

double KsnPath::frac(int type, int action, std::size_t i) const { return frac_.of(frac_cols_, type, action, i); }

double KsnPath::swap_ksn_in(double ksn_in) {
  if (!(ksn_in > 0)) return 0.0;
  const int pieces = std::max(1, cfg_.scenario.market.sub_swaps);
  const double piece = ksn_in / pieces;
  double out = 0;
  for (int k = 0; k < pieces; ++k) {
    step_fees_ += s_.pool.fee * piece * s_.pool.spot();  // a KSN-in fee valued at the pre-swap spot
    const double o = amm::amount_out(piece, s_.pool.x, s_.pool.y, s_.pool.fee);
    s_.pool.x += piece;
    s_.pool.y -= o;
    out += o;
  }
  return out;
}

double KsnPath::swap_usdc_in(double usdc_in) {
  if (!(usdc_in > 0)) return 0.0;
  const int pieces = std::max(1, cfg_.scenario.market.sub_swaps);
  const double piece = usdc_in / pieces;
  double out = 0;
  for (int k = 0; k < pieces; ++k) {
    step_fees_ += s_.pool.fee * piece;
    const double o = amm::amount_out(piece, s_.pool.y, s_.pool.x, s_.pool.fee);
    s_.pool.y += piece;
    s_.pool.x -= o;
    out += o;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One step (ksn.md §4–§5).
void KsnPath::step(std::int64_t t, PathRecorder& rec) {
  (void)rec;  // events are marked from first_[] in finish()
  // Phase 1: exogenous processes; certificate price (KS1) and the USD value of USDC.
  exo_.advance(t, s_.S);
  s_.q_usd = exo_.quote_usd();
  s_.p_c = certificate_price(p_.treasury.cert_price0, exo_.factor(), p_.treasury.cert_beta);
  step_fees_ = 0;
  step_unstaked_ = 0;
  rebased_ = false;
  // Phase 2: signals and the bond quote from the start-of-step state, then decide.
  compute_signals(t);
  decide(t);
  // Phase 3 on totals; phase 4 per agent then scalar; phase 5 observers.
  clear(t);
  settle(t);
  if (KsnSchedule::due(t, sch_.rebase_steps)) rebase(t);
  observe(t);
  if (cfg_.check) check_invariants(t);
}

// ksn.md §6 common signals and KS13's quote, once per step at the start-of-step state.
void KsnPath::compute_signals(std::int64_t t) {
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
  signal_[sig_yld] = yield_signal(s_.r_eff);
  signal_[sig_mom] = std::log(P / spot_day_.oldest());
  signal_[sig_run] = std::min(1.0, run_days / 90.0);
  signal_[sig_prem] = std::log(P / v.backing);
  signal_[sig_vol] = vol_.value(p_.policy.vol_ref, cfg_.dt_seconds);
  signal_[sig_mkt] = exo_.log_return_24h();
  signal_[sig_disc] = quote_.discount;
  signal_[sig_fee] = fees * 365.0 / (2.0 * s_.pool.y);
  signal_[sig_exit_staker] = exit_frac_[staker];
  signal_[sig_exit_bonder] = exit_frac_[bonder];
  signal_[sig_exit_trader] = exit_frac_[trader];
  signal_[sig_exit_lp] = exit_frac_[lp];
  for (int ty = 0; ty < kNumTypes; ++ty) {
    const auto& tb = b_.types[ty];
    for (std::size_t a = 0; a < tb.actions.size(); ++a) {
      double c = 0;
      for (int k = 0; k < kNumSignals; ++k) c += tb.actions[a].w[k] * signal_[k];
      common_[ty][a] = c;
    }
  }
}

// Phase 2 (agents.md choice rule): masks, own terms, one uniform per agent, intent sums.
void KsnPath::decide(std::int64_t t) {
  in_ = KsnIntents{};
  const double p = mtm_p_, lpv = mtm_lpv_;
  const double now = static_cast<double>(t * cfg_.dt_seconds);  // decisions use the step start
  const double disc = quote_.discount;
  const double cap = bond_cap_usdc();
  rng::Stream stream(cfg_.seed, path_, rng::Purpose::decide, static_cast<std::uint64_t>(t));
  double u_block[kUniformBlock];

  for (int ty = 0; ty < kNumTypes; ++ty) {
    const auto range = a_.ranges[ty];
    const auto& tb = b_.types[ty];
    const int m = static_cast<int>(tb.actions.size());
    int exit_code = 0;
    for (int k = 0; k < m; ++k)
      if (tb.actions[k].exit) exit_code = k + 1;
    for (std::size_t blk = range.begin; blk < range.end; blk += kUniformBlock) {
      const std::size_t nb = std::min(kUniformBlock, range.end - blk);
      stream.uniform_doubles(static_cast<std::uint32_t>(blk), nb, 0, u_block);
      for (std::size_t j = 0; j < nb; ++j) {
        const std::size_t i = blk + j;
        double u = u_block[j];
        std::uint8_t fl = a_.flags[i];  // ksn.md §6: KSN types have no exited state
        const double liquid = a_.liquid[i], usdc = a_.usdc[i], stake = a_.stake[i];
        bool allowed[kMaxActions] = {false, false, false, false};
        switch (ty) {  // an action on an empty holding has P = 0 (§6)
          case staker: allowed[0] = liquid > 0 || usdc > 0; allowed[1] = stake > 0; break;
          case bonder:
            allowed[0] = usdc > 0;
            allowed[1] = liquid > 0;
            allowed[2] = liquid > 0;
            allowed[3] = stake > 0;
            break;
          case trader: allowed[0] = usdc > 0; allowed[1] = liquid > 0; break;
          case lp: allowed[0] = usdc > 0; allowed[1] = a_.lp[i] > 0; break;
        }
        const double W = p * (liquid + stake + a_.bond_rem[i] + a_.bond_claim[i]) + usdc + a_.lp[i] * lpv;  // KS21
        const double rho = a_.rho[i];
        int n_allowed = 0;
        for (int k = 0; k < m; ++k) n_allowed += allowed[k];
        // ΣP ≤ ρ·n_allowed: above it (and below 1) the agent holds whatever the scores.
        if (n_allowed == 0 || (rho * n_allowed < 1.0 && u >= rho * n_allowed)) {
          a_.flags[i] = with_action(fl, 0);
          continue;
        }
        const double cost = a_.cost[i];
        double own[kNumOwn] = {};
        own[own_pnl] = !(cost > 0) ? 0.0 : W / cost - 1.0;  // the basis stays the initial wealth (§6)
        own[own_pen] = penalty_rate(now - static_cast<double>(a_.since[i]), p_.dcp);
        own[own_potp] = static_cast<double>(a_.m[i]) - 1.0;
        own[own_disc_gap] = disc - static_cast<double>(a_.d_req[i]);
        double prob[kMaxActions] = {0, 0, 0, 0};
        const double h = a_.h[i];
        for (int k = 0; k < m; ++k) {
          if (!allowed[k]) continue;
          const auto& ab = tb.actions[k];
          double score = h * common_[ty][k] + static_cast<double>(a_.bias[k][i]);
          for (int o = 0; o < kNumOwn; ++o) score += ab.v[o] * own[o];
          prob[k] = rho * logistic(score * inv_temp_[ty]);
        }
        const std::uint8_t code = agents::choose_action(prob, static_cast<std::size_t>(m), u);
        if (code != 0 && code == exit_code) ++in_.exits[ty];  // counts for exit_k; no lock-out
        a_.flags[i] = with_action(fl, code);
        if (code == 0) continue;
        // Intents; settle recomputes the same amounts (holdings do not change in between).
        const double f = frac(ty, code - 1, i);
        switch (ty) {
          case staker:
            if (code == staker_enter) {
              if (!(liquid > 0)) in_.buy_usdc += f * usdc;  // buy-and-stake
            } else {
              in_.unstake += f * stake;
              in_.penalties += f * stake * own[own_pen];  // KS11
            }
            break;
          case bonder:
            if (code == bonder_bond) in_.bond_usdc += std::min(f * usdc, cap);  // KS14 cap
            else if (code == bonder_sell) in_.sell_ksn += f * liquid;
            else if (code == bonder_exit) {
              in_.unstake += f * stake;
              in_.penalties += f * stake * own[own_pen];
            }
            break;
          case trader:
            if (code == trader_buy) in_.buy_usdc += f * usdc;
            else in_.sell_ksn += f * liquid;
            break;
          case lp:
            if (code == lp_add) in_.lp_add_usdc += f * usdc;
            else in_.lp_withdraw_shares += f * a_.lp[i];
            break;
        }
      }
    }
  }
  for (int ty = 0; ty < kNumTypes; ++ty)
    exit_frac_[ty] = type_count_[ty] > 0 ? static_cast<double>(in_.exits[ty]) / static_cast<double>(type_count_[ty]) : 0.0;
}

// Phase 3 (ksn.md §5), on totals, in the spec's order.
void KsnPath::clear(std::int64_t t) {
  fill_ = KsnFills{};
  // 1. Unstakes: KS11 penalties (DCP share, the rest burned); a − pen is queued for sale.
  apply_penalties(s_, in_.penalties, p_.dcp);
  step_unstaked_ = in_.unstake;
  double sell = in_.unstake - in_.penalties + in_.sell_ksn;
  // 2. LP withdrawals, pro rata x, y; sell_on_withdraw of the KSN leg is queued.
  if (in_.lp_withdraw_shares > 0) {
    const double share = in_.lp_withdraw_shares / s_.pool.L;
    fill_.lp_dx_per_share = s_.pool.x / s_.pool.L;
    fill_.lp_dy_per_share = s_.pool.y / s_.pool.L;
    const double dx = s_.pool.x * share, dy = s_.pool.y * share;
    s_.pool.x -= dx;
    s_.pool.y -= dy;
    s_.pool.L -= in_.lp_withdraw_shares;
    sell += b_.lp_sell_on_withdraw * dx;
  }
  // 3. Agents' sells (KS12 tax first), external net demand, agents' buys (market.md order).
  if (sell > 0) fill_.sell_ratio = swap_ksn_in(apply_sell_tax(s_, sell, p_.dcp)) / sell;
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
    s_.ledger.usdc_out += swap_ksn_in(apply_sell_tax(s_, ext_sell, p_.dcp));  // leaves with the seller
  }
  if (in_.buy_usdc > 0) fill_.buy_ratio = swap_usdc_in(in_.buy_usdc) / in_.buy_usdc;
  if (D > 0) {
    s_.ledger.usdc_in += D;
    s_.H_ext += swap_usdc_in(D);
  }
  // 4. LP adds: the agents' USDC zapped (KS16).
  if (in_.lp_add_usdc > 0) {
    const ZapResult z = zap_quote(s_.pool, in_.lp_add_usdc);
    step_fees_ += s_.pool.fee * z.usdc_swapped;
    apply_zap(s_.pool, z);
    fill_.lp_per_usdc = z.lp_minted / in_.lp_add_usdc;
  }
  // 5. Bonds at the step-start quote (KS13–KS17), then KS18's decay.
  if (in_.bond_usdc > 0) {
    fill_.bond_fill = bond_fill_fraction(in_.bond_usdc / quote_.price, s_.debt.debt(), s_.S, p_.bond);
    const double u = fill_.bond_fill * in_.bond_usdc;
    if (bond_type_ == BondType::lp) step_fees_ += s_.pool.fee * zap_quote(s_.pool, u).usdc_swapped;
    const BondIssue is = issue_bonds(s_, u, quote_.price, bond_type_, p_.bond);
    fill_.payout_per_usdc = is.payout_per_usdc;
  }
  s_.debt.end_step();
  // 6. TWAP and the step-end spot histories; on a potp.update step the policy sets λ, μ, ν.
  const double P_end = s_.pool.spot();
  twap_.accumulate(P_end);
  vol_.push(P_end);
  if (KsnSchedule::due(t, sch_.potp_update_steps)) {
    const PotpWeights w = policy_.potp_weights(last_rebase_.inputs);
    s_.weights = {std::clamp(w.lambda, 0.0, 1.0), std::clamp(w.mu, 0.0, 1.0), std::clamp(w.nu, 0.0, 1.0)};
  }
}

// Phase 4a: fills per agent (since_i ← the step end for a new position or an unstake), then the
// accrue_bond kernel over bonders (KS19) and, on a claim step, KS20.
void KsnPath::settle(std::int64_t t) {
  const auto& f = fill_;
  const float now = static_cast<float>((t + 1) * cfg_.dt_seconds);
  const float T_v = static_cast<float>(p_.bond.vesting);
  const double keep_lp_ksn = 1.0 - b_.lp_sell_on_withdraw;
  const double cap = bond_cap_usdc();
  for (int ty = 0; ty < kNumTypes; ++ty) {
    const auto range = a_.ranges[ty];
    for (std::size_t i = range.begin; i < range.end; ++i) {
      const std::uint8_t code = action_of(a_.flags[i]);
      if (code == 0) continue;
      const double fr = frac(ty, code - 1, i);
      const bool empty = !(a_.stake[i] + a_.bond_rem[i] > 0);
      const auto unstake = [&] {
        const double a = fr * a_.stake[i];
        const double pen = a * penalty_rate(static_cast<double>(now) - static_cast<double>(cfg_.dt_seconds) -
                                                static_cast<double>(a_.since[i]), p_.dcp);
        a_.stake[i] -= a;
        a_.usdc[i] += f.sell_ratio * (a - pen);
        a_.since[i] = now;  // Time Retroactive = reset (§11)
        a_.flags[i] |= kWithdrewBit;
      };
      switch (ty) {
        case staker:
          if (code == staker_enter) {
            if (a_.liquid[i] > 0) {
              a_.stake[i] += a_.liquid[i];
              a_.liquid[i] = 0;
            } else {
              const double u = fr * a_.usdc[i];
              a_.usdc[i] -= u;
              a_.stake[i] += f.buy_ratio * u;
            }
            if (empty) a_.since[i] = now;
          } else {
            unstake();
          }
          break;
        case bonder:
          if (code == bonder_bond) {
            const double u = f.bond_fill * std::min(fr * a_.usdc[i], cap);
            if (u > 0) {
              a_.usdc[i] -= u;
              a_.bond_rem[i] += f.payout_per_usdc * u;  // KS17: whole balance restarts T_v
              a_.bond_left[i] = T_v;
              if (empty) a_.since[i] = now;
            }
          } else if (code == bonder_stake) {
            const double q = fr * a_.liquid[i];
            a_.stake[i] += q;
            a_.liquid[i] -= q;
            if (empty) a_.since[i] = now;
          } else if (code == bonder_sell) {
            const double q = fr * a_.liquid[i];
            a_.usdc[i] += f.sell_ratio * q;
            a_.liquid[i] -= q;
          } else {
            unstake();
          }
          break;
        case trader:
          if (code == trader_buy) {
            const double u = fr * a_.usdc[i];
            a_.usdc[i] -= u;
            a_.liquid[i] += f.buy_ratio * u;
          } else {
            const double q = fr * a_.liquid[i];
            a_.liquid[i] -= q;
            a_.usdc[i] += f.sell_ratio * q;
          }
          break;
        case lp:
          if (code == lp_add) {
            const double u = fr * a_.usdc[i];
            a_.usdc[i] -= u;
            a_.lp[i] += f.lp_per_usdc * u;
          } else {
            const double sh = fr * a_.lp[i];
            const double gx = f.lp_dx_per_share * sh;
            a_.lp[i] -= sh;
            a_.liquid[i] += keep_lp_ksn * gx;
            a_.usdc[i] += f.lp_dy_per_share * sh + f.sell_ratio * b_.lp_sell_on_withdraw * gx;
          }
          break;
      }
    }
  }
  // KS19 over bonders (the SIMD kernel), KS20 on a claim step.
  const auto br = a_.ranges[bonder];
  if (!br.empty()) {
    kernels::accrue_bond({a_.bond_rem.data(), a_.bond_claim.data(), a_.bond_left.data()}, br.begin, br.end,
                         static_cast<double>(cfg_.dt_seconds));
    if (KsnSchedule::due(t, sch_.claim_steps))
      for (std::size_t i = br.begin; i < br.end; ++i) {
        a_.liquid[i] += a_.bond_claim[i];
        a_.bond_claim[i] = 0;
      }
  }
  double stake = 0;
  for (std::size_t i = a_.ranges[staker].begin; i < br.end; ++i) stake += a_.stake[i];
  stake_end_ = stake;
}

// Phase 4 on a rebase step: KS10 PoTP update and the reductions Q, W (fixed order), KS5–KS8 on
// totals, then the accrue_rebase kernel (KS9) over stakers and bonders.
void KsnPath::rebase(std::int64_t t) {
  const double now = static_cast<double>((t + 1) * cfg_.dt_seconds);
  const double t_s = static_cast<double>(p_.potp.time_scale);
  const std::size_t begin = a_.ranges[staker].begin, end = a_.ranges[bonder].end;
  double Q = 0, W = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const double q = a_.stake[i] + a_.bond_rem[i];
    if (!(q > 0)) a_.since[i] = static_cast<float>(now);  // a position at q = 0 resets t_i
    const double L = loyalty_update(a_.loyalty[i], (a_.flags[i] & kWithdrewBit) != 0, a_L_);
    a_.loyalty[i] = static_cast<float>(L);
    a_.flags[i] = static_cast<std::uint8_t>(a_.flags[i] & ~kWithdrewBit);
    const double m = potp_multiplier(now - static_cast<double>(a_.since[i]), a_.gov[i], L, s_.weights, t_s, p_.potp.m_cap);
    a_.m[i] = static_cast<float>(m);
    Q += q;
    W += q * static_cast<double>(a_.m[i]);
  }
  last_rebase_ = plan_rebase_step(s_, p_, policy_, vol_, tvl_, cfg_.dt_seconds, Q, W);
  const RebaseBudget& bud = last_rebase_.budget;
  double paid = 0;
  if (bud.g > 0)
    paid = kernels::accrue_rebase({a_.stake.data(), a_.bond_rem.data(), a_.m.data()}, begin, end, bud.g);
  pay_rebase(s_, paid);
  if (cfg_.check) {
    if (!(s_.r_t >= p_.rebase.r_min && s_.r_t <= p_.rebase.r_max))
      throw RuntimeFailure("invariant broken at step " + std::to_string(t) + ": r_t outside [r_min, r_max]");
    if (!(s_.r_eff >= 0 && s_.r_eff <= s_.r_t))
      throw RuntimeFailure("invariant broken at step " + std::to_string(t) + ": r_eff outside [0, r_t]");
    if (std::abs(paid - bud.R) > 1e-9 * std::max(1.0, bud.R))
      throw RuntimeFailure("invariant broken at step " + std::to_string(t) + ": Σ Δ_i differs from R");
  }
  apy_.add(bud.r_eff);
  if (rebase_default_.record(bud.R, Q) && first_[e_rebase_default] < 0) first_[e_rebase_default] = t;
  double stake = 0;
  for (std::size_t i = begin; i < end; ++i) stake += a_.stake[i];
  stake_end_ = stake;
  rebased_ = true;
}

// Phase 5 (ksn.md §8).
void KsnPath::observe(std::int64_t t) {
  const double P = s_.pool.spot();
  require_finite(P, "pool price", t);
  require_finite(s_.S, "KSN supply", t);
  require_finite(s_.DCP, "DCP", t);
  spot_day_.push(P);
  spot_week_.push(P);
  fees_day_.push(step_fees_);
  mtm_p_ = P;
  mtm_lpv_ = 2.0 * s_.pool.y / s_.pool.L;
  const TreasuryValuation v = value_treasury(s_, p_.treasury, s_.Q);
  if (bank_run_.record(step_unstaked_, stake_end_) && first_[e_bank_run] < 0) first_[e_bank_run] = t;
  if (below_backing_.record(P, v.backing) && first_[e_below_backing] < 0) first_[e_below_backing] = t;
  if (rfv_deficit(v.excess) && first_[e_rfv_deficit] < 0) first_[e_rfv_deficit] = t;
  premium_min_ = std::min(premium_min_, P / v.backing);
  runway_min_ = std::min(runway_min_, runway_rebases(s_.DCP, s_.r_t, s_.Q));
}

// The §8 series, in Series order: recorded every record period and also the finals.
void KsnPath::series_values(double (&vals)[kNumSeries]) const {
  const TreasuryValuation v = value_treasury(s_, p_.treasury, s_.Q);
  const double P = s_.pool.spot();
  const double out[kNumSeries] = {
      P, v.backing, P / v.backing, v.rfv, v.excess, v.mv, s_.T_usdc, s_.q_usd * treasury_lp_rfv(s_),
      s_.C * s_.p_c, v.stable_share, s_.DCP, runway_rebases(s_.DCP, s_.r_t, s_.Q), s_.r_t, s_.r_eff,
      apy(s_.r_eff), v.s_circ > 0 ? stake_end_ / v.s_circ : 0.0, s_.S, v.s_circ, s_.debt.debt(), quote_.discount,
      v.tvl, s_.Q > 0 ? s_.W / s_.Q : 1.0, bank_run_.unstaked_fraction(), s_.ledger.minted_surplus,
      s_.ledger.minted_bonds, s_.ledger.burned(), s_.ledger.penalties};
  for (int k = 0; k < kNumSeries; ++k) vals[k] = out[k];
}

void KsnPath::record(std::int64_t r, PathRecorder& rec) {
  double vals[kNumSeries];
  series_values(vals);
  for (int k = 0; k < kNumSeries; ++k) rec.record(static_cast<std::size_t>(k), r, vals[k]);
}

void KsnPath::finish(PathRecorder& rec) {
  for (int e = 0; e < kNumEvents; ++e)
    if (first_[e] >= 0) rec.mark_event(static_cast<std::size_t>(e), first_[e]);
  double vals[kNumSeries];
  series_values(vals);
  for (int k = 0; k < kNumSeries; ++k) rec.set_final(static_cast<std::size_t>(k), vals[k]);
  rec.set_final(f_apy_realised, apy_.value());
  rec.set_final(f_premium_min, premium_min_);
  rec.set_final(f_runway_rebases_min, runway_min_);
}

// ksn.md §9.
void KsnPath::check_invariants(std::int64_t t) const {
  auto fail = [&](const std::string& what) {
    throw RuntimeFailure("invariant broken at step " + std::to_string(t) + ": " + what);
  };
  auto close = [](double a, double b, double rel) { return std::abs(a - b) <= rel * std::max({1.0, std::abs(a), std::abs(b)}); };
  const double now = static_cast<double>((t + 1) * cfg_.dt_seconds);
  double ksn = 0, usdc = 0, lp = 0;
  for (std::size_t i = 0; i < a_.n; ++i) {
    ksn += a_.liquid[i] + a_.stake[i] + a_.bond_rem[i] + a_.bond_claim[i];
    usdc += a_.usdc[i];
    lp += a_.lp[i];
    if (a_.liquid[i] < 0 || a_.stake[i] < 0 || a_.bond_rem[i] < 0 || a_.bond_claim[i] < 0 || a_.usdc[i] < -1e-9 ||
        a_.lp[i] < 0)
      fail("negative balance of agent " + std::to_string(i));
    const double m = a_.m[i];
    if (!(m >= 1.0 && m <= p_.potp.m_cap * (1 + 1e-6))) fail("m_i outside [1, m_cap] for agent " + std::to_string(i));
    if (!(a_.gov[i] >= 0 && a_.gov[i] <= 1 && a_.loyalty[i] >= 0 && a_.loyalty[i] <= 1))
      fail("G_i or L_i outside [0, 1] for agent " + std::to_string(i));
    if (!(static_cast<double>(a_.since[i]) <= now)) fail("t_i < 0 for agent " + std::to_string(i));
    if (a_.bond_left[i] <= 0 && a_.bond_rem[i] != 0) fail("bond_rem > 0 with bond_left = 0, agent " + std::to_string(i));
  }
  // 1. KSN supply vs holdings and vs the mint/burn ledger.
  const double parts = ksn + s_.pool.x + s_.DCP + s_.H_ext;
  if (!close(s_.S, parts, 1e-12))
    fail("KSN: S = " + std::to_string(s_.S) + " but the holdings sum to " + std::to_string(parts));
  if (std::abs((s_.S - s_.S0) - (s_.ledger.minted() - s_.ledger.burned())) > 1e-12 * s_.S)
    fail("KSN: supply change differs from minted − burned");
  // 2. USDC vs external flows; LP shares.
  const double usdc_all = usdc + s_.pool.y + s_.T_usdc;
  const double expect = usdc0_ + s_.ledger.usdc_in - s_.ledger.usdc_out;
  if (!close(usdc_all, expect, 1e-12))
    fail("USDC: agents + pool + treasury = " + std::to_string(usdc_all) + ", expected " + std::to_string(expect));
  if (!close(lp + s_.T_lp, s_.pool.L, 1e-12)) fail("LP: Σ lp_i + T_lp differs from L");
  // 3. Non-negative scalars, positive reserves.
  if (s_.DCP < 0 || s_.H_ext < 0) fail("DCP or H_ext negative");
  if (!(s_.pool.x > 0 && s_.pool.y > 0)) fail("pool reserves not positive");
  // 6–7. Bond debt within the cap at the fill and equal to KS18 from the vintage ring.
  if (quote_.price < p_.bond.min_price) fail("p_b below p_min");
  if (!close(s_.debt.debt(), s_.debt.recomputed(), 1e-9)) fail("D differs from KS18 recomputed from the ring");
  if (s_.debt.debt() > p_.bond.max_debt * s_.S * (1 + 1e-9) + 1e-9 && fill_.bond_fill > 0)
    fail("D above D_max·S after a fill");
}

}  // namespace stampede::ksn
