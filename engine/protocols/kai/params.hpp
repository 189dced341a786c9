#pragma once
// KAI protocol parameters (kai.md §3), frozen per scenario. Defaults are the spec's; the YAML
// mapping and range validation live in engine/config, not here.
#include <vector>

namespace stampede::kai {

enum class IssuanceMode { fixed, tiered };          // kai.issuance_mode
enum class DebtIssuanceMode { seed, code };         // kai.debt_issuance_mode (K5, §11)
enum class DebtCapBase { circulation, supply };     // kai.debt_cap_base (K19)

// One row of the tier table (K5): from total supply `supply_from` (KAI) the cap is `cap`.
struct Tier {
  double supply_from = 0.0;  // KAI
  double cap = 0.0;          // fraction of C per round
};

struct BuybackParams {  // kai.buyback.* (K9, K14)
  double min_share = 0.30;            // fraction of E; seed
  double threshold = 1.003;           // KUSDT; seed
  double rate = 0.10;                 // per KUSDT of twap − peg; seed
  double max_rate = 0.03;             // fraction of C; seed
  double sell_above = 1.05;           // KUSDT; code BBFundImpl.sol
  double buy_below = 0.99;            // KUSDT; code BBFundImpl.sol
  double max_sell_per_round = 1e4;    // KAI; code
  double max_buy_per_round = 1e4;     // KUSDT; code
  double trade_probability = 0.25;    // per round; decision (seed "irregular")
  double lp_fraction = 0.0;           // of bb_kusdt kept as (idle) LP; seed ≤ 0.7
};

struct BoardParams {  // kai.board.* (K15), code Boardroom.sol
  int withdraw_lockup_rounds = 4;
  int reward_lockup_rounds = 2;
};

struct BkaiLpParams {  // kai.bkai_lp.* (K12), seed earn-rate formula; rates in %
  double slope = 150.0;
  double offset = 3.0;
  double min = 7.0;
  double max = 40.0;
  int hold_rounds = 2;  // expansion rounds the rate is still held; seed "at least 2 rounds"
};

struct PoolParams {  // kai.pool.*: the KUSDT-KAI pool
  double fee = 0.003;  // Klayswap fee on the input
  double kai = 3e6;    // initial KAI reserve x_0
  double kusdt = 3e6;  // initial KUSDT reserve y_0
};

struct InitialParams {  // kai.initial.* (§3 "Initial state")
  double kai_supply = 1e7;     // S_0, KAI
  double treasury_kai = 0.0;   // A_0, KAI
  double bkai_supply = 0.0;    // B_0, bKAI
  double board_staked = 5e4;   // Σst_0, sKAI
  double skai_supply = 1e5;    // sKAI
  double agent_kai = 3e6;      // KAI
  double agent_kusdt = 3e6;    // KUSDT
  double bb_kusdt = 5e5;       // KUSDT
  double bb_kai = 0.0;         // KAI
  double team_kai = 0.0;       // KAI
  double agent_lp_share = 0.5; // fraction of L_0 held by agent LPs (rest: L_out)
};

struct ArbitrageurParams {  // agents.arbitrageur.* (K18); stocks, not per-step limits
  double band = 0.005;          // KUSDT around peg
  double capital_kusdt = 5e5;   // KUSDT
  double capital_kai = 5e5;     // KAI, taken out of ext_kai
};

struct KaiParams {
  double round_seconds = 3600.0;           // kai.round "1h"; a multiple of step
  double expansion_threshold = 0.995;      // KUSDT; seed 2021-10-07 update (K3)
  double peg = 1.0;                        // KUSDT; code kaiPriceOne (K5, K9, K16, K18)
  IssuanceMode issuance_mode = IssuanceMode::fixed;
  double fixed_rate = 0.001;               // of C per round; seed "from round 340"
  double expansion_factor = 0.30;          // kai.tiered.expansion_factor; code
  std::vector<Tier> tiers = {{0.0, 0.03},  {1e6, 0.02},  {2e6, 0.015}, {5e6, 0.01},
                             {1e7, 0.005}, {2e7, 0.0025}, {5e7, 0.001}};  // kai.tiered.tiers; seed
  int bootstrap_rounds = 0;                // set 21 for a launch replay
  double bootstrap_rate = 0.03;            // of C per round
  double debt_issuance_rate = 0.03;        // of C per round; seed "temporarily 3%"
  DebtIssuanceMode debt_issuance_mode = DebtIssuanceMode::seed;
  double debt_board_share = 0.35;          // code seigniorageExpansionFloorPercent
  double team_share = 0.10;                // of the boardroom allocation; code teamFundSharedPercent
  double keeper_reward = 0.0;              // KAI per round (code pays 50; decision: off)
  BuybackParams buyback{};
  double contraction_cap = 0.03;           // of S per contraction round (K11)
  double max_debt_ratio = 0.35;            // B ≤ max_debt_ratio·base (K19)
  DebtCapBase debt_cap_base = DebtCapBase::circulation;
  double redeem_penalty = 0.9;             // KAI per bKAI below peg; code redeemPenaltyRate (K16)
  BoardParams board{};
  BkaiLpParams bkai_lp{};
  double skai_emission_per_round = 10.0;   // sKAI; decision (K13)
  double skai_price = 100.0;               // KUSDT per sKAI; decision (K24, signals)
  PoolParams pool{};
  InitialParams initial{};
  ArbitrageurParams arbitrageur{};

  double round_hours() const { return round_seconds / 3600.0; }
};

// Risk-event thresholds, metrics.kai.* (kai.md §8).
struct KaiMetricParams {
  double depeg_level = 0.95;           // KUSDT
  int depeg_rounds = 24;               // consecutive rounds
  double bank_run_boardroom = 0.20;    // of Σst at the trailing window start
  double bank_run_liquidity = 0.30;    // of pool KUSDT at the trailing window start
  double bank_run_window_seconds = 86400.0;  // trailing 24h
  double below_level = 0.99;           // hours_below_099
};

}  // namespace stampede::kai
