#pragma once
// The `hokusai` protocol (hokusai.md; seed 002_950ad54d4632b387.txt): a model token on a reserve
// bonding curve — minted for model improvements, burned for API access, redeemed for USDC — with
// contributor and team vesting. Its agent types, actions, signals and own terms (§6), its outputs
// (§8), its parameters (§3) and the traits the framework builds the engine's protocol from.
#include <array>
#include <cstdint>

#include "agents/behaviour.hpp"
#include "agents/declaration.hpp"
#include "engine/driver/protocol.hpp"
#include "engine/driver/scenario.hpp"
#include "engine/framework/outputs.hpp"
#include "engine/market/params.hpp"
#include "engine/protocols/hokusai/params.hpp"

namespace stampede::hokusai {

// Storage order: the types with vesting slots first (the slot columns cover [0, n_contributor + 1)
// only), then the holders. Actions in the choice order of hokusai.md §6 (0-based).
enum AgentType : int { contributor, owner, holder, kNumTypes };
enum ContributorAction : int { contributor_sell, contributor_early_withdraw };
enum OwnerAction : int { owner_sell };
enum HolderAction : int { holder_redeem, holder_buy };

// Common signals (§6), in this order everywhere.
enum Signal : int { sig_px_dev, sig_mom, sig_vol, sig_exit_frac, sig_reserve_dd, sig_usage_growth, sig_improve_30d,
                    sig_unlock_7d, sig_mkt_ret, kNumSignals };
enum Own : int { own_pnl, own_locked, kNumOwn };

struct HokusaiScenario {
  HokusaiParams params;
  market::MarketParams market;
  std::array<double, kNumTypes> mix{};  // agents.mix (the owner's is 0: one agent)
};

class HokusaiPath;

struct Hokusai {
  static constexpr const char* kName = "hokusai";
  static constexpr const char* kSummary =
      "Hokusai model token: improvement mints, access burns, USDC redemption on a bonding curve, vesting";
  static constexpr int kTypes = kNumTypes;
  using Params = HokusaiScenario;
  using Path = HokusaiPath;

  static const agents::BehaviourDecl& behaviour();  // hokusai.md §6
  static const framework::OutputDecl& outputs();    // hokusai.md §8
  static void declare(config::Schema& schema);      // hokusai.*, metrics.hokusai.*
  static std::int64_t main_period_seconds(const config::Values&) { return 86400; }  // daily series (§8)
  static Params read(const Scenario& scenario, const agents::Behaviour& behaviour);
  static std::size_t bytes_per_agent(const Params& p);
  // Rare-event splitting: `deep_drawdown` (level 1), scored by the reserve's drawdown over its
  // threshold (Path::score; docs/rare-events.md).
  static std::vector<SplittingScore> scores(const Params& p);
};

// The outputs, in Hokusai::outputs() order (§8).
enum Series : int { s_total_supply, s_circulating_supply, s_burned_total, s_minted_total, s_daily_mint, s_daily_burn,
                    s_active_users, s_token_velocity, s_treasury_health, s_treasury_usdc, s_improvement_rate,
                    s_accuracy, s_access_requests, s_price, s_reserve, s_vault, kNumSeries };
enum Final : int { f_max_reserve_drawdown, f_min_price, f_max_price, f_final_price, f_final_reserve,
                   f_improvements_accepted, f_vesting_merges, f_max_sells_24h, kNumFinals };
enum Event : int { e_redemption_run, e_deep_drawdown, e_flat_relapse, kNumEvents };

Protocol protocol();

}  // namespace stampede::hokusai
