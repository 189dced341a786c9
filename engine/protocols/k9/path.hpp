#pragma once
// One Monte Carlo path of K9 (k9.md §4–§9): the vesting contract and RYS totals (K9State), the
// KNINE-WETH pool, exogenous processes and the agents' holdings, advanced by the framework's step
// (engine/framework/protocol_model.hpp). Per-agent work is the fused pass's hooks: last step's
// fills (N4–N10 as each agent chose them), then the vesters' farming (N3) and vesting (N11,
// accrue_vesting) over the step, then the own terms of the skip and the full evaluations.
//
// Timing (k9.md §4): the events an agent chooses at step t take effect at time t·dt and the
// accrual covers [t·dt, (t+1)·dt]; the framework settles step t's fills at the start of step t+1's
// pass, then accrues, so the per-second schedule is exact for any dt. The emergency stop (N2)
// needs the settled state: at the step whose end reaches the stop, the framework settles and
// after_settle settles every position.
#include <cstdint>
#include <limits>

#include "agents/fixed_sum.hpp"
#include "agents/fused_pass.hpp"
#include "agents/population.hpp"
#include "engine/core/aligned.hpp"
#include "engine/core/ring.hpp"
#include "engine/framework/invariants.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/market/exogenous.hpp"
#include "engine/market/pool.hpp"
#include "engine/protocols/k9/k9.hpp"
#include "engine/protocols/k9/observers.hpp"
#include "engine/protocols/k9/rules.hpp"
#include "engine/protocols/k9/state.hpp"
#include "kernels/accrue_vesting.hpp"

namespace stampede::k9 {

// Per-agent holdings, structure of arrays (k9.md §2), indexed like the population. Types are
// stored vester, staker, trader, so a column only some types use covers [0, end of its last type)
// and no more: `staked` covers vesters and stakers, the vesting and lock columns vesters only.
struct K9Agents {
  // Every agent: liquid KNINE, WETH (the quote), cost basis (USD at t0).
  AlignedArray<double> knine, weth;
  AlignedArray<float> cost;
  // Vesters and stakers: non-locked RYS stake St_i.
  AlignedArray<double> staked;
  // Vesters: wallet esKNINE, locked KNINE Lk_i, unvested u_i, converted-unclaimed esKNINE
  // (the claimable KNINE is c_i = v_i·converted_i), the rate r_i (esKNINE/s).
  AlignedArray<double> es, locked, unvested, converted, rate;
  // Vesters: farm weight fw_i (N3), end e_i and lock_end_i (s from t0), lock_k_i (months), the
  // snapshots b_i (negative when a_i = 0: non-locked collateral not accepted) and v_i, and the
  // tags of liquid KNINE from claims and from N6 releases not yet sold (§8).
  AlignedArray<float> farm_w, end, lock_end, lock_k, b, v, from_claim, from_unlock;
};

// Sums of one step's intents (the pass -> clear).
struct K9Intents {
  double claim_knine = 0, claim_es = 0;  // N4 claims asked (incl. a deposit's first claim)
  double sell = 0;                       // KNINE the agents sell (sells, N5 and N6 parts)
  double sell_claim = 0, sell_unlock = 0;  // of which from_claim, and N6 parts + from_unlock
  double buy = 0;                        // WETH spent
  double unstaked = 0;                   // X of N5 (vesters and stakers)
  double withdrawn = 0;                  // Lk of N6
  double locked = 0, staked = 0;         // N7 amounts
  double weight_change = 0;              // ΔΣweight of the N7 locks, N5 and N6
  double deposits = 0, recalcs = 0;      // positions opened (N10) and first recalculations (N5)
  double es_excluded = 0;                // N5
  double es_deposited = 0;               // N10 x
};

// What settling step t needs, fixed in its clear (fills are pro rata, so linear).
struct K9Fills {
  double sell_ratio = 0;  // WETH per KNINE sold by the agents
  double buy_ratio = 0;   // KNINE per WETH spent
  double phi = 1;         // N4 share of the claims paid
  double t = 0;           // the decision's time, t·dt
  std::int64_t step = 0;  // the decision's step (lock months are drawn from it)
  Settings settings;      // the settings in force at the decision
  bool stopped = false;
};

class K9Path {
 public:
  K9Path(const K9Scenario& sc, const agents::Behaviour& behaviour, const framework::PathContext& ctx,
         agents::Population& pop);

