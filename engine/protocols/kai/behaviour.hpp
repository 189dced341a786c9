#pragma once
// KAI agent types, actions, signals and behaviour defaults (kai.md §6), as data: the schema
// declares one key per entry and the path simulation reads the resolved values back.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/core/distribution.hpp"

namespace stampede::kai {

// Common signals (kai.md §6 table), in this order everywhere.
enum Signal : int { sig_peg_dev, sig_mom, sig_vol, sig_exit_frac, sig_mkt_ret, sig_board_apr, sig_bond_gain,
                    sig_bkai_lp_apr, sig_debt_ratio, sig_cover, sig_lp_apr, kNumSignals };
inline constexpr std::array<std::string_view, kNumSignals> kSignalNames = {
    "peg_dev", "mom", "vol", "exit_frac", "mkt_ret", "board_apr", "bond_gain", "bkai_lp_apr",
    "debt_ratio", "cover", "lp_apr"};

// Own terms (per agent): pnl_i and claimable_i.
enum Own : int { own_pnl, own_claimable, kNumOwn };
inline constexpr std::array<std::string_view, kNumOwn> kOwnNames = {"pnl", "claimable"};

enum AgentType : int { holder, staker, bond_buyer, lp, kNumTypes };
inline constexpr std::array<std::string_view, kNumTypes> kTypeNames = {"holder", "staker", "bond_buyer", "lp"};

// Action codes per type, in the choice order of the §6 table (code = index + 1; 0 = hold).
enum HolderAction : std::uint8_t { holder_sell = 1, holder_buy = 2 };
enum StakerAction : std::uint8_t { staker_stake = 1, staker_claim = 2, staker_withdraw = 3 };
enum BondAction : std::uint8_t { bond_bond = 1, bond_redeem = 2, bond_sell = 3 };
enum LpAction : std::uint8_t { lp_remove = 1, lp_add = 2 };

inline constexpr int kMaxActions = 3;

struct ActionBehaviour {
  std::string_view name;
  bool exit = false;                        // the type's exit action (agents.md "Exit and re-entry")
  Distribution bias;                        // b_i(a) ~ normal(μ, 1)
  Distribution fraction;                    // f_i(a)
  std::array<double, kNumSignals> w{};      // mean common-signal weights w_k(a)
  std::array<double, kNumOwn> v{};          // own-term weights v_j(a)
};

struct TypeBehaviour {
  Distribution attention;                   // ρ_i
  Distribution sensitivity;                 // h_i
  double temperature = 1.0;                 // T
  double reentry = 0.0;                     // per step
  double kai_share = 0.5;                   // agents.init.kai_share (§3 initial state)
  std::vector<ActionBehaviour> actions;     // choice order
};

struct KaiBehaviour {
  std::array<double, kNumTypes> mix{};      // agents.mix
  std::array<TypeBehaviour, kNumTypes> types;
  double claim_sell_frac = 0.5;             // agents.staker.claim_sell_frac
  double exit_sell_frac = 1.0;              // agents.staker.exit_sell_frac
  double redeem_sell_frac = 1.0;            // agents.bond_buyer.redeem_sell_frac
  double lp_sell_kai_frac = 0.5;            // agents.lp.lp_sell_kai_frac
};

// The §6 defaults.
KaiBehaviour default_behaviour();

}  // namespace stampede::kai
