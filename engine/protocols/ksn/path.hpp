#pragma once
// One Monte Carlo path of KSN (ksn.md §4–§9): protocol scalars (KsnState), the KSN-USDC pool,
// exogenous processes and the agents' holdings, advanced by the framework's step
// (engine/framework/protocol_model.hpp). The per-agent work is the fused pass's hooks: last
// step's fills, then the bonders' vesting (accrue_bond, KS19) and daily claim (KS20), then the
// own terms of the skip and the full evaluations. A rebase step (KS5–KS10) needs the settled
// state: the framework settles at its end, then after_settle runs the PoTP update and
// accrue_rebase over stakers and bonders.
#include <algorithm>
#include <cstdint>

#include "agents/fused_pass.hpp"
#include "agents/population.hpp"
#include "engine/core/aligned.hpp"
#include "engine/core/ring.hpp"
#include "engine/framework/invariants.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/market/exogenous.hpp"
#include "engine/market/twap.hpp"
#include "engine/protocols/ksn/apy.hpp"
#include "engine/protocols/ksn/bond_quote.hpp"
#include "engine/protocols/ksn/history.hpp"
#include "engine/protocols/ksn/ksn.hpp"
#include "engine/protocols/ksn/observers.hpp"
#include "engine/protocols/ksn/rebase_policy.hpp"
#include "engine/protocols/ksn/rebase_step.hpp"
#include "engine/protocols/ksn/schedule.hpp"
#include "engine/protocols/ksn/state.hpp"
#include "engine/protocols/ksn/treasury.hpp"
#include "kernels/accrue_bond.hpp"

namespace stampede::ksn {

// Per-agent holdings, structure of arrays (ksn.md §2), indexed like the population.
struct KsnAgents {
  // KSN liquid, USDC, staked KSN, unvested and vested-unclaimed bond KSN, LP shares.
  AlignedArray<double> liquid, usdc, stake, bond_rem, bond_claim, lp;
  // cost basis (USDC), since (s; t_i = now − since), bond_left (s), G_i, L_i, m_i, d_req_i.
  AlignedArray<float> cost, since, bond_left, gov, loyalty, m, d_req;
};

// The status byte's protocol flag (agents/population.hpp): withdrew since the last rebase (KS10).
inline constexpr std::uint8_t kWithdrewFlag = std::uint8_t{1} << agents::kProtocolFlagShift;

// Sums of one step's intents (the pass -> phase 3).
struct KsnIntents {
  double unstake = 0, penalties = 0;  // Σa_i (staker and bonder exits), Σpen_i (KS11)
  double sell_ksn = 0;                // bonder and trader sells of liquid KSN
  double buy_usdc = 0;                // trader buys and the stakers' buy-and-stake
  double lp_add_usdc = 0, lp_withdraw_shares = 0;
  double bond_usdc = 0;               // Σu_i after the KS14 per-bond cap
  double stake_liquid = 0;            // liquid KSN staked (stakers' and bonders')
  double stake_buy_usdc = 0;          // USDC of the stakers' buy-and-stake
};

// What settling step t needs, fixed in its phase 3 (all fills are pro rata, so linear).
struct KsnFills {
  double sell_ratio = 0;     // USDC per KSN sold by the agents (sell tax included)
  double buy_ratio = 0;      // KSN per USDC spent by the agents
  double lp_dx_per_share = 0, lp_dy_per_share = 0;
  double lp_burn_ratio = 1;  // shares burned per share asked (1 unless the pool's locked residue caps it)
  double lp_per_usdc = 0;    // KS16 zap: LP shares per USDC
  double bond_fill = 0;      // KS14 f_b
  double payout_per_usdc = 0;
  double bond_cap = 0;       // KS14 per-bond cap of the step, USDC
  double decided_at = 0;     // t·dt: the decision's time (penalties)
  float now = 0;             // (t + 1)·dt: a new position's since_i
  bool claim = false;        // KS20 ran at the end of step t
};

// What `--check` compares that the settled state alone does not show (ksn.md's invariants list):
// scalars of this step's clearing and rebase, a few doubles per path. Written whether or not
// --check runs (reading them never changes a result); tests feed violating values through
// KsnPath::check_record().
struct KsnCheckRecord {
  // The swap whose x·y fell most (after − before), or 0, 0 without a swap.
  double swap_k_before = 0, swap_k_after = 0;
  // KS11: Σ pen_i and Σ a_i of the step's unstakes.
  double penalties = 0, unstaked = 0;
  // KS14–KS17: the largest payout_i a fill allows (payout per USDC × the cap × the fill ratio), S at
  // the quote; E = RFV − S right before and after the bonds (only under --check).
  bool bonded = false;
  double payout_max = 0, payout_S = 0, bond_E_before = 0, bond_E_after = 0;
  // A rebase step: KS7's M with E before and after it; KS9's Σ Δ_i·m_i and g·Σ q_i·m_i² (the
  // second moment of Δ_i = g·m_i·q_i), with W = Σ q_i·m_i as their scale.
  bool rebased = false;
  double mint = 0, mint_E_before = 0, mint_E_after = 0;
  double rebase_dm = 0, rebase_g_w2 = 0, rebase_W = 0;
};

class KsnPath {
 public:
  KsnPath(const KsnScenario& sc, const agents::Behaviour& behaviour, const framework::PathContext& ctx,
          agents::Population& pop);