  // --- the framework's step (protocol_model.hpp) ---
  void begin_step(std::int64_t t);
  void signals(std::int64_t t, double* s, double* own_lo, double* own_hi);
  void begin_decide(std::int64_t t);
  void clear(std::int64_t t);
  bool needs_settled_state(std::int64_t t) const;
  void after_settle(std::int64_t t);  // N2 when the stop falls at this step's end
  void observe(std::int64_t t);
  // Splitting: later steps draw from `branch` (engine/driver/model.hpp PathSimulation::set_branch).
  void set_branch(std::uint64_t branch) noexcept {
    ctx_.key.branch = branch;
    exo_.set_branch(branch);
  }
  // Splitting: a copy of this path (ProtocolPath's copy) points at its own population.
  void rebind(agents::Population& pop) noexcept { pop_ = &pop; }
  // Splitting score of `unlock_drawdown` (K9::scores): min(drawdown from the window's peak / drop,
  // unlock share of the window's sells / share), below 1 until the event has fired, 1 from then on.
  double score(std::size_t k) const noexcept {
    if (k != 0) return 0.0;
    if (first_[e_unlock_drawdown] >= 0) return 1.0;
    return std::clamp(unlock_dd_.closeness(), 0.0, 0.999999);
  }
  void check(const framework::Invariants& inv) const;  // k9.md §9
  void series(double* out) const;
  void finals(double* out) const;
  void events(std::int64_t* first_step) const;

  // --- the fused pass's hooks (agents/fused_pass.hpp) ---
  static constexpr int actions(int type) { return type == vester ? 7 : type == staker ? 3 : 2; }
  static constexpr agents::Accrual accrual(int type) {
    return type == vester ? agents::Accrual::after_fills : agents::Accrual::none;
  }
  // N3 farming and N11 vesting over the settled step, and the unlock_7d sums at its end.
  template <int T, class A>
  void accrue(std::size_t i) {
    if constexpr (T == vester) {
      using D = xsimd::batch<double, A>;
      D es = D::load_aligned(a_.es.data() + i) + D(farm_per_weight_) * kernels::load_widened<A>(a_.farm_w.data() + i);
      es.store_aligned(a_.es.data() + i);
      kernels::detail::vesting_batch<A>(vesting_columns(), i, acc_.t0, acc_.t1);
      const D u = D::load_aligned(a_.unvested.data() + i);
      const D due = kernels::min_of<A>(u, D::load_aligned(a_.rate.data() + i) * D(kUnlockHorizon));
      const D lk = D::load_aligned(a_.locked.data() + i);
      const D lock_end = kernels::load_widened<A>(a_.lock_end.data() + i);
      const auto ending = (lock_end > D(acc_.t1)) & (lock_end <= D(acc_.t1 + kUnlockHorizon));
      unlock_sum_.add_batch(i, kernels::load_widened<A>(a_.v.data() + i) * due + xsimd::select(ending, lk, D(0.0)));
      unlock_fresh_ = true;
    }
  }
  template <int T>
  void accrue_one(std::size_t i) {
    if constexpr (T == vester) {
      a_.es[i] = a_.es[i] + farm_per_weight_ * static_cast<double>(a_.farm_w[i]);
      kernels::detail::vesting_one(vesting_columns(), i, acc_.t0, acc_.t1);
      const double due = kernels::min_of(a_.unvested[i], a_.rate[i] * kUnlockHorizon);
      const double lock_end = static_cast<double>(a_.lock_end[i]);
      const bool ending = lock_end > acc_.t1 && lock_end <= acc_.t1 + kUnlockHorizon;
      unlock_sum_.add(i, static_cast<double>(a_.v[i]) * due + (ending ? a_.locked[i] : 0.0));
      unlock_fresh_ = true;
    }
  }
  template <int T>
  void settle(std::size_t i, int action, double f);

