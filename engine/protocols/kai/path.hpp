#pragma once
// One Monte Carlo path of KAI (kai.md §4–§9): protocol scalars, the KUSDT-KAI pool, exogenous
// processes and the agents' holdings, advanced by the framework's step (engine/framework/
// protocol_model.hpp). The per-agent work is the fused pass's hooks below: K22/K23 accrual (SIMD)
// and last step's fills, then masks and own terms for the agents the exact skip cannot settle.
#include <cstdint>

#include "agents/fused_pass.hpp"
#include "agents/population.hpp"
#include "engine/core/aligned.hpp"
#include "engine/framework/invariants.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/market/exogenous.hpp"
#include "engine/market/twap.hpp"
#include "engine/protocols/kai/kai.hpp"
#include "engine/protocols/kai/risk_events.hpp"
#include "engine/protocols/kai/round.hpp"
#include "engine/protocols/kai/signals.hpp"
#include "engine/protocols/kai/state.hpp"
#include "engine/random/stream_simd.hpp"
#include "kernels/accrue_reward_per_share.hpp"

namespace stampede::kai {

// Per-agent holdings, structure of arrays (kai.md §6), indexed like the population.
struct KaiAgents {
  AlignedArray<double> kai, kusdt, skai, st, earned, snap, bkai, snap_lp, lp;
  AlignedArray<float> cost;           // K25 basis (pnl is a behavioural term: float precision is ample)
  AlignedArray<std::uint32_t> timer;  // round of the last stake or claim + kTimerOffsetRounds (K15 lockups)
};

// Sums of one step's intents (the pass -> phase 3).
struct KaiIntents {
  double holder_sell_kai = 0, holder_buy_kusdt = 0;
  double stake_skai = 0, claim_pending = 0, withdraw_st = 0, withdraw_pending = 0;
  double bond_buy_kusdt = 0, bond_kai = 0, redeem_bkai = 0, bond_sell_kai = 0;
  double lp_remove_shares = 0, lp_add_dy = 0, lp_add_dx = 0;
};

// What settling step t needs, fixed in its phase 3 (all fills are pro rata, so linear).
struct KaiFills {
  double sell_ratio = 0;       // KUSDT received per KAI in the agents' sell aggregate
  double buy_ratio = 0;        // KAI received per KUSDT in the agents' buy aggregate
  double bond_phi = 0;         // K19 fill ratio
  double redeem_phi = 0;       // K16 burn ratio
  double redeem_kai_per_bkai = 0;
  double lp_dx_per_share = 0;  // K17: KAI and KUSDT out per LP share removed
  double lp_dy_per_share = 0;
  double lp_burn_ratio = 1;    // shares burned per share asked (1 unless the pool's locked residue caps it)
  double lp_add_fill_kusdt = 0, lp_add_fill_kai = 0, lp_add_share_per_kusdt = 0;  // K21
  double p_decide = 1;         // K21's p_0: the spot when the step decided
  double rps = 0, rps_lp = 0;  // K22/K23: the accumulators of the step (accrued before its fills)
  std::int64_t round = 0;      // K15: the lock timer restarts at this round
};

// What `--check` compares that the settled state alone does not show (kai.md's invariants list):
// scalars of the previous checked step and of this step's and round's clearing, a few doubles
// per path. Written whether or not --check runs (reading them never changes a result); tests
// feed violating values through KaiPath::check_record().
struct KaiCheckRecord {
  // At the end of the previous checked step (the initial state before step 0).
  double prev_B = 0, prev_skai_supply = 0, prev_cap_tier = 0;
  // This step: K19 fill, the debt-cap base read before it, B after it; K16 burns and payout out
  // of A with A before it; K13 emission (0 off a round step).
  double bond_fill = 0, bond_base = 0, bond_B_after = 0;
  double bkai_burned = 0, treasury_paid = 0, treasury_A_before = 0;
  double skai_emitted = 0;
  // This round: S at its start (K11's base) and Σ K19 fills so far.
  double round_S = 0, round_fills = 0;
  // First staker settled with a claim or withdraw inside its lock-up (−1: none); only under --check.
  std::int64_t lock_breach = -1;
};

// The lock timer word holds the round of the last stake or claim plus this offset, so the
// initial stakers (round −64) are unlocked from round 0 (kai.md §3).
inline constexpr std::int64_t kTimerOffsetRounds = 64;

class KaiPath {
 public:
  KaiPath(const KaiScenario& sc, const agents::Behaviour& behaviour, const framework::PathContext& ctx,
          agents::Population& pop);

