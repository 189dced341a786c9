#pragma once
// One Monte Carlo path of Hokusai (hokusai.md §4–§9): the curve and the protocol's books
// (HokusaiState), access demand, exogenous processes and the agents' holdings, advanced by the
// framework's step (engine/framework/protocol_model.hpp). Per-agent work is the fused pass's hooks:
// last step's fills, then the vesting releases of contributors and the owner (H17,
// accrue_vesting_schedule), then the own terms of the skip and the full evaluations.
//
// Timing: the events an agent chooses at step t take effect at t·dt; releases cover [t·dt, (t+1)·dt]
// and are applied when the framework settles step t (in step t+1's pass or a settle-only pass),
// and the vault V and the redeemable supply S follow at the next clear (or after_settle). Grants
// to one agent (improvements, H4–H6) and the treasury distribution (H8) need the settled state:
// drawn at step t, they take effect at its end.
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "agents/fixed_sum.hpp"
#include "agents/fused_pass.hpp"
#include "agents/population.hpp"
#include "engine/core/aligned.hpp"
#include "engine/core/ring.hpp"
#include "engine/core/trailing_window.hpp"
#include "engine/framework/invariants.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/market/exogenous.hpp"
#include "engine/protocols/hokusai/access.hpp"
#include "engine/protocols/hokusai/curve.hpp"
#include "engine/protocols/hokusai/hokusai.hpp"
#include "engine/protocols/hokusai/rewards.hpp"
#include "engine/protocols/hokusai/vesting_slots.hpp"
#include "kernels/accrue_vesting_schedule.hpp"

namespace stampede::hokusai {

// One vesting slot of every slot-holding agent (contributors and the owner, [0, n_slot_holders)).
struct SlotColumns {
  AlignedArray<double> amount, released;       // A_k, rel_k
  AlignedArray<float> start, cliff, duration;  // s_k, c_k, D_k (seconds)
};

// Per-agent holdings, structure of arrays (hokusai.md §2, §6), indexed like the population.
struct HokusaiAgents {
  AlignedArray<double> tok, usdc;   // liquid tokens, USDC
  AlignedArray<float> cost;         // cost basis (H18)
  AlignedArray<float> sold_at;      // time of the last sell (redeem cooldown, H15)
  std::vector<SlotColumns> slots;   // hokusai.reward_vesting.slots of them
  AlignedArray<float> submitted_at; // contributors: last accepted improvement (H5 cooldown)
};

// Token mints and burns by channel (§2).
enum Minted : int { minted_buy, minted_improvement, minted_initial, minted_treasury, kNumMinted };
enum Burned : int { burned_sell, burned_access, burned_penalty, kNumBurned };

struct HokusaiState {
  Curve curve;                 // R, S (= S_tot − V), graduated
  double S_tot = 0, V = 0;     // total supply; tokens in the vesting vault
  double treasury_usdc = 0, infra_usdc = 0, fees_pending = 0;
  double budget_left = 0;      // improvement mint budget (∞ = unlimited)
  double accuracy = 0;         // bps
  double ext_tokens = 0;       // held by outside buyers
  double minted[kNumMinted] = {}, burned[kNumBurned] = {};
  double usdc_in = 0, usdc_out = 0;  // USDC entering (access users, enterprise fees, outside buyers) and leaving
  double improvements = 0, merges = 0;
};

// Sums of one step's intents (the pass -> clear).
struct HokusaiIntents {
  double sell = 0;                      // tokens the agents sell (each capped at T_max)
  double buy = 0;                       // USDC the holders spend (each capped when graduated)
  double early_paid = 0, early_burned = 0;  // H9
};

// What settling step t needs, fixed in its clear.
struct HokusaiFills {
  double sell_fill = 0;       // Q*/Q (H16)
  double usdc_per_sold = 0;   // seller's USDC per token asked
  double buy_ratio = 0;       // tokens per USDC spent
  double t = 0;               // the decision's time
  double t_max = 0;           // H15 per-agent cap, at the decision
  double buy_cap = 0;         // H15 buy cap (∞ unless graduated)
};

class HokusaiPath {
 public:
  HokusaiPath(const HokusaiScenario& sc, const agents::Behaviour& behaviour, const framework::PathContext& ctx,
              agents::Population& pop);

