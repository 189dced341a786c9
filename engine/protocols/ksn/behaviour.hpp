#pragma once
// KSN agent types, actions, signals and behaviour defaults (ksn.md §6), as data: the schema
// declares one key per entry and the path simulation reads the resolved values back.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/core/distribution.hpp"

namespace stampede::ksn {

// Common signals (ksn.md §6), in this order everywhere. exit_* are the previous step's exit
// shares of each type (herding); the other signals are raw (not centred).
enum Signal : int { sig_yld, sig_mom, sig_run, sig_prem, sig_vol, sig_mkt, sig_disc, sig_fee,
                    sig_exit_staker, sig_exit_bonder, sig_exit_trader, sig_exit_lp, kNumSignals };
inline constexpr std::array<std::string_view, kNumSignals> kSignalNames = {
    "yld", "mom", "run", "prem", "vol", "mkt", "disc", "fee", "exit_staker", "exit_bonder", "exit_trader", "exit_lp"};

// Own terms (per agent, unscaled by h_i): pnl_i, pen_i, m_i − 1 and the bonder's d − d_req_i.
enum Own : int { own_pnl, own_pen, own_potp, own_disc_gap, kNumOwn };
inline constexpr std::array<std::string_view, kNumOwn> kOwnNames = {"pnl", "pen", "potp", "disc_gap"};

// Types are stored contiguously in this order (§6: accrue_rebase runs over staker+bonder).
enum AgentType : int { staker, bonder, trader, lp, kNumTypes };
inline constexpr std::array<std::string_view, kNumTypes> kTypeNames = {"staker", "bonder", "trader", "lp"};

// Action codes per type in the §6 table order (code = index + 1; 0 = hold).
enum StakerAction : std::uint8_t { staker_enter = 1, staker_exit = 2 };
enum BonderAction : std::uint8_t { bonder_bond = 1, bonder_stake = 2, bonder_sell = 3, bonder_exit = 4 };
enum TraderAction : std::uint8_t { trader_buy = 1, trader_sell = 2 };
enum LpAction : std::uint8_t { lp_add = 1, lp_withdraw = 2 };

inline constexpr int kMaxActions = 4;

struct ActionBehaviour {
  std::string_view name;
  bool exit = false;                    // the type's exit action (its exit_k share; agents.md re-entry)
  Distribution bias;                    // b_i(a) ~ normal(μ, 1)
  Distribution fraction;                // f_i(a) of the relevant holding
  std::array<double, kNumSignals> w{};  // mean common-signal weights w_k(a)
  std::array<double, kNumOwn> v{};      // own-term weights
};

struct TypeBehaviour {
  Distribution attention;    // ρ_i
  Distribution sensitivity;  // h_i
  double temperature = 1.0;  // T
  double liquid_share = 0;   // agents.init.liquid_share (§3)
  double usdc_share = 0;     // agents.init.usdc_share (§3)
  std::vector<ActionBehaviour> actions;  // choice order
};

struct KsnBehaviour {
  std::array<double, kNumTypes> mix{};
  std::array<TypeBehaviour, kNumTypes> types;
  Distribution required_discount = Distribution::uniform(0.02, 0.08);  // agents.bonder.required_discount
  double lp_sell_on_withdraw = 1.0;                                    // agents.lp.sell_on_withdraw
};

// The §6 defaults (calibrated in ksn.md §6).
KsnBehaviour default_behaviour();

}  // namespace stampede::ksn
