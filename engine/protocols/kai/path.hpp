#pragma once
// One Monte Carlo path of the KAI model (kai.md §4–§8): protocol scalars, the KUSDT-KAI pool,
// exogenous processes and the SoA agent population, advanced step by step.
//
// Passes over the agents per step: decide (phase 2: masks, own terms, choice, intent sums) and
// settle (phase 4: fills, K22/K23 accruals). K24's mark-to-market is computed inside the next
// decide pass from the scalars saved at the end of this step (holdings do not change between
// phase 4 and the next phase 2), so W_i and pnl_i are never stored.
#include <cstdint>
#include <vector>

#include "agents/behaviour_columns.hpp"
#include "engine/driver/model.hpp"
#include "engine/market/exogenous.hpp"
#include "engine/market/twap.hpp"
#include "engine/protocols/kai/agent_state.hpp"
#include "engine/protocols/kai/config.hpp"
#include "engine/protocols/kai/risk_events.hpp"
#include "engine/protocols/kai/round.hpp"
#include "engine/protocols/kai/signals.hpp"
#include "engine/protocols/kai/state.hpp"

namespace stampede::kai {

// Indices into the model's OutputSchema (kai.md §8), in schema order.
enum Final : int { f_min_twap, f_hours_below_099, f_depeg_first_round, f_max_debt_ratio, f_final_debt_ratio,
                   f_kai_minted_total, f_kai_burned_total, f_bb_kusdt_final, kNumFinals };
enum Event : int { e_depeg, e_bank_run_boardroom, e_bank_run_liquidity, e_bank_run, e_debt_cap_hit,
                   e_treasury_short, kNumEvents };
enum Series : int { s_twap, s_price, s_kai_supply, s_circulation, s_treasury_kai, s_bkai_supply, s_debt_ratio,
                    s_board_staked, s_issuance, s_buyback_mint, s_bb_kai, s_bb_kusdt, s_pool_kai, s_pool_kusdt,
                    s_earn_rate, s_phase, kNumSeries };

struct KaiRunConfig {
  KaiScenario scenario;
  std::uint64_t seed = 1;
  std::int64_t agents = 0;
  std::int64_t dt_seconds = 3600;
  bool check = false;  // verify the §9 invariants every step
  Distribution wealth = Distribution::lognormal(0.0, 1.0);  // agents.init.wealth
};

// Sums of one step's intents, by aggregate (phase 2 -> phase 3).
struct KaiIntents {
  double holder_sell_kai = 0, holder_buy_kusdt = 0;
  double stake_skai = 0, claim_pending = 0, withdraw_st = 0, withdraw_pending = 0;
  double bond_buy_kusdt = 0, bond_kai = 0, redeem_bkai = 0, bond_sell_kai = 0;
  double lp_remove_shares = 0, lp_add_dy = 0, lp_add_dx = 0;
  std::uint64_t exits[kNumTypes] = {};
};

// Phase-3 results every agent's settlement reads (all fills are pro rata, so linear).
struct KaiFills {
  double sell_ratio = 0;       // KUSDT received per KAI in the agents' sell aggregate
  double buy_ratio = 0;        // KAI received per KUSDT in the agents' buy aggregate
  double bond_phi = 0;         // K19 fill ratio
  double redeem_phi = 0;       // K16 burn ratio
  double redeem_kai_per_bkai = 0;
  double lp_dx_per_share = 0;  // K17: KAI and KUSDT out per LP share removed
  double lp_dy_per_share = 0;
  double lp_add_fill_kusdt = 0, lp_add_fill_kai = 0, lp_add_share_per_kusdt = 0;  // K21
};

class KaiPath final : public PathSimulation {
 public:
  KaiPath(const KaiRunConfig& config, std::uint64_t path);
  void step(std::int64_t t, PathRecorder& rec) override;
  void record(std::int64_t r, PathRecorder& rec) override;
  void finish(PathRecorder& rec) override;

  // For tests and --check: the §9 invariants, throwing RuntimeFailure naming the broken one.
  void check_invariants(std::int64_t t) const;
  const KaiState& state() const { return s_; }
  const KaiAgents& agents() const { return a_; }

 private:
  void init_population();
  void round_event(std::int64_t t);
  void compute_signals(std::int64_t t);
  void decide(std::int64_t t);
  void clear(std::int64_t t);
  void settle();
  void observe(std::int64_t t, PathRecorder& rec);
  void end_of_step_prices();
  double swap_kai_in(double kai_in);      // returns KUSDT out; fees booked
  double swap_kusdt_in(double kusdt_in);  // returns KAI out; fees booked
  double frac(int type, int action, std::size_t i) const;

  const KaiRunConfig& cfg_;
  const KaiParams& p_;
  const KaiBehaviour& b_;
  std::uint64_t path_;
  std::int64_t steps_per_round_;
  std::int64_t steps_per_day_;

  KaiState s_;
  KaiAgents a_;
  market::ExogenousProcesses exo_;
  market::TwapOracle twap_;

  // Per-type behaviour, flattened for the decide pass.
  agents::FractionLayout<kNumTypes, kMaxActions> frac_;
  float* bias_cols_[kMaxActions] = {};
  float* frac_cols_[kMaxActions] = {};
  double inv_temp_[kNumTypes];
  double common_[kNumTypes][kMaxActions];  // c(a) = Σ_k w_k(a)·s_k this step
  std::int64_t type_count_[kNumTypes];

  // Signals (kai.md §6), this step.
  double signal_[kNumSignals] = {};
  double exit_frac_[kNumTypes] = {};
  // Mark-to-market scalars saved at the end of the previous step (K24).
  double mtm_p_ = 1, mtm_vb_ = 0, mtm_lp_value_ = 0;
  double p_decide_ = 1;  // spot at decide (K21's p_0)
  bool contraction_now_ = false;

  KaiIntents in_;
  KaiFills fill_;
  RoundOutcome last_round_{};

  // Histories and observers (kai.md §6, §8; rings sized at construction).
  KaiSignalHistory history_;
  DepegObserver depeg_;
  BankRunObserver runs_;
  KaiTrackers trackers_;
  double p0_ = 1;

  // Step flows for observers.
  double step_fees_ = 0;  // pool fees of this step, KUSDT (a KAI-in fee at the pre-swap spot)
  double step_withdrawn_ = 0, step_removed_kusdt_ = 0;
  double staked_at_start_ = 0, pool_kusdt_at_start_ = 0;
  double kusdt0_ = 0;          // initial KUSDT of agents, pool, buyback fund and arbitrageur
  double S0_ = 0;
  double kusdt_external_ = 0;  // KUSDT that entered (+) or left (−) the system from outside
  double skai_ext_ = 0;        // sKAI outside the agents (a type with no agents)
};

}  // namespace stampede::kai
