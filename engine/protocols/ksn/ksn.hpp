#pragma once
// The `ksn` protocol (ksn.md; seed 000_ef4818eb87839a2c.txt): its agent types, actions, signals
// and own terms (§6), its outputs (§8), its parameters (§3) and the traits the framework builds
// the engine's protocol from (engine/framework/protocol_model.hpp).
#include <cstdint>

#include "agents/behaviour.hpp"
#include "agents/declaration.hpp"
#include "engine/driver/protocol.hpp"
#include "engine/driver/scenario.hpp"
#include "engine/framework/outputs.hpp"
#include "engine/market/params.hpp"
#include "engine/protocols/ksn/params.hpp"

namespace stampede::ksn {

// Storage order (§6: accrue_rebase runs over staker + bonder) and actions in choice order (0-based).
enum AgentType : int { staker, bonder, trader, lp, kNumTypes };
enum StakerAction : int { staker_enter, staker_exit };
enum BonderAction : int { bonder_bond, bonder_stake, bonder_sell, bonder_exit };
enum TraderAction : int { trader_buy, trader_sell };
enum LpAction : int { lp_add, lp_withdraw };

// Common signals (ksn.md §6), in this order everywhere. exit_* are the previous step's exit
// shares of each type (herding); the other signals are raw (not centred).
enum Signal : int { sig_yld, sig_mom, sig_run, sig_prem, sig_vol, sig_mkt, sig_disc, sig_fee,
                    sig_exit_staker, sig_exit_bonder, sig_exit_trader, sig_exit_lp, kNumSignals };
// Own terms (per agent, unscaled by h_i): pnl_i, pen_i, m_i − 1 and the bond term d − d_req_i.
enum Own : int { own_pnl, own_pen, own_potp, own_disc_gap, kNumOwn };

struct KsnScenario {
  KsnParams params;
  market::MarketParams market;
};

class KsnPath;

struct Ksn {
  static constexpr const char* kName = "ksn";
  static constexpr const char* kSummary =
      "KSN AI Treasury: reserves, discounted bonds with linear vesting, 12h PoTP-weighted rebase, DCP";
  static constexpr int kTypes = kNumTypes;
  using Params = KsnScenario;
  using Path = KsnPath;

  static const agents::BehaviourDecl& behaviour();  // ksn.md §6
  static const framework::OutputDecl& outputs();    // ksn.md §8
  static void declare(config::Schema& schema);      // ksn.*, metrics.ksn.*, agents extras
  static std::int64_t main_period_seconds(const config::Values& v) { return v.duration_s("ksn.rebase.period"); }
  static Params read(const Scenario& scenario, const agents::Behaviour& behaviour);
  // Rare-event splitting: `bank_run` (level 1), scored by the 24h price fall that sets a run off
  // and the unstaked fraction over its threshold (Path::score).
  static std::vector<SplittingScore> scores(const Params&) {
    return {SplittingScore{0, 1.0,
                           "max(KSN unstaked over metrics.ksn.bank_run.window / (fraction × Σ stake at the window "
                           "start), F/(F + 0.25)), F = ln(P_{t−24h}/P_t) ≥ 0 the 24h log fall of the spot"}};
  }
  // Six token columns (double) and six model floats: cost, since, bond_left, G_i, L_i, m_i; d_req_i.
  static std::size_t bytes_per_agent(const Params&) { return 6 * sizeof(double) + 7 * sizeof(float); }
};

// The outputs, in Ksn::outputs() order: every series is also a final (its value at the horizon).
enum Series : int { s_price, s_backing, s_premium, s_rfv, s_excess_reserves, s_reserves_market_value,
                    s_treasury_usdc, s_treasury_lp_rfv, s_treasury_cert_value, s_stable_share, s_dcp_balance,
                    s_runway_rebases, s_rebase_rate, s_rebase_rate_eff, s_apy_instant, s_staked_fraction,
                    s_supply, s_circulating, s_bond_debt, s_bond_discount, s_tvl, s_potp_mean,
                    s_unstaked_72h_fraction, s_minted_surplus_cum, s_minted_bonds_cum, s_burned_cum,
                    s_penalties_cum, kNumSeries };
enum Final : int { f_apy_realised, f_premium_min, f_runway_rebases_min, kNumFinals };
enum Event : int { e_bank_run, e_below_backing, e_rebase_default, e_rfv_deficit, kNumEvents };

Protocol protocol();

}  // namespace stampede::ksn
