#pragma once
// One Monte Carlo path of Klima 2.0 (klima2.md §4–§9): the bond book (40 positions rolling every
// 90 days), the carbon portfolio, the AG and AQ pools, G issuance and vesting, exogenous processes
// and the agents' holdings, advanced by the framework's step (engine/framework/protocol_model.hpp).
//
// Timing. Agents decide at step t; `clear` executes the step's pool flows (AG, then AQ: removes,
// adds, sells, buys, outside demand; §7) and books bonds, locks and G stakes; the framework settles
// the agents' fills in the next pass, or at once on the steps whose periodic events need the
// settled state. Those events (§4: the portfolio manager 5.3, the daily curve 5.4, the roll 5.5,
// incentives and vesting 5.6, and liquidity-drain shocks) run in `after_settle`, in the spec's
// order. Rewards paid per share (staked G, bonds per position, locked LP shares per position) are
// cumulative rps values: the pass's accrual credits them per agent (the reward-per-share kernel for
// staked G; a per-position gather for bonds and locks), and a roll credits what is still pending
// before it pays out a matured bucket.
#include <array>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "agents/fixed_sum.hpp"
#include "agents/fused_pass.hpp"
#include "agents/population.hpp"
#include "engine/core/aligned.hpp"
#include "engine/core/ring.hpp"
#include "engine/core/trailing_window.hpp"
#include "engine/framework/invariants.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/market/exogenous.hpp"
#include "engine/market/pool.hpp"
#include "engine/market/twap.hpp"
#include "engine/protocols/klima2/curve.hpp"
#include "engine/protocols/klima2/incentives.hpp"
#include "engine/protocols/klima2/klima2.hpp"
#include "engine/protocols/klima2/portfolio.hpp"
#include "engine/protocols/klima2/premium.hpp"
#include "kernels/accrue_reward_per_share.hpp"