  // --- the framework's step (protocol_model.hpp) ---
  void begin_step(std::int64_t t);
  void signals(std::int64_t t, double* s, double* own_lo, double* own_hi);
  void begin_decide(std::int64_t t);
  void clear(std::int64_t t);
  bool needs_settled_state(std::int64_t) const { return false; }
  void after_settle(std::int64_t) {}
  void observe(std::int64_t t);
  // Splitting score of `depeg` (DepegObserver::score), given the TWAP of the round in progress.
  double score(std::size_t k) const noexcept {
    return k == 0 ? depeg_.score(p_.peg, twap_.twap_open_window(static_cast<std::int64_t>(p_.round_seconds))) : 0.0;
  }
  // Splitting: later steps draw from `branch` (engine/driver/model.hpp PathSimulation::set_branch).
  void set_branch(std::uint64_t branch) noexcept {
    ctx_.key.branch = branch;
    exo_.set_branch(branch);
  }
  // Splitting: a copy of this path (ProtocolPath's copy) points at its own population.
  void rebind(agents::Population& pop) noexcept { pop_ = &pop; }
  void check(const framework::Invariants& inv) const;  // kai.md §9
  void series(double* out) const;
  void finals(double* out) const;
  void events(std::int64_t* first_step) const;

  // --- the fused pass's hooks (agents/fused_pass.hpp) ---
  static constexpr agents::Accrual accrual(int type) {
    return type == staker || type == bond_buyer ? agents::Accrual::before_fills : agents::Accrual::none;
  }
  template <int T, class A>
  void accrue(std::size_t i) {
    if constexpr (T == staker) kernels::detail::reward_batch<A>(boardroom_columns(), i, fill_.rps);    // K22
    if constexpr (T == bond_buyer) kernels::detail::reward_batch<A>(bkai_lp_columns(), i, fill_.rps_lp);  // K23
  }
  template <int T>
  void accrue_one(std::size_t i) {
    if constexpr (T == staker) kernels::detail::reward_one(boardroom_columns(), i, fill_.rps);
    if constexpr (T == bond_buyer) kernels::detail::reward_one(bkai_lp_columns(), i, fill_.rps_lp);
  }
  // pnl_i (and the staker's claimable_i) and the masks of §6, for the skip: the same values
  // as own_terms_one, which prepare uses.
  static constexpr int actions(int type) { return type == holder || type == lp ? 2 : 3; }
  static constexpr bool own_terms_in_simd(int) { return true; }
  template <int T, class A>
  void own_terms(std::size_t i, xsimd::batch<double, A>* x, xsimd::batch_bool<double, A>* allowed) {
    using D = xsimd::batch<double, A>;
    const D zero(0.0), p(mtm_p_);
    const D kai = D::load_aligned(a_.kai.data() + i), kusdt = D::load_aligned(a_.kusdt.data() + i);
    D W = kai * p + kusdt;
    if constexpr (T == staker) {
      const D st = D::load_aligned(a_.st.data() + i), skai = D::load_aligned(a_.skai.data() + i);
      const D earned = D::load_aligned(a_.earned.data() + i);
      W = W + (st + skai) * D(p_.skai_price);
      W = W + earned * p;
      const D pending = earned + st * (D(s_.RPS) - D::load_aligned(a_.snap.data() + i));
      x[own_claimable] = xsimd::select(W > zero, pending * p / W, zero);
      // K15 lockups: r ≥ timer + lock, on the round kept in the timer word.
      const D since = rng::u32_to_double<A>(a_.timer.data() + i) - D(static_cast<double>(kTimerOffsetRounds));
      const D r(static_cast<double>(s_.r));
      allowed[staker_stake] = skai > zero;
      allowed[staker_claim] = (pending > zero) & (r >= since + D(static_cast<double>(claim_lock_)));
      allowed[staker_withdraw] = (st > zero) & (r >= since + D(static_cast<double>(withdraw_lock_)));
    } else if constexpr (T == bond_buyer) {
      const D skai = D::load_aligned(a_.skai.data() + i), bkai = D::load_aligned(a_.bkai.data() + i);
      W = W + skai * D(p_.skai_price);
      W = W + bkai * p * D(mtm_vb_);
      x[own_claimable] = zero;
      allowed[bond_bond] = (kusdt + kai > zero) & xsimd::batch_bool<double, A>(contraction_now_);
      allowed[bond_redeem] = bkai > zero;
      allowed[bond_sell] = kai > zero;
    } else if constexpr (T == lp) {
      const D lp_i = D::load_aligned(a_.lp.data() + i);
      W = W + lp_i * D(mtm_lp_value_);
      x[own_claimable] = zero;
      allowed[lp_remove] = lp_i > zero;
      allowed[lp_add] = (kusdt > zero) & (kai > zero);
    } else {
      x[own_claimable] = zero;
      allowed[holder_sell] = kai > zero;
      allowed[holder_buy] = kusdt > zero;
    }
    const D cost = kernels::load_widened<A>(a_.cost.data() + i);
    x[own_pnl] = xsimd::select(cost > zero, W / cost - D(1.0), zero);
  }
  template <int T>
  void own_terms_one(std::size_t i, double* x, bool* allowed) const {
    const double W = mark_to_market<T>(i), cost = a_.cost[i];
    const double kai = a_.kai[i], kusdt = a_.kusdt[i];
    x[own_pnl] = cost > 0 ? W / cost - 1.0 : 0.0;
    x[own_claimable] = 0.0;
    if constexpr (T == staker) {
      const double pending = a_.earned[i] + a_.st[i] * (s_.RPS - a_.snap[i]);
      const double since = static_cast<double>(a_.timer[i]) - static_cast<double>(kTimerOffsetRounds);
      const double r = static_cast<double>(s_.r);
      x[own_claimable] = W > 0 ? pending * mtm_p_ / W : 0.0;
      allowed[staker_stake] = a_.skai[i] > 0;
      allowed[staker_claim] = pending > 0 && r >= since + static_cast<double>(claim_lock_);
      allowed[staker_withdraw] = a_.st[i] > 0 && r >= since + static_cast<double>(withdraw_lock_);
    } else if constexpr (T == bond_buyer) {
      allowed[bond_bond] = kusdt + kai > 0 && contraction_now_;
      allowed[bond_redeem] = a_.bkai[i] > 0;
      allowed[bond_sell] = kai > 0;
    } else if constexpr (T == lp) {
      allowed[lp_remove] = a_.lp[i] > 0;
      allowed[lp_add] = kusdt > 0 && kai > 0;
    } else {
      allowed[holder_sell] = kai > 0;
      allowed[holder_buy] = kusdt > 0;
    }
  }
  // What prepare reads that own_terms did not: the staker's lock timer.
  template <int T>
  static void prefetch_decision(const KaiPath& p, std::size_t begin, std::size_t end) {
    if constexpr (T == staker)
      for (std::size_t i = begin; i < end; i += 16) __builtin_prefetch(p.a_.timer.data() + i);
  }
  template <int T>
  void settle(std::size_t i, int action, double f);
  template <int T>
  void prepare(std::size_t i, bool reentered, agents::Decision& d);
  template <int T>
  void intent(std::size_t i, int action, double f, const agents::Decision& d);