  // N12 wealth (USD) of agent i at the decision's prices, over the holdings type T can have.
  template <int T>
  double wealth(std::size_t i) const {
    double k = a_.knine[i];
    if constexpr (T != trader) k = k + a_.staked[i];
    if constexpr (T == vester)
      k = k + a_.locked[i] + static_cast<double>(a_.v[i]) * (a_.converted[i] + a_.unvested[i]) + dec_.v * a_.es[i];
    return k * dec_.p_usd + a_.weth[i] * dec_.quote_usd;
  }
  // The own terms of §6 and the masks, in SIMD for the skip: the same values as own_terms_one.
  static constexpr bool own_terms_in_simd(int) { return true; }
  template <int T, class A>
  void own_terms(std::size_t i, xsimd::batch<double, A>* x, xsimd::batch_bool<double, A>* allowed);
  template <int T>
  void own_terms_one(std::size_t i, double* x, bool* allowed) const;
  template <int T>
  static void prefetch_decision(const K9Path&, std::size_t, std::size_t) {}
  template <int T>
  void prepare(std::size_t i, bool reentered, agents::Decision& d);
  template <int T>
  void intent(std::size_t i, int action, double f, const agents::Decision& d);

  const K9State& state() const { return s_; }
  K9State& state() { return s_; }
  const K9Agents& holdings() const { return a_; }
  K9Agents& holdings() { return a_; }
  // The vesting position and RYS of vester i, as the rules see them.
  Position position(std::size_t i) const;
  Rys rys(std::size_t i) const;

  static constexpr double kUnlockHorizon = 7.0 * 86400.0;  // the 7 days of unlock_7d (§6)

 private:
  void init_population();
  void store(std::size_t i, const Position& p);
  void store(std::size_t i, const Rys& r);
  void apply_admin_changes(double now);
  void emergency_stop(std::int64_t t);
  double sell(double knine);  // into the pool, sub-swapped
  double buy(double weth);
  int lock_months(std::int64_t step, std::size_t i) const;
  double quote_usd() const;  // USD per quote unit now
  kernels::VestingColumns vesting_columns() {
    return {a_.unvested.data(), a_.converted.data(), a_.rate.data(), a_.end.data()};
  }

  const K9Scenario& sc_;
  const K9Params& p_;
  framework::PathContext ctx_;  // not const: set_branch (splitting) moves its key's branch
  agents::Population* pop_;  // the ProtocolPath's population (a pointer: a copied path is rebound to its own)
  std::int64_t steps_per_day_;
  std::size_t n_vester_ = 0, n_holder_ = 0;  // [0, n_vester): vesters; [0, n_holder): vesters and stakers

  K9State s_;
  K9Agents a_;
  market::ExogenousProcesses exo_;
  double farm_per_weight_ = 0;  // esKNINE per unit of fw per step (N3)

  // The decision's scalars (the start of the step).
  struct DecisionPrices {
    double t = 0, p_usd = 0, quote_usd = 0, v = 1, b = 2, T = 0;
    bool locked_only = false, stopped = false;
    double min_lock = 0;
  } dec_;
  struct AccrualWindow {
    double t0 = 0, t1 = 0;  // the step the pending accrual covers
  } acc_;
  double p_start_ = 0;  // spot at the step start (demand's p, signals)

  K9Intents in_;
  K9Fills fill_;
  agents::FixedSum unlock_sum_;  // Σ v·min(u, r·7d) + Lk ending within 7d, over the last pass
  double unlock_raw_ = 0;        // its value at the end of the last pass
  bool unlock_fresh_ = false;    // the pass since the last clear accrued (and summed)