namespace stampede::klima2 {

inline constexpr int kSlots = kPositions + 1;  // live buckets r+1..r+40 and the one just matured
using SlotArray = Eigen::Array<double, kSlots, 1>;
inline constexpr std::uint8_t kNoClass = 255;
enum Pool : int { pool_aq = 0, pool_ag = 1 };

// Per-agent holdings, structure of arrays (klima2.md §6), indexed like the population. A type uses
// the role columns for its one position: bond_staker a bond (units at absolute bucket `pos`, class
// `cls`), lp its LP shares (pool `cls`, locked to bucket `pos` or −1), g_staker its staked G
// (class `cls`). snap_* are the rps values its rewards were last credited at.
struct Klima2Agents {
  AlignedArray<double> a_liq, q, g_liq, tonnes;  // liquid A, USDC, liquid G, tonnes received
  AlignedArray<double> units;                    // bond units | LP shares | staked G
  AlignedArray<double> snap_a, snap_g, snap_c;   // rps snapshots: A, G, tonnes
  AlignedArray<float> cost, init_a;              // cost basis (USDC); A held at launch (G vesting weight)
  AlignedArray<std::int32_t> pos;                // absolute bucket of the bond or lock, −1 none
  AlignedArray<std::uint8_t> cls;                // class (kNoClass none) or pool
};

// The bond market and everything kept per position (§2): slots indexed by absolute bucket mod 41.
struct BondBook {
  std::int64_t r = 0;                         // rolls done
  SlotArray units = SlotArray::Zero(), index = SlotArray::Ones();
  Eigen::ArrayXXd units_cls;                  // kSlots × classes
  Eigen::ArrayXXd c_fwd;                      // kSlots × classes: forward tonnes due at maturity
  SlotArray rps_c = SlotArray::Zero();        // bonds: tonnes per unit (KL42)
  SlotArray rps_g = SlotArray::Zero();        // bonds: G incentives per unit (I_S)
  SlotArray rps_a = SlotArray::Zero();        // bonds: A per unit for resold carbon yield
  std::array<SlotArray, 2> lock_shares{SlotArray::Zero(), SlotArray::Zero()};  // locked LP shares per pool
  std::array<SlotArray, 2> rps_lp_a{SlotArray::Zero(), SlotArray::Zero()};     // A premium per locked share
  std::array<SlotArray, 2> rps_lp_g{SlotArray::Zero(), SlotArray::Zero()};     // G incentives per locked share
  static int slot(std::int64_t k) { return static_cast<int>(k % kSlots); }
  int slot_at(int t) const { return slot(r + t); }  // position t = 1..40
};

struct CarbonBook {
  std::vector<double> liquid, ln_price;  // C_i0; ln p_i (USD/t)
  std::vector<double> bought, retired, yielded, defaulted, initial;  // per class, tonnes
  std::vector<double> resale;            // yielded tonnes to sell back next period (resell_fraction)
  std::vector<double> liquidated;        // tonnes handed to the G holders at a liquidation (KL47)
  double protocol_tonnes = 0;            // of them, the protocol accounts'
  double rejected = 0;                   // orders rejected
};

struct GBook {
  double unissued = 0, unvested_h = 0, unvested_o = 0;
  double treasury = 0, other = 0;        // G of the Treasury (and 01X), of the passive `other` account
  double staked = 0;                     // g_st
  std::vector<double> staked_cls;        // g_cls
  double issued = 0;
  double tau_prev = 0;                   // months at the last incentive period
};

struct Klima2State {
  double n_a = 0;                                       // N_A
  double minted_yield = 0, minted_premium = 0, minted_purchase = 0, burned = 0;
  double protocol_a = 0;                                // A of protocol accounts (Treasury's locked AG rewards)
  double outside_a = 0;                                 // A held by the outside demand
  double usdc_in = 0, usdc_out = 0;                     // external USDC (demand, offset buyers)
  BondBook bonds;
  CarbonBook carbon;
  GBook g;
  // The Treasury's and 01X's launch AG shares (locked at ag_lock_position) and their reward snapshots.
  double proto_ag_shares = 0, proto_aq_shares = 0;
  std::int64_t proto_ag_pos = -1;
  double proto_snap_a = 0, proto_snap_g = 0;
  bool liquidated = false;
  // The last daily curve (5.4) and shares.
  YieldCurve curve;
  PositionArray S_t = PositionArray::Zero();
  std::vector<double> a_i, g_i;                        // A_i, G_i at the last daily curve
  double R = 0, R_lambda = 0, beta = 0, b = 0, a_cls = 0;
  double lambda_gg = 0, incent_treasury = 1, gov_lp_share = 0;
  double rps_g_a = 0, rps_g_g = 0;                      // staked G: A premium and G incentives per G
};

// Sums of one step's intents (the pass -> clear).
struct Klima2Intents {
  double sell_a = 0, sell_a_holders = 0;                // A sold on AQ (holder types)
  double buy_q = 0;                                     // USDC spent on A
  double sell_g = 0;                                    // G sold on AG
  SlotArray bond_a = SlotArray::Zero();                 // A bonded per slot
  Eigen::ArrayXXd bond_cls;                             // kSlots × classes
  std::array<double, 2> add_a{}, add_other{};           // LP adds per pool: A, other side (USDC | G)
  std::array<double, 2> remove_shares{};
  std::array<SlotArray, 2> lock_existing{SlotArray::Zero(), SlotArray::Zero()};  // unlocked shares locked
  std::array<SlotArray, 2> lock_add_a{SlotArray::Zero(), SlotArray::Zero()};     // A of locked adds
  double stake_g = 0, unstake_g = 0;
  std::vector<double> stake_cls, unstake_cls;
};

// What settling step t needs, fixed in its clear.
struct Klima2Fills {
  double q_per_a_sold = 0;                 // USDC per A sold
  double a_per_q = 0;                      // A per USDC spent
  double a_per_g_sold = 0;                 // A per G sold
  std::array<double, 2> shares_per_a{};    // LP shares per A added
  std::array<double, 2> other_per_a{};     // USDC | G taken per A added (the decision's ratio)
  std::array<double, 2> a_per_share{}, other_per_share{};  // removals
};

// A carbon seller's accepted order of this trade period.
struct SellerOrder {
  std::size_t agent = 0;
  int cls = 0;
  int position = 0;  // 0 spot, else the forward position
  double tonnes = 0, pv = 0, sell_fraction = 0;
};

// The state a trade period opened with (§5.3: accept decisions and KL43 use it; execution uses
// the state current when each class runs).
struct PeriodOpening {
  double p_a = 0, n_a = 0, x_aq = 0;
  std::vector<double> price, c_bar, c_liquid, a_i;  // per class: p_i, C̄_i, C_i0, A_i
  std::vector<Quote> quote;                         // per class: k_b, k_s
  PositionArray B = PositionArray::Ones();
};

// An offset buyer's accepted order (tonnes after the caps).
struct BuyerOrder {
  std::size_t agent = 0;
  int cls = 0;
  double tonnes = 0;
};

class Klima2Path {
 public:
  Klima2Path(const Klima2Scenario& sc, const agents::Behaviour& behaviour, const framework::PathContext& ctx,
             agents::Population& pop);