  const KaiState& state() const { return s_; }
  KaiState& state() { return s_; }
  const KaiAgents& holdings() const { return a_; }
  KaiAgents& holdings() { return a_; }
  KaiCheckRecord& check_record() const { return chk_; }

 private:
  void init_population();
  void init_cost_basis();
  void round_event(std::int64_t t);
  double agent_kai_sum() const;
  kernels::RewardColumns boardroom_columns() { return {a_.earned.data(), a_.snap.data(), a_.st.data()}; }
  kernels::RewardColumns bkai_lp_columns() { return {a_.skai.data(), a_.snap_lp.data(), a_.bkai.data()}; }
  // K24 at the previous step's end prices (holdings do not change between its settle and now):
  //   W_i = kai·p + kusdt + (st + skai)·skai_price + bkai·p·v_b + lp·lp_value + earned·p,
  // summed over the holdings type T can have (the others stay 0, and adding 0 changes nothing).
  template <int T>
  double mark_to_market(std::size_t i) const {
    const double p = mtm_p_;
    double W = a_.kai[i] * p + a_.kusdt[i];
    if constexpr (T == staker) W = W + (a_.st[i] + a_.skai[i]) * p_.skai_price;
    if constexpr (T == bond_buyer) W = W + a_.skai[i] * p_.skai_price;
    if constexpr (T == bond_buyer) W = W + a_.bkai[i] * p * mtm_vb_;
    if constexpr (T == lp) W = W + a_.lp[i] * mtm_lp_value_;
    if constexpr (T == staker) W = W + a_.earned[i] * p;
    return W;
  }
  double sell(double kai);                     // agent/outside KAI into the pool, sub-swapped
  double buy(double kusdt);

  const KaiScenario& sc_;
  const KaiParams& p_;
  const KaiAgentParams& ap_;
  framework::PathContext ctx_;  // not const: set_branch (splitting) moves its key's branch
  agents::Population* pop_;  // the ProtocolPath's population (a pointer: a copied path is rebound to its own)
  std::int64_t steps_per_round_;

  KaiState s_;
  KaiAgents a_;
  market::ExogenousProcesses exo_;
  market::TwapOracle twap_;

  // K24 prices at the end of the previous step and the decision's scalars.
  double mtm_p_ = 1, mtm_vb_ = 0, mtm_lp_value_ = 0;
  double p_decide_ = 1;
  bool contraction_now_ = false;
  std::int64_t claim_lock_ = 0, withdraw_lock_ = 0;

  KaiIntents in_;
  KaiFills fill_;
  RoundOutcome last_round_{};

  // Histories and observers (kai.md §6, §8).
  KaiSignalHistory history_;
  DepegObserver depeg_;
  BankRunObserver runs_;
  KaiTrackers trackers_;
  double p0_ = 1;
  double fees_at_start_ = 0, step_withdrawn_ = 0, step_removed_kusdt_ = 0;
  double staked_at_start_ = 0, pool_kusdt_at_start_ = 0;
  double kusdt0_ = 0;          // initial KUSDT of agents, pool, buyback fund and arbitrageur
  double S0_ = 0;
  double kusdt_external_ = 0;  // KUSDT that entered (+) or left (−) the system from outside
  double skai_ext_ = 0;        // sKAI outside the agents (a type with no agents)
  mutable KaiCheckRecord chk_;  // check() moves its previous-step scalars on
};

}  // namespace stampede::kai
