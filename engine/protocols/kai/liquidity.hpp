#pragma once
// LP add and removal on the KUSDT-KAI pool, cleared on aggregates (kai.md K17, K21).
#include "engine/protocols/kai/state.hpp"

namespace stampede::kai {

struct LpAdd {
  double dy = 0.0;          // KUSDT added
  double dx = 0.0;          // KAI added
  double shares = 0.0;      // LP shares minted
  double fill_kusdt = 0.0;  // agent i pays fill_kusdt·Δy_i KUSDT
  double fill_kai = 0.0;    // and fill_kai·Δx_i KAI
  double share_per_kusdt = 0.0;  // and gets share_per_kusdt·Δy_i shares (= shares/ΣΔy_i)
};

// K21 at the current price p = y/x for intents ΣΔy_i (KUSDT) and ΣΔx_i (KAI):
//   Δy = min(ΣΔy_i, ΣΔx_i·p), Δx = Δy/p, shares = L·Δy/y; the unused side stays liquid.
LpAdd plan_lp_add(double x, double y, double L, double sum_dy, double sum_dx) noexcept;
inline void apply_lp_add(KaiState& s, const LpAdd& a) noexcept {
  s.x += a.dx;
  s.y += a.dy;
  s.L += a.shares;
}

struct LpRemove {
  double shares = 0.0;
  double dx = 0.0;  // KAI out
  double dy = 0.0;  // KUSDT out (bank_run_liquidity counts it)
};

// K17: removing s shares (agents' and a liquidity_drain's together) takes (x·s/L, y·s/L).
// s is capped at L − the caller keeps Σ holders' shares = L, so the cap only absorbs rounding.
LpRemove plan_lp_remove(double x, double y, double L, double s) noexcept;
inline void apply_lp_remove(KaiState& st, const LpRemove& r) noexcept {
  st.x -= r.dx;
  st.y -= r.dy;
  st.L -= r.shares;
}

}  // namespace stampede::kai
