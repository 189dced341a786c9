#pragma once
// The `klima2` protocol (klima2.md; seed 001_e5b513df380da4bf.txt, the Klima 2.0 whitepaper): an
// autonomous asset manager that mints KLIMA (A) for carbon tonnes and burns it for offsets, a
// 40-position bond market whose staking shape sets a synthetic yield curve, KlimaX (G) staking and
// incentives, and the AG (A–G) and AQ (A–USDC) pools. Its agent types, actions, signals and own
// terms (§6), outputs (§8), parameters (§3) and the framework traits.
#include <array>
#include <cstdint>

#include "agents/behaviour.hpp"
#include "agents/declaration.hpp"
#include "engine/driver/protocol.hpp"
#include "engine/driver/scenario.hpp"
#include "engine/framework/outputs.hpp"
#include "engine/market/params.hpp"
#include "engine/protocols/klima2/params.hpp"

namespace stampede::klima2 {

// Storage order: the four holder types first (contiguous: liquid_run sums them), then the two
// arrival-driven types. Actions in each type's choice order (klima2.md §6).
enum AgentType : int { bond_staker, liquid_holder, g_staker, lp, carbon_seller, offset_buyer, kNumTypes };
enum BondStakerAction : int { bs_bond, bs_sell_a, bs_sell_g };
enum LiquidHolderAction : int { lh_sell_a, lh_buy_a, lh_sell_g };
enum GStakerAction : int { gs_stake_g, gs_unstake_g, gs_sell_a };
enum LpAction : int { lp_add, lp_remove, lp_sell_a, lp_sell_g };
enum ArrivalAction : int { arrival_accept };  // carbon_seller, offset_buyer: evaluated per order only
inline constexpr int kHolderTypes = 4;        // [bond_staker, lp]

// Common signals (§6), in this order everywhere. `gap` is the arrivals' own (0 in the step's pass).
enum Signal : int { sig_dev, sig_mom, sig_vol, sig_mkt, sig_exit_prev, sig_apy_bond, sig_apy_g, sig_apy_lp, sig_gap,
                    kNumSignals };
enum Own : int { own_pnl, own_loyalty, kNumOwn };

struct Klima2Scenario {
  Klima2Params params;
  market::MarketParams market;
  std::array<double, kNumTypes> mix{};
};

class Klima2Path;

struct Klima2 {
  static constexpr const char* kName = "klima2";
  static constexpr const char* kSummary =
      "Klima 2.0 asset manager: 40-position bond curve, carbon portfolio pricing, AG/AQ pools, G incentives";
  static constexpr int kTypes = kNumTypes;
  using Params = Klima2Scenario;
  using Path = Klima2Path;

  static const agents::BehaviourDecl& behaviour();  // klima2.md §6
  static const framework::OutputDecl& outputs();    // klima2.md §8
  static void declare(config::Schema& schema);      // klima2.*, metrics.klima2.*, agents extras
  static std::int64_t main_period_seconds(const config::Values&) { return 86400; }  // daily series (§8)
  static Params read(const Scenario& scenario, const agents::Behaviour& behaviour);
  static std::size_t bytes_per_agent(const Params& p);
  // klima2.start_at: the protocol past launch, reached by simulating from launch (a warm-up).
  static std::int64_t warmup_steps(const Params& p, std::int64_t dt) { return p.params.start_at / dt; }
  // Rare-event splitting: `price_drawdown` (level 1), scored by the AQ TWAP's fall toward the
  // floor (Path::score; docs/rare-events.md).
  static std::vector<SplittingScore> scores(const Params& p);
};

enum Series : int { s_p_a, s_p_g, s_n_a, s_s, s_a_cls, s_beta, s_r_daily, s_r_lambda, s_inflation_synth,
                    s_inflation_net, s_backing_pv, s_backing_liquid, s_nav_a, s_tonnes_bought, s_tonnes_retired,
                    s_tonnes_yielded, s_tonnes_defaulted, s_orders_rejected, s_aq_a, s_aq_q, s_ag_a, s_ag_g,
                    s_locked_aq, s_locked_ag, s_n_gc, s_g_staked_frac, s_incent_treasury, s_lambda_gg,
                    s_gov_lp_share, kNumSeries };
enum Final : int { f_min_p_a, f_max_drawdown, f_final_backing_pv, f_seller_tonnes, f_offset_tonnes, f_minted_purchase,
                   f_burned, f_max_liquid_sold_7d, f_max_aq_removed_7d, kNumFinals };
enum Event : int { e_liquid_run, e_lp_flight_aq, e_lp_flight_ag, e_backing_breach, e_price_drawdown, e_below_nav,
                   e_unpriced_class, e_liquidation, kNumEvents };

Protocol protocol();

}  // namespace stampede::klima2