  // --- the framework's step ---
  void begin_step(std::int64_t t);
  void signals(std::int64_t t, double* s, double* own_lo, double* own_hi);
  void begin_decide(std::int64_t t);
  void clear(std::int64_t t);
  bool needs_settled_state(std::int64_t t) const;
  void after_settle(std::int64_t t);
  void observe(std::int64_t t);
  // After a warm-up of `steps` (klima2.start_at): the events, trackers and risk windows start
  // again, and the price references (price_drawdown's initial price) become today's.
  void end_warmup(std::int64_t steps);
  // KL47 (5.3, when a burn reaches N_A): public so that the rule can be tested on a live path.
  void liquidate();
  void set_branch(std::uint64_t branch) noexcept {
    ctx_.key.branch = branch;
    exo_.set_branch(branch);
  }
  // Splitting: a copy of this path (ProtocolPath's copy) points at its own population.
  void rebind(agents::Population& pop) noexcept { pop_ = &pop; }
  // Splitting score of `price_drawdown` (Klima2::scores): the AQ 24h TWAP's fall from the initial
  // price over the fall the event needs (1 − price_floor), below 1 until the event has fired and
  // exactly 1 from then on.
  double score(std::size_t k) const noexcept {
    if (k != 0) return 0.0;
    if (first_[e_price_drawdown] >= 0) return 1.0;
    return std::clamp((1.0 - last_p_bar_ / p_a0_) / (1.0 - p_.metrics.price_floor), 0.0, 0.999999);
  }
  void check(const framework::Invariants& inv) const;  // klima2.md §9
  void series(double* out) const;
  void finals(double* out) const;
  void events(std::int64_t* first_step) const;

  // --- the fused pass's hooks ---
  static constexpr int actions(int type) {
    return type == lp ? 4 : (type == carbon_seller || type == offset_buyer) ? 1 : 3;
  }
  static constexpr agents::Accrual accrual(int type) {
    return type == bond_staker || type == g_staker || type == lp ? agents::Accrual::after_fills : agents::Accrual::none;
  }
  template <int T, class A>
  void accrue(std::size_t i) {
    if constexpr (T == g_staker) {  // staked G: the reward-per-share kernel, A premium and G incentives
      kernels::detail::reward_batch<A>({a_.a_liq.data(), a_.snap_a.data(), a_.units.data()}, i, s_.rps_g_a);
      kernels::detail::reward_batch<A>({a_.g_liq.data(), a_.snap_g.data(), a_.units.data()}, i, s_.rps_g_g);
    } else {  // per-position rps: a gather, scalar
      for (std::size_t j = 0; j < xsimd::batch<double, A>::size; ++j) accrue_one<T>(i + j);
    }
  }
  template <int T>
  void accrue_one(std::size_t i) {
    if constexpr (T == g_staker) {
      kernels::detail::reward_one({a_.a_liq.data(), a_.snap_a.data(), a_.units.data()}, i, s_.rps_g_a);
      kernels::detail::reward_one({a_.g_liq.data(), a_.snap_g.data(), a_.units.data()}, i, s_.rps_g_g);
    } else if constexpr (T == bond_staker) {
      credit_bond(i);
    } else if constexpr (T == lp) {
      credit_lock(i);
    }
  }
  template <int T>
  void settle(std::size_t i, int action, double f);