  Ring<double> spot_day_;   // step-end spots, 24h + 1 (mom)
  Ring<double> ret2_day_;   // squared step log-returns, 24h (vol)
  Ring<double> spot_week_;  // step-end spots, 7d (px_dev's MA, the demand reference)
  double spot_week_sum_ = 0;
  UnlockDrawdown unlock_dd_;
  double peak_ = 0, max_drawdown_ = 0;
  std::int64_t first_[kNumEvents];
  std::int64_t stop_step_ = -1;       // the step at whose end the stop took effect
  double stop_price_ = 0, stop_price_7d_ = std::numeric_limits<double>::quiet_NaN();
  Ring<double> claimed_day_, claim_sold_day_, unlock_sold_day_;  // per-step flows, 24h
  double step_claimed_ = 0, step_claim_sold_ = 0, step_unlock_sold_ = 0, step_sold_all_ = 0;
  double es_supply0_ = 0, weth0_ = 0;  // at t0 (the §9 conservation checks)
};

// The SIMD own terms and masks of the skip (the same arithmetic as own_terms_one, path.cpp).
template <int T, class A>
inline void K9Path::own_terms(std::size_t i, xsimd::batch<double, A>* x, xsimd::batch_bool<double, A>* allowed) {
  using D = xsimd::batch<double, A>;
  const D zero(0.0), one(1.0);
  const D knine = D::load_aligned(a_.knine.data() + i), weth = D::load_aligned(a_.weth.data() + i);
  D k = knine;
  D st = zero;
  if constexpr (T != trader) {
    st = D::load_aligned(a_.staked.data() + i);
    k = k + st;
  }
  D lk = zero, u = zero, es = zero, conv = zero, vi = zero;
  if constexpr (T == vester) {
    lk = D::load_aligned(a_.locked.data() + i);
    u = D::load_aligned(a_.unvested.data() + i);
    es = D::load_aligned(a_.es.data() + i);
    conv = D::load_aligned(a_.converted.data() + i);
    vi = kernels::load_widened<A>(a_.v.data() + i);
    k = k + lk + vi * (conv + u) + D(dec_.v) * es;
  }
  const D W = k * D(dec_.p_usd) + weth * D(dec_.quote_usd);
  const D inv_w = xsimd::select(W > zero, one / W, zero);
  const D cost = kernels::load_widened<A>(a_.cost.data() + i);
  x[own_pnl] = xsimd::select(cost > zero, W / cost - one, zero);
  if constexpr (T == vester) {
    const D pw = D(dec_.p_usd) * inv_w;
    const D es_max = kernels::max_of<A>(zero, (lk + (dec_.locked_only ? zero : st) - D(dec_.b) * u) / D(dec_.b));
    x[own_capacity] = es_max * D(dec_.v) * pw;
    x[own_claimable] = vi * conv * pw;
    const D bi = kernels::load_widened<A>(a_.b.data() + i);
    x[own_recalc_loss] = xsimd::select(bi > zero, kernels::min_of<A>(u, st / bi) * vi * pw, zero);
    x[own_uncovered] = kernels::max_of<A>(zero, es - es_max) * D(dec_.v) * pw;
    const D from_claim = kernels::load_widened<A>(a_.from_claim.data() + i);
    x[own_claim_share] = xsimd::select(knine > zero, kernels::min_of<A>(one, from_claim / knine), zero);
    const D lock_end = kernels::load_widened<A>(a_.lock_end.data() + i);
    const D lock_k = kernels::load_widened<A>(a_.lock_k.data() + i);
    const auto eligible = (lk > zero) & (lock_k * D(kLockMonth) >= D(dec_.min_lock)) & (lock_end - D(dec_.t) >= D(dec_.T)) &
                          (kernels::min_of<A>(es, es_max) > zero);
    allowed[vester_deposit] = dec_.stopped ? (zero > zero) : eligible;
    allowed[vester_claim] = conv > zero;
    allowed[vester_sell] = knine > zero;
    allowed[vester_unstake] = st > zero;
    allowed[vester_lock] = knine > zero;
    allowed[vester_withdraw_lock] = (lk > zero) & (D(dec_.t) >= lock_end);
    allowed[vester_buy] = weth > zero;
  } else if constexpr (T == staker) {
    allowed[staker_sell] = knine > zero;
    allowed[staker_unstake] = st > zero;
    allowed[staker_stake] = knine > zero;
  } else {
    allowed[trader_sell] = knine > zero;
    allowed[trader_buy] = weth > zero;
  }
}

}  // namespace stampede::k9
