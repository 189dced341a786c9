#pragma once
// Protocol scalars at t = 0 from kai.md §3 "Initial state" (totals only; the per-agent split of
// agent_kai, agent_kusdt, staked sKAI, bKAI and LP shares is the agents module's).
#include "engine/protocols/kai/params.hpp"
#include "engine/protocols/kai/state.hpp"

namespace stampede::kai {

// S, A, B, Σst, sKAI supply, pool (x_0, y_0, L_0 = sqrt(x_0·y_0)), L_out = (1 − agent_lp_share)·L_0,
// buyback and team funds, arbitrageur stocks, cap_tier = tier(S_0), twap_r = p_0 and
//   ext_kai = S − agent_kai − x − A − board_unclaimed − team_kai − bb_kai − arb_kai   (3.5e6 at the defaults).
// ext_kai < 0 is a config error; the validator checks it (see ext_kai_at_start).
KaiState initial_state(const KaiParams& p);

// The ext_kai of initial_state, for the config validator.
double ext_kai_at_start(const KaiParams& p) noexcept;

}  // namespace stampede::kai
