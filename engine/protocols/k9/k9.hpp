#pragma once
// The `k9` protocol (k9.md; seed 003_df50f1601eded8be.txt): esKNINE vesting against KNINE locked
// in Real Yield Staking, with the KNINE-WETH pool. Its agent types, actions, signals and own terms
// (§6), its outputs (§8), its parameters (§3) and the traits the framework builds the engine's
// protocol from (engine/framework/protocol_model.hpp).
#include <array>
#include <cstdint>

#include "agents/behaviour.hpp"
#include "agents/declaration.hpp"
#include "engine/driver/protocol.hpp"
#include "engine/driver/scenario.hpp"
#include "engine/framework/outputs.hpp"
#include "engine/market/params.hpp"
#include "engine/protocols/k9/params.hpp"

namespace stampede::k9 {

// Storage order (vesters first: the vester-only columns cover [0, n_vester)) and actions in the
// choice order of k9.md §6's table (0-based).
enum AgentType : int { vester, staker, trader, kNumTypes };
enum VesterAction : int { vester_deposit, vester_claim, vester_sell, vester_unstake, vester_lock, vester_withdraw_lock,
                          vester_buy };
enum StakerAction : int { staker_sell, staker_unstake, staker_stake };
enum TraderAction : int { trader_sell, trader_buy };
static_assert(kNumTypes == kK9Types);

// Common signals (§6), in this order everywhere.
enum Signal : int { sig_px_dev, sig_mom, sig_vol, sig_exit_frac, sig_mkt_ret, sig_rys_apr, sig_unlock_7d, sig_stopped,
                    kNumSignals };
// Own terms (§6).
enum Own : int { own_pnl, own_capacity, own_claimable, own_recalc_loss, own_uncovered, own_claim_share, kNumOwn };

struct K9Scenario {
  K9Params params;
  market::MarketParams market;
  std::array<double, kNumTypes> mix{};  // agents.mix (for the memory estimate)
};

class K9Path;

struct K9 {
  static constexpr const char* kName = "k9";
  static constexpr const char* kSummary =
      "K9 Finance esKNINE: linear vesting backed by locked KNINE, recalculation on unstake, emergency stop";
  static constexpr int kTypes = kNumTypes;
  using Params = K9Scenario;
  using Path = K9Path;

  static const agents::BehaviourDecl& behaviour();  // k9.md §6
  static const framework::OutputDecl& outputs();    // k9.md §8
  static void declare(config::Schema& schema);      // k9.*, metrics.k9.*, agents extras (§3, §8)
  static std::int64_t main_period_seconds(const config::Values&) { return 86400; }  // daily series (§8)
  static Params read(const Scenario& scenario, const agents::Behaviour& behaviour);
  // The holdings' bytes per agent, averaged over the types (path.hpp K9Agents: the vester-only and
  // vester+staker columns cover only those agents).
  static std::size_t bytes_per_agent(const Params& p);
  // Rare-event splitting: `unlock_drawdown` (level 1), scored by the nearer-to-failing of its two
  // conditions (Path::score; docs/rare-events.md).
  static std::vector<SplittingScore> scores(const Params& p);
};

// The outputs, in K9::outputs() order (§8).
enum Series : int { s_price, s_price_usd, s_pool_knine, s_pool_quote, s_knine_claimed, s_claim_sold, s_claim_sold_depth,
                    s_unlock_sold, s_es_supply, s_vesting_es, s_claimable, s_locked_total, s_staked_total,
                    s_recalc_count, kNumSeries };
enum Final : int { f_max_drawdown, f_unlock_drawdown_depth, f_recalc_share, f_es_excluded, f_claim_sell_share,
                   f_stop_knine_paid, f_stop_es_returned, f_stop_forfeit_knine, f_stop_price_change_7d,
                   f_knine_claimed, f_claim_sold, f_unlock_sold, f_locked_final, f_price_ratio, kNumFinals };
enum Event : int { e_unlock_drawdown, e_emergency_stop, e_stock_shortfall, kNumEvents };

Protocol protocol();

}  // namespace stampede::k9