  // --- the framework's step ---
  void begin_step(std::int64_t t);
  void signals(std::int64_t t, double* s, double* own_lo, double* own_hi);
  void begin_decide(std::int64_t t);
  void clear(std::int64_t t);
  bool needs_settled_state(std::int64_t t) const;
  void after_settle(std::int64_t t);
  void observe(std::int64_t t);
  // Splitting: later steps draw from `branch` (engine/driver/model.hpp PathSimulation::set_branch).
  void set_branch(std::uint64_t branch) noexcept {
    ctx_.key.branch = branch;
    exo_.set_branch(branch);
  }
  // Splitting: a copy of this path (ProtocolPath's copy) points at its own population.
  void rebind(agents::Population& pop) noexcept { pop_ = &pop; }
  // Splitting score of `deep_drawdown` (Hokusai::scores): the reserve's drawdown from its running
  // maximum over the event's threshold, below 1 until the event has fired and exactly 1 from then on.
  double score(std::size_t k) const noexcept {
    if (k != 0) return 0.0;
    if (first_[e_deep_drawdown] >= 0) return 1.0;
    return std::min(0.999999, reserve_dd_ / p_.metrics.deep_drawdown);
  }
  void check(const framework::Invariants& inv) const;  // hokusai.md §9
  void series(double* out) const;
  void finals(double* out) const;
  void events(std::int64_t* first_step) const;

  // --- the fused pass's hooks ---
  static constexpr int actions(int type) { return type == owner ? 1 : 2; }
  static constexpr agents::Accrual accrual(int type) {
    return type == holder ? agents::Accrual::none : agents::Accrual::after_fills;
  }
  // H17 over the settled step, every slot; the releases and the next 7 days' schedule summed.
  template <int T, class A>
  void accrue(std::size_t i) {
    if constexpr (T != holder) {
      using D = xsimd::batch<double, A>;
      D released(0.0), ahead(0.0);
      for (std::size_t k = 0; k < a_.slots.size(); ++k)
        released += kernels::detail::schedule_batch<A>(slot_columns(k), i, acc_t1_, kUnlockHorizon, ahead);
      release_sum_.add_batch(i, released);
      ahead_sum_.add_batch(i, ahead);
      accrued_ = true;
    }
  }
  template <int T>
  void accrue_one(std::size_t i) {
    if constexpr (T != holder) {
      double released = 0.0, ahead = 0.0;
      for (std::size_t k = 0; k < a_.slots.size(); ++k)
        released += kernels::detail::schedule_one(slot_columns(k), i, acc_t1_, kUnlockHorizon, ahead);
      release_sum_.add(i, released);
      ahead_sum_.add(i, ahead);
      accrued_ = true;
    }
  }
  template <int T>
  void settle(std::size_t i, int action, double f);

  static constexpr bool own_terms_in_simd(int) { return true; }
  template <int T, class A>
  void own_terms(std::size_t i, xsimd::batch<double, A>* x, xsimd::batch_bool<double, A>* allowed);
  template <int T>
  void own_terms_one(std::size_t i, double* x, bool* allowed) const;
  template <int T>
  static void prefetch_decision(const HokusaiPath&, std::size_t, std::size_t) {}
  template <int T>
  void prepare(std::size_t i, bool reentered, agents::Decision& d);
  template <int T>
  void intent(std::size_t i, int action, double f, const agents::Decision& d);

  const HokusaiState& state() const { return s_; }
  HokusaiState& state() { return s_; }
  const HokusaiAgents& holdings() const { return a_; }
  HokusaiAgents& holdings() { return a_; }
  double unreleased(std::size_t i) const;  // Σ_k A_k − rel_k of agent i (0 for holders)
  Slot slot(std::size_t i, std::size_t k) const;
  void store(std::size_t i, std::size_t k, const Slot& s);

  static constexpr double kUnlockHorizon = 7.0 * 86400.0;  // unlock_7d's window (§6)
  static constexpr std::size_t kMaxArrivals = 64;           // improvements per step (H4), the rest dropped

 private:
  void init_population();
  void absorb_releases();
  void apply_improvements(double now);
  double quote_usd() const { return exo_.quote_usd(); }
  double spot() const { return hokusai::spot(p_.curve, s_.curve.R, s_.curve.S); }
  double access_multiplier() const;
  kernels::ScheduleColumns slot_columns(std::size_t k) {
    SlotColumns& c = a_.slots[k];
    return {c.amount.data(), c.released.data(), c.start.data(), c.cliff.data(), c.duration.data(), a_.tok.data()};
  }
  bool due(std::int64_t t, std::int64_t period_steps) const { return period_steps > 0 && (t + 1) % period_steps == 0; }
  void mark_traded(std::size_t i);