  // --- the framework's step (protocol_model.hpp) ---
  void begin_step(std::int64_t t);
  void signals(std::int64_t t, double* s, double* own_lo, double* own_hi);
  void begin_decide(std::int64_t t);
  void clear(std::int64_t t);
  bool needs_settled_state(std::int64_t t) const { return KsnSchedule::due(t, sch_.rebase_steps); }
  void after_settle(std::int64_t t);  // the rebase (KS5–KS10)
  void observe(std::int64_t t);
  // Splitting score of `bank_run` (Ksn::scores, docs/rare-events.md "Scores"): below 1 until the
  // event has fired, exactly 1 from then on. A bank run is a cascade set off by a fast price fall
  // (the stakers' `mom` signal): the unstaked fraction stays near 1% of the threshold until the
  // hour the cascade starts, so it cannot rank paths before that; the 24h fall can. The score is
  // the larger of the window's unstaked fraction over the threshold and F/(F + kFallHalf), F the
  // 24h log fall of the spot (0.5 at a 25% log fall, where the cascades measured start), times
  // the share of a cascade's course (kCascadeSeconds, from such a fall to the event) that is left
  // before the horizon: a cascade starting in the last hours cannot reach the event, and copies
  // of it would all tie at its peak (extinct runs on short horizons).
  static constexpr double kFallHalf = 0.25;
  static constexpr double kCascadeSeconds = 6 * 3600.0;
  double score(std::size_t k) const noexcept {
    if (k != 0) return 0.0;
    if (first_[e_bank_run] >= 0) return 1.0;
    const double fall = std::max(0.0, std::log(spot_day_.oldest() / spot_day_.back()));
    const double unstaked = bank_run_.unstaked_fraction() / sc_.params.metrics.bank_run_fraction;
    const double left = static_cast<double>(ctx_.horizon_steps - 1 - step_) * static_cast<double>(ctx_.dt_seconds);
    const double time_left = std::clamp(left / kCascadeSeconds, 0.0, 1.0);
    return std::min(0.999999, std::max(unstaked, fall / (fall + kFallHalf)) * time_left);
  }
  // Splitting: later steps draw from `branch` (engine/driver/model.hpp PathSimulation::set_branch).
  void set_branch(std::uint64_t branch) noexcept {
    ctx_.key.branch = branch;
    exo_.set_branch(branch);
  }
  // Splitting: a copy of this path (ProtocolPath's copy) points at its own population.
  void rebind(agents::Population& pop) noexcept { pop_ = &pop; }
  void check(const framework::Invariants& inv) const;  // ksn.md §9
  void series(double* out) const;
  void finals(double* out) const;
  void events(std::int64_t* first_step) const;

