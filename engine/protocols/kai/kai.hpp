#pragma once
// The `kai` protocol (kai.md; seed 004_c3415af6468a40ec.txt): its agent types, actions, signals
// and own terms (§6), its outputs (§8), its parameters (§3) and the traits the framework builds
// the engine's protocol from (engine/framework/protocol_model.hpp).
#include <array>
#include <cstdint>
#include <string_view>

#include "agents/behaviour.hpp"
#include "agents/declaration.hpp"
#include "engine/core/distribution.hpp"
#include "engine/driver/protocol.hpp"
#include "engine/driver/scenario.hpp"
#include "engine/framework/outputs.hpp"
#include "engine/market/params.hpp"
#include "engine/protocols/kai/params.hpp"

namespace stampede::kai {

// Storage order of the types (kai.md §6) and their actions in choice order (0-based).
enum AgentType : int { holder, staker, bond_buyer, lp, kNumTypes };
enum HolderAction : int { holder_sell, holder_buy };
enum StakerAction : int { staker_stake, staker_claim, staker_withdraw };
enum BondAction : int { bond_bond, bond_redeem, bond_sell };
enum LpAction : int { lp_remove, lp_add };

// Common signals (kai.md §6 table), in this order everywhere.
enum Signal : int { sig_peg_dev, sig_mom, sig_vol, sig_exit_frac, sig_mkt_ret, sig_board_apr, sig_bond_gain,
                    sig_bkai_lp_apr, sig_debt_ratio, sig_cover, sig_lp_apr, kNumSignals };
// Own terms: pnl_i = W_i/cost_i − 1 and claimable_i = pending_i·p/W_i.
enum Own : int { own_pnl, own_claimable, kNumOwn };

// Agent-side parameters that are not behaviour weights (kai.md §3 initial state, §6 *_frac).
struct KaiAgentParams {
  Distribution wealth = Distribution::lognormal(0.0, 1.0);  // agents.init.wealth
  std::array<double, kNumTypes> kai_share = {0.5, 0.5, 0.2, 0.5};  // agents.init.kai_share.<type>
  double claim_sell_frac = 0.5;   // agents.staker.claim_sell_frac
  double exit_sell_frac = 1.0;    // agents.staker.exit_sell_frac
  double redeem_sell_frac = 1.0;  // agents.bond_buyer.redeem_sell_frac
  double lp_sell_kai_frac = 0.5;  // agents.lp.lp_sell_kai_frac
};

struct KaiScenario {
  KaiParams params;
  KaiMetricParams metrics;
  KaiAgentParams agents;
  market::MarketParams market;
};

class KaiPath;

struct Kai {
  static constexpr const char* kName = "kai";
  static constexpr const char* kSummary =
      "KAI algorithmic stablecoin: hourly TWAP rounds, expansion/contraction, bKAI, boardroom, buyback fund";
  static constexpr int kTypes = kNumTypes;
  using Params = KaiScenario;
  using Path = KaiPath;

  static const agents::BehaviourDecl& behaviour();  // kai.md §6
  static const framework::OutputDecl& outputs();    // kai.md §8
  static void declare(config::Schema& schema);      // kai.*, metrics.kai.*, agents extras (§3, §6, §8)
  static std::int64_t main_period_seconds(const config::Values& v) { return v.duration_s("kai.round"); }
  static Params read(const Scenario& scenario, const agents::Behaviour& behaviour);
  // Rare-event splitting: `depeg`, scored by DepegObserver::score (level metrics.kai.depeg_rounds).
  static std::vector<SplittingScore> scores(const Params& p) {
    return {SplittingScore{0, static_cast<double>(p.metrics.depeg_rounds),
                           "rounds of the run with twap below metrics.kai.depeg_level (the open round's TWAP so far "
                           "included) plus the rounds its depth predicts (60 per unit of (level - twap)/level), kept "
                           "below the event's rounds; before a run, how close the TWAP is to the level from the peg"}};
  }
  // Ten token columns: nine doubles, the cost basis as a float, the lock timer (uint32).
  static std::size_t bytes_per_agent(const Params&) { return 9 * sizeof(double) + sizeof(float) + sizeof(std::uint32_t); }
};

// Indices of the outputs (Kai::outputs() lists them in this order).
enum Series : int { s_twap, s_price, s_kai_supply, s_circulation, s_treasury_kai, s_bkai_supply, s_debt_ratio,
                    s_board_staked, s_issuance, s_buyback_mint, s_bb_kai, s_bb_kusdt, s_pool_kai, s_pool_kusdt,
                    s_earn_rate, s_phase, kNumSeries };
enum Final : int { f_min_twap, f_hours_below_099, f_depeg_first_round, f_max_debt_ratio, f_final_debt_ratio,
                   f_kai_minted_total, f_kai_burned_total, f_bb_kusdt_final, kNumFinals };
enum Event : int { e_depeg, e_bank_run_boardroom, e_bank_run_liquidity, e_bank_run, e_debt_cap_hit,
                   e_treasury_short, kNumEvents };

// The engine's view of `kai` (registered in engine/protocols/builtin.cpp).
Protocol protocol();

}  // namespace stampede::kai
