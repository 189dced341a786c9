#pragma once
// bKAI redemption cleared on totals (kai.md K16).
#include "engine/protocols/kai/params.hpp"
#include "engine/protocols/kai/state.hpp"

namespace stampede::kai {

struct Redemption {
  double phi = 0.0;           // fill ratio: agent i burns phi·q_i bKAI
  double bkai_burned = 0.0;   // Σ of the burns (B −= this)
  double kai_paid = 0.0;      // KAI out of the treasury reserve A (at or above peg)
  double kai_minted = 0.0;    // KAI newly minted (below peg, redeem_mint)
  double kai_per_bkai = 0.0;  // KAI agent i gets per bKAI burned: 1 at peg, redeem_penalty below
  bool treasury_short = false;  // at peg with phi < 1 (§8 treasury_short)
};

// K16 for requests Q = Σ q_i on the round's twap_r (s.twap_r):
//   twap_r ≥ peg: paid = min(Q, A); φ = paid/Q; agent i gets φ·q_i KAI from A; A −= paid
//   twap_r < peg: every q_i burned, redeem_penalty·q_i newly minted (ledger redeem_mint)
Redemption redeem_bkai(KaiState& s, const KaiParams& p, double requested) noexcept;

}  // namespace stampede::kai
