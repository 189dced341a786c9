#pragma once
// bKAI purchase cleared on totals (kai.md K19): burn KAI 1:1 for bKAI in contraction rounds.
#include "engine/protocols/kai/params.hpp"
#include "engine/protocols/kai/state.hpp"

namespace stampede::kai {

struct BondFill {
  double cap = 0.0;    // min(contraction_left, max(0, max_debt_ratio·base − B)), read before the fill
  double fill = 0.0;   // KAI burned = bKAI minted
  double phi = 0.0;    // fill ratio: agent i burns phi·q_i KAI, gets phi·q_i bKAI
  bool debt_cap_hit = false;  // the fill was limited by the debt cap (not by contraction_left)
};

// K19 for requests Q = Σ q_i. Outside contraction rounds nothing fills.
// S −= fill, B += fill, contraction_left −= fill, ledger bond += fill.
BondFill purchase_bonds(KaiState& s, const KaiParams& p, double requested) noexcept;

}  // namespace stampede::kai
