#pragma once
// One Monte Carlo path of the KSN model (ksn.md §4–§9): protocol scalars (KsnState), the
// KSN-USDC pool, exogenous processes and the SoA agent population, advanced step by step.
//
// Passes over the agents per step: decide (phase 2: masks, own terms, choice, intent sums),
// settle (phase 4a: fills), the accrue_bond kernel over bonders (KS19) and, on a rebase step,
// the PoTP pass (KS10, reductions Q, W) and the accrue_rebase kernel (KS9) over stakers and
// bonders. KS21's mark-to-market is evaluated inside the next decide pass from scalars saved at
// the end of the step (holdings do not change in between), so wealth_i and pnl_i are not stored.
#include <cstdint>
#include <vector>

#include "agents/behaviour_columns.hpp"
#include "engine/driver/model.hpp"
#include "engine/market/exogenous.hpp"
#include "engine/market/twap.hpp"
#include "engine/protocols/ksn/agent_state.hpp"
#include "engine/protocols/ksn/apy.hpp"
#include "engine/protocols/ksn/bond_quote.hpp"
#include "engine/protocols/ksn/config.hpp"
#include "engine/protocols/ksn/history.hpp"
#include "engine/protocols/ksn/observers.hpp"
#include "engine/protocols/ksn/rebase_policy.hpp"
#include "engine/protocols/ksn/rebase_step.hpp"
#include "engine/protocols/ksn/ring.hpp"
#include "engine/protocols/ksn/schedule.hpp"
#include "engine/protocols/ksn/state.hpp"
#include "engine/protocols/ksn/treasury.hpp"

namespace stampede::ksn {

// ksn.md §8, in schema order. Every series is also a final (its value at the horizon).
enum Series : int { s_price, s_backing, s_premium, s_rfv, s_excess_reserves, s_reserves_market_value,
                    s_treasury_usdc, s_treasury_lp_rfv, s_treasury_cert_value, s_stable_share, s_dcp_balance,
                    s_runway_rebases, s_rebase_rate, s_rebase_rate_eff, s_apy_instant, s_staked_fraction,
                    s_supply, s_circulating, s_bond_debt, s_bond_discount, s_tvl, s_potp_mean,
                    s_unstaked_72h_fraction, s_minted_surplus_cum, s_minted_bonds_cum, s_burned_cum,
                    s_penalties_cum, kNumSeries };
enum ExtraFinal : int { f_apy_realised = kNumSeries, f_premium_min, f_runway_rebases_min, kNumFinals };
enum Event : int { e_bank_run, e_below_backing, e_rebase_default, e_rfv_deficit, kNumEvents };

extern const char* const kSeriesNames[kNumSeries];
extern const char* const kEventNames[kNumEvents];

struct KsnRunConfig {
  KsnScenario scenario;
  std::uint64_t seed = 1;
  std::int64_t agents = 0;
  std::int64_t dt_seconds = 3600;
  bool check = false;  // verify the §9 invariants every step
};

// Sums of one step's intents (phase 2 -> phase 3).
struct KsnIntents {
  double unstake = 0, penalties = 0;  // Σa_i (staker and bonder exits), Σpen_i (KS11)
  double sell_ksn = 0;                // bonder and trader sells of liquid KSN
  double buy_usdc = 0;                // trader buys and the stakers' buy-and-stake
  double lp_add_usdc = 0, lp_withdraw_shares = 0;
  double bond_usdc = 0;               // Σu_i after the KS14 per-bond cap
  std::uint64_t exits[kNumTypes] = {};
};

// Phase-3 results every agent's settlement reads (all fills are pro rata, so linear).
struct KsnFills {
  double sell_ratio = 0;     // USDC per KSN sold by the agents (sell tax included)
  double buy_ratio = 0;      // KSN per USDC spent by the agents
  double lp_dx_per_share = 0, lp_dy_per_share = 0;
  double lp_per_usdc = 0;    // KS16 zap: LP shares per USDC
  double bond_fill = 0;      // KS14 f_b
  double payout_per_usdc = 0;
};

class KsnPath final : public PathSimulation {
 public:
  KsnPath(const KsnRunConfig& config, std::uint64_t path);
  void step(std::int64_t t, PathRecorder& rec) override;
  void record(std::int64_t r, PathRecorder& rec) override;
  void finish(PathRecorder& rec) override;

  // For tests and --check: the §9 invariants, throwing RuntimeFailure naming the broken one.
  void check_invariants(std::int64_t t) const;
  const KsnState& state() const { return s_; }
  const KsnAgents& agents() const { return a_; }
  double stake_total() const { return stake_end_; }

 private:
  void series_values(double (&vals)[kNumSeries]) const;
  void init_population();
  void compute_signals(std::int64_t t);
  void decide(std::int64_t t);
  void clear(std::int64_t t);
  void settle(std::int64_t t);
  void rebase(std::int64_t t);
  void observe(std::int64_t t);
  double swap_ksn_in(double ksn_in);    // USDC out; fees booked
  double swap_usdc_in(double usdc_in);  // KSN out; fees booked
  double frac(int type, int action, std::size_t i) const;
  double bond_cap_usdc() const { return p_.bond.max_payout * S_decide_ * quote_.price; }

  const KsnRunConfig& cfg_;
  const KsnParams& p_;
  const KsnBehaviour& b_;
  std::uint64_t path_;
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

  agents::FractionLayout<kNumTypes, kMaxActions> frac_;
  float* bias_cols_[kMaxActions] = {};
  float* frac_cols_[kMaxActions] = {};
  double inv_temp_[kNumTypes];
  double common_[kNumTypes][kMaxActions];
  std::int64_t type_count_[kNumTypes];

  double signal_[kNumSignals] = {};
  double exit_frac_[kNumTypes] = {};
  double mtm_p_ = 0, mtm_lpv_ = 0;  // KS21 prices at the end of the previous step
  BondQuote quote_{};
  BondType bond_type_ = BondType::reserve;
  double S_decide_ = 0;
  double S_circ_decide_ = 0;
  double a_L_ = 1;

  KsnIntents in_;
  KsnFills fill_;
  RebaseOutcome last_rebase_{};
  bool rebased_ = false;

  // Histories (rings sized at construction).
  Ring<double> spot_day_;   // step-end spots, 24h + 1 (mom)
  Ring<double> spot_week_;  // step-end spots, 7d (ma7d demand reference)
  Ring<double> fees_day_;   // pool fees per step, USDC, 24h
  BankRunObserver bank_run_;
  BelowBackingObserver below_backing_;
  RebaseDefaultObserver rebase_default_;
  RealisedApy apy_;
  std::int64_t first_[kNumEvents];
  double premium_min_ = 0, runway_min_ = 0;

  double step_fees_ = 0, step_unstaked_ = 0;
  double stake_end_ = 0;  // Σ stake at the end of the step
  double usdc0_ = 0;      // Σ usdc_i + y + T_usdc at t0
  double ln_growth_ = 0;
};

}  // namespace stampede::ksn