  // --- the fused pass's hooks (agents/fused_pass.hpp) ---
  static constexpr int actions(int type) { return type == bonder ? 4 : 2; }
  static constexpr agents::Accrual accrual(int type) {
    return type == bonder ? agents::Accrual::after_fills : agents::Accrual::none;
  }
  // KS19 linear vesting over the settled step, then KS20's daily claim.
  template <int T, class A>
  void accrue(std::size_t i) {
    if constexpr (T == bonder) {
      using D = xsimd::batch<double, A>;
      kernels::detail::bond_batch<A>(bond_columns(), i, static_cast<double>(ctx_.dt_seconds));
      if (fill_.claim) {
        (D::load_aligned(a_.liquid.data() + i) + D::load_aligned(a_.bond_claim.data() + i)).store_aligned(a_.liquid.data() + i);
        D(0.0).store_aligned(a_.bond_claim.data() + i);
      }
    }
  }
  template <int T>
  void accrue_one(std::size_t i) {
    if constexpr (T == bonder) {
      kernels::detail::bond_one(bond_columns(), i, static_cast<double>(ctx_.dt_seconds));
      if (fill_.claim) {
        a_.liquid[i] = a_.liquid[i] + a_.bond_claim[i];
        a_.bond_claim[i] = 0.0;
      }
    }
  }
  template <int T>
  void settle(std::size_t i, int action, double f);

  // KS21 wealth, over the holdings type T can have (the others stay 0; adding 0 changes nothing):
  //   W_i = p·(liquid + stake + bond_rem + bond_claim) + usdc + lp·lp_value.
  template <int T>
  double wealth(std::size_t i) const {
    double k = a_.liquid[i];
    if constexpr (T == staker || T == bonder) k = k + a_.stake[i];
    if constexpr (T == bonder) k = k + a_.bond_rem[i] + a_.bond_claim[i];
    double W = mtm_p_ * k + a_.usdc[i];
    if constexpr (T == lp) W = W + a_.lp[i] * mtm_lpv_;
    return W;
  }
  // The own terms of §6 (pnl_i, pen_i, m_i − 1, d − d_req_i) and the masks (an action on an
  // empty holding has P = 0), in SIMD for the skip: the same values as own_terms_one, which
  // prepare uses.
  static constexpr bool own_terms_in_simd(int) { return true; }
  template <int T, class A>
  void own_terms(std::size_t i, xsimd::batch<double, A>* x, xsimd::batch_bool<double, A>* allowed) {
    using D = xsimd::batch<double, A>;
    const D zero(0.0);
    const D liquid = D::load_aligned(a_.liquid.data() + i), usdc = D::load_aligned(a_.usdc.data() + i);
    D k = liquid;
    D stake = zero;
    if constexpr (T == staker || T == bonder) {
      stake = D::load_aligned(a_.stake.data() + i);
      k = k + stake;
    }
    if constexpr (T == bonder) k = k + D::load_aligned(a_.bond_rem.data() + i) + D::load_aligned(a_.bond_claim.data() + i);
    D W = D(mtm_p_) * k + usdc;
    D lp_i = zero;
    if constexpr (T == lp) {
      lp_i = D::load_aligned(a_.lp.data() + i);
      W = W + lp_i * D(mtm_lpv_);
    }
    const D cost = kernels::load_widened<A>(a_.cost.data() + i);
    x[own_pnl] = xsimd::select(cost > zero, W / cost - D(1.0), zero);
    const D age = D(decide_now_) - kernels::load_widened<A>(a_.since.data() + i);
    x[own_pen] = D(p_.dcp.penalty_max) * kernels::max_of<A>(zero, D(1.0) - age / D(static_cast<double>(p_.dcp.penalty_period)));
    x[own_potp] = kernels::load_widened<A>(a_.m.data() + i) - D(1.0);
    x[own_disc_gap] = D(quote_.discount) - kernels::load_widened<A>(a_.d_req.data() + i);
    if constexpr (T == staker) {
      allowed[staker_enter] = (liquid > zero) | (usdc > zero);
      allowed[staker_exit] = stake > zero;
    } else if constexpr (T == bonder) {
      allowed[bonder_bond] = usdc > zero;
      allowed[bonder_stake] = liquid > zero;
      allowed[bonder_sell] = liquid > zero;
      allowed[bonder_exit] = stake > zero;
    } else if constexpr (T == trader) {
      allowed[trader_buy] = usdc > zero;
      allowed[trader_sell] = liquid > zero;
    } else {
      allowed[lp_add] = usdc > zero;
      allowed[lp_withdraw] = lp_i > zero;
    }
  }
  template <int T>
  void own_terms_one(std::size_t i, double* x, bool* allowed) const;
  template <int T>
  static void prefetch_decision(const KsnPath&, std::size_t, std::size_t) {}
  template <int T>
  void prepare(std::size_t i, bool reentered, agents::Decision& d);
  template <int T>
  void intent(std::size_t i, int action, double f, const agents::Decision& d);