  static constexpr bool own_terms_in_simd(int type) { return type == carbon_seller || type == offset_buyer; }
  template <int T, class A>
  void own_terms(std::size_t, xsimd::batch<double, A>* x, xsimd::batch_bool<double, A>* allowed) {
    // Arrival types decide per order (5.3), never in the step's pass.
    (void)x;
    allowed[arrival_accept] = xsimd::batch<double, A>(0.0) != xsimd::batch<double, A>(0.0);
  }
  template <int T>
  void own_terms_one(std::size_t i, double* x, bool* allowed) const;
  template <int T>
  static void prefetch_decision(const Klima2Path&, std::size_t, std::size_t) {}
  template <int T>
  void prepare(std::size_t i, bool reentered, agents::Decision& d);
  template <int T>
  void intent(std::size_t i, int action, double f, const agents::Decision& d);

  const Klima2State& state() const { return s_; }
  Klima2State& state() { return s_; }
  const Klima2Agents& holdings() const { return a_; }
  Klima2Agents& holdings() { return a_; }
  const market::ConstantProductPool& aq() const { return aq_; }
  const market::ConstantProductPool& ag() const { return ag_; }

  // Values the signals, the own terms and the invariants share.
  double price_a() const { return aq_.spot(); }                       // USDC per A (AQ spot)
  double price_g_in_a() const { return ag_.spot(); }                  // A per G (AG spot)
  double wealth(std::size_t i, int type) const;                        // W_i in USDC
  double bond_value(std::size_t i) const;                              // units·index of the agent's bond
  double c_bar(int cls) const;                                         // KL16
  double nav_a() const;                                                // USD per A
  double n_gc() const { return p_.g.supply - s_.g.unissued - s_.g.unvested_h - s_.g.unvested_o; }
  PositionArray bucket_values() const;                                 // A_t of positions 1..40
  PositionArray expiries() const;                                      // E_t (label or exact)
  std::vector<double> class_shares() const;                            // A_i
  std::vector<double> g_class_shares() const;                          // G_i

 private:
  void init_population();
  void credit_bond(std::size_t i);
  void credit_lock(std::size_t i);
  void credit_protocol_ag();
  // after_settle's periodic rules, in §4's order.
  void portfolio_period(std::int64_t t);   // 5.3
  void daily_curve(bool mint);             // 5.4 (mint = false: the curve only)
  void refresh_curve();                    // 5.4's reads from the book as it is now
  void roll();                             // 5.5
  void incentives(std::int64_t t);         // 5.6
  void apply_drain(int pool, double fraction);
  void reselect(std::int64_t t);
  // clear's parts.
  void draw_orders(std::int64_t t);
  void clear_ag();
  void clear_aq();
  void book_bonds_and_stakes();
  void advance_carbon_prices(std::int64_t t);
  double order_gap_seller(int cls, int position) const;
  double order_gap_buyer(int cls) const;
  double accept_probability(int type, std::size_t agent, double gap) const;
  int draw_class(rng::Sequence& q) const;   // ∝ class_pref
  int draw_position(rng::Sequence& q, double kappa) const;  // KL46
  double kappa(std::size_t i) const;                         // κ_i, fixed per agent
  rng::Sequence agent_draws(std::size_t i) const;             // agent i's draws of this step
  // The actions that sell liquid A on AQ (every holder type's `sell_a`) and liquid G on AG.
  template <int T>
  static constexpr bool sells_a(int action) {
    return (T == bond_staker && action == bs_sell_a) || (T == liquid_holder && action == lh_sell_a) ||
           (T == g_staker && action == gs_sell_a) || (T == lp && action == lp_sell_a);
  }
  template <int T>
  static constexpr bool sells_g(int action) {
    return (T == bond_staker && action == bs_sell_g) || (T == liquid_holder && action == lh_sell_g) ||
           (T == lp && action == lp_sell_g);
  }
  bool due(std::int64_t t, std::int64_t period_steps) const { return period_steps > 0 && (t + 1) % period_steps == 0; }
  double holder_liquid_a() const;

