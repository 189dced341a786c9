#pragma once
// The hourly round event (kai.md §5 (a), K1–K14): runs at the start of the step, after phase 1
// and before agents decide, on protocol scalars only.
#include <cstdint>

#include "engine/protocols/kai/buyback.hpp"
#include "engine/protocols/kai/params.hpp"
#include "engine/protocols/kai/state.hpp"

namespace stampede::kai {

struct RoundOutcome {
  Phase phase = Phase::expansion;
  bool debt = false;             // K4: A < B at the round start
  double circulation = 0.0;      // K1: C at the round start (the C of K6 and K9)
  double rate = 0.0;             // K5 (0 in contraction)
  double E = 0.0;                // K6 total expansion issuance (the `issuance` series)
  double board = 0.0;            // K7 boardroom allocation (team + stakers), even if not minted
  double team = 0.0;             // K8, minted to team_kai (0 when not minted)
  double stakers = 0.0;          // K8 stakers part, added to RPS (0 when not minted)
  bool board_minted = false;     // K8: false when Σst = 0 (board and team not minted)
  double treasury = 0.0;         // K7: E − board, minted to A
  double BB = 0.0;               // K9 buyback mint (the `buyback_mint` series)
  double keeper = 0.0;           // K10
  double contraction_left = 0.0; // K11
  double earn_rate = 0.0;        // K12, %
  double skai_emitted = 0.0;     // K13, sKAI
  BuybackIntent buyback{};       // K14 trade intent (runs as the first swap of the step)
};

// K1–K14 for round r on the closed-window TWAP twap_r; u_trade is this round's uniform for K14.
// Updates S, A, RPS, board_unclaimed, team_kai, bb_kai, ext_kai (keeper), contraction_left,
// earn_rate, lp_hold_left, RPS_lp, skai_supply, cap_tier, phase, twap_r, r and the ledger.
RoundOutcome run_round(KaiState& s, const KaiParams& p, double twap_r, std::int64_t r, double u_trade);

}  // namespace stampede::kai