  const KsnState& state() const { return s_; }
  KsnState& state() { return s_; }
  const KsnAgents& holdings() const { return a_; }
  KsnAgents& holdings() { return a_; }
  double stake_total() const { return stake_total_; }
  KsnCheckRecord& check_record() const { return chk_; }

 private:
  void init_population();
  void series_values(double* out) const;
  kernels::BondColumns bond_columns() { return {a_.bond_rem.data(), a_.bond_claim.data(), a_.bond_left.data()}; }
  double bond_cap_usdc() const { return p_.bond.max_payout * S_decide_ * quote_.price; }
  double sell(double ksn);   // into the pool, sub-swapped
  double buy(double usdc);

  const KsnScenario& sc_;
  const KsnParams& p_;
  framework::PathContext ctx_;  // not const: set_branch (splitting) moves its key's branch
  agents::Population* pop_;  // the ProtocolPath's population (a pointer: a copied path is rebound to its own)
  KsnSchedule sch_;
  std::int64_t steps_per_day_;
  std::int64_t twap_window_;

  KsnState s_;
  KsnAgents a_;
  market::ExogenousProcesses exo_;
  market::TwapOracle twap_;
  RebasePolicy policy_;
  SpotVolatility vol_;
  TvlGrowth tvl_;

  // The decision's scalars: KS21 prices at the end of the previous step, the step's bond quote.
  double mtm_p_ = 0, mtm_lpv_ = 0;
  double decide_now_ = 0;
  BondQuote quote_{};
  BondType bond_type_ = BondType::reserve;
  double S_decide_ = 0, S_circ_decide_ = 0;
  double a_L_ = 1;

  KsnIntents in_;
  KsnFills fill_;
  RebaseOutcome last_rebase_{};

  Ring<double> spot_day_;   // step-end spots, 24h + 1 (mom)
  Ring<double> spot_week_;  // step-end spots, 7d (ma7d demand reference)
  Ring<double> fees_day_;   // pool fees per step, USDC, 24h
  BankRunObserver bank_run_;
  BelowBackingObserver below_backing_;
  RebaseDefaultObserver rebase_default_;
  RealisedApy apy_;
  std::int64_t first_[kNumEvents];
  double premium_min_ = 0, runway_min_ = 0;

  std::int64_t step_ = 0;  // the last step observed (the splitting score's time left)
  double fees_at_start_ = 0, step_unstaked_ = 0;
  double stake_total_ = 0;  // Σ stake at the end of the step (tracked from the fills; exact after a rebase)
  double usdc0_ = 0;        // Σ usdc_i + y + T_usdc at t0
  mutable KsnCheckRecord chk_;
};

}  // namespace stampede::ksn