  const Klima2Scenario& sc_;
  const Klima2Params& p_;
  const agents::Behaviour& behaviour_;
  framework::PathContext ctx_;
  agents::Population* pop_;  // the ProtocolPath's population (a pointer: a copied path is rebound to its own)
  std::int64_t steps_per_day_, trade_steps_, roll_steps_, incentive_steps_;
  int n_cls_;

  Klima2State s_;
  Klima2Agents a_;
  market::ExogenousProcesses exo_;
  market::ConstantProductPool aq_, ag_;
  market::TwapOracle aq_twap_, ag_twap_;
  IncentiveCurve g_curve_;
  PositionArray E_label_;

  struct DecisionPrices {
    std::int64_t step = 0;
    double p_a = 0, p_g_a = 0;  // USDC per A; A per G
    double p_bar = 0;           // tonne-weighted mean carbon price (mark to market)
    bool liquidated = false;
  } dec_;
  std::int64_t now_ = 0;            // seconds at the step start
  double sig_[kNumSignals] = {};    // this step's common signals (the arrivals' scores read them)
  double init_a_sum_ = 0;           // Σ A held at launch by the holder types (G vesting weights)
  double usdc0_ = 0;                // USDC at launch: AQ + the agents' grants
  Klima2Intents in_;
  Klima2Fills fill_;
  PeriodOpening open_;              // the current trade period's opening state
  void open_period();
  PremiumShares lambda_;            // KL24–KL26 at the last refresh
  double holder_liquid_start_ = 0;  // liquid A of the holder types at the step start

  // Orders of the trade period (drawn in clear, executed in after_settle).
  static constexpr std::size_t kMaxOrders = 4096;  // per trade period and side; more are dropped
  std::vector<SellerOrder> seller_orders_;
  std::vector<BuyerOrder> buyer_orders_;
  std::vector<double> offset_a_;       // A each class's buyers need (KL43, after the caps)
  std::vector<double> offset_tonnes_;  // tonnes asked per class (after the caps)
  std::vector<double> burn_a_;         // A acquired per class on AQ, to burn
  std::vector<std::pair<std::size_t, double>> seller_sales_, seller_sales_next_;  // (agent, A) sold next step
  double drain_[2] = {0, 0};           // this step's liquidity-drain fraction per pool

  // Signals and risk windows.
  double pi0_ = 1;                     // P̄_A/NAV_A at launch
  double p_a0_ = 0;
  double last_p_bar_ = 0;  // the AQ 24h TWAP at the last step (the splitting score)
  Ring<double> spot_day_, ret2_week_;
  double ret2_sum_ = 0;
  Ring<double> spot_week_;
  double spot_week_sum_ = 0;
  double apy_g_ = 0, apy_lp_ = 0;
  double incentives_g_day_ = 0, incentives_lp_day_ = 0;  // G paid since the last daily curve (APY signals)
  double fees_aq_day0_ = 0, fees_ag_day0_ = 0;
  TrailingWindow run_window_;
  std::array<TrailingWindow, 2> flight_window_;
  std::array<double, 2> removed_step_{}, shares_start_{};
  double sold_holders_step_ = 0;
  double n_a_day_start_ = 0, inflation_net_ = 0;
  double p_bar_max_ = 0, max_dd_ = 0, min_p_bar_ = 0, max_run_ratio_ = 0, max_flight_aq_ = 0;
  double seller_pv_ = 0, offset_retired_ = 0;
  double minted_purchase0_ = 0, burned0_ = 0;  // at the end of the warm-up
  std::int64_t first_[kNumEvents];
};

}  // namespace stampede::klima2