  const HokusaiScenario& sc_;
  const HokusaiParams& p_;
  framework::PathContext ctx_;  // not const: set_branch (splitting) moves its key's branch
  agents::Population* pop_;  // the ProtocolPath's population (a pointer: a copied path is rebound to its own)
  std::int64_t steps_per_day_, deposit_steps_, treasury_steps_;
  std::size_t n_slot_holders_ = 0;  // [0, n): contributors and the owner
  double sell_open_at_ = 0;

  HokusaiState s_;
  HokusaiAgents a_;
  market::ExogenousProcesses exo_;
  AccessDemand demand_;
  double D_ = 0;       // access requests per day this step (shocks included)
  double P_init_ = 0;  // spot at t = 0 (H13)
  double S_tot0_ = 0, usdc0_ = 0;

  struct DecisionPrices {
    double t = 0, P = 0, t_max = 0, buy_cap = 0;
    bool sell_open = true;
  } dec_;
  double acc_t1_ = 0;  // the end of the step the pending accrual covers

  HokusaiIntents in_;
  HokusaiFills fill_;
  agents::FixedSum release_sum_, ahead_sum_;
  bool accrued_ = false;
  double ahead_raw_ = 0;  // releases scheduled in the next 7 days, at the last accrual

  struct Arrival {
    double bps = 0;
    std::size_t contributor = 0;
  };
  std::array<Arrival, kMaxArrivals> arrivals_{};
  std::size_t n_arrivals_ = 0;

  Ring<double> spot_day_, ret2_day_, spot_week_, demand_week_;
  double spot_week_sum_ = 0;
  TrailingWindow run_window_;       // USDC paid to sellers per step, R at the step start
  TrailingWindow accepted_30d_;     // improvements accepted per step
  Ring<double> minted_day_, burned_day_, traded_day_;  // per-step flows, 24h
  double step_paid_ = 0, step_minted_ = 0, step_burned_ = 0, step_traded_ = 0;
  double R_start_ = 0;              // R at the step start (the run window's base)
  double R_max_ = 0, max_dd_ = 0, max_run_ratio_ = 0;
  double reserve_dd_ = 0;  // this step's reserve drawdown (the splitting score)
  double P_min_ = 0, P_max_ = 0;
  double traders_today_ = 0, traders_last_day_ = 0;
  double accepted_step_ = 0;        // improvements accepted at the end of this step
  std::int64_t first_[kNumEvents];
};

// --- the SIMD own terms and masks of the skip (the same arithmetic as own_terms_one) ---
template <int T, class A>
inline void HokusaiPath::own_terms(std::size_t i, xsimd::batch<double, A>* x, xsimd::batch_bool<double, A>* allowed) {
  using D = xsimd::batch<double, A>;
  const D zero(0.0), one(1.0);
  const D tok = D::load_aligned(a_.tok.data() + i), usdc = D::load_aligned(a_.usdc.data() + i);
  D locked = zero;
  if constexpr (T != holder)
    for (std::size_t k = 0; k < a_.slots.size(); ++k)
      locked += D::load_aligned(a_.slots[k].amount.data() + i) - D::load_aligned(a_.slots[k].released.data() + i);
  const D W = (tok + locked) * D(dec_.P) + usdc;
  const D cost = kernels::load_widened<A>(a_.cost.data() + i);
  x[own_pnl] = xsimd::select(cost > zero, kernels::min_of<A>(D(3.0), kernels::max_of<A>(D(-1.0), W / cost - one)), zero);
  const D held = tok + locked;
  x[own_locked] = xsimd::select(held > zero, locked / held, zero);
  // H15 (superset of the exact mask in prepare: f ≤ 1).
  const auto cooled = D(dec_.t) - kernels::load_widened<A>(a_.sold_at.data() + i) >= D(static_cast<double>(p_.redeem.cooldown));
  const auto can_sell = cooled & (tok > zero) & (kernels::min_of<A>(tok, D(dec_.t_max)) >= D(p_.redeem.min_tokens));
  const auto sell_ok = dec_.sell_open ? can_sell : (zero > zero);
  if constexpr (T == contributor) {
    allowed[contributor_sell] = sell_ok;
    allowed[contributor_early_withdraw] = locked > zero;
  } else if constexpr (T == owner) {
    allowed[owner_sell] = sell_ok;
  } else {
    allowed[holder_redeem] = sell_ok;
    allowed[holder_buy] = usdc > zero;
  }
}

}  // namespace stampede::hokusai
