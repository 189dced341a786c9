#include "engine/protocols/kai/round.hpp"

#include "engine/protocols/kai/bkai_lp.hpp"
#include "engine/protocols/kai/issuance.hpp"
#include "engine/protocols/kai/tiers.hpp"

namespace stampede::kai {

RoundOutcome run_round(KaiState& s, const KaiParams& p, double twap_r, std::int64_t r, double u_trade) {
  RoundOutcome o;
  const double C = s.C();  // K1, read once: K6, K9 and K12 use the round-start circulation
  o.circulation = C;
  s.twap_r = twap_r;  // K2 (the window TWAP is computed by the caller)
  s.r = r;

  // K3 (bootstrap rounds always expand).
  const bool expansion = r < p.bootstrap_rounds || twap_r >= p.expansion_threshold;
  s.phase = expansion ? Phase::expansion : Phase::contraction;
  o.phase = s.phase;
  o.debt = s.A < s.B;  // K4

  // K5 ratchet: every round, contraction rounds too, before the rate.
  if (p.issuance_mode == IssuanceMode::tiered) s.cap_tier = ratchet(s.cap_tier, s.S, p.tiers);

  if (expansion) {
    o.rate = issuance_rate(p, twap_r, r, o.debt, s.cap_tier);  // K5
    o.E = C * o.rate;                                          // K6
    // K7: in debt (after bootstrap) only debt_board_share of E goes to the boardroom.
    o.board = (o.debt && r >= p.bootstrap_rounds) ? p.debt_board_share * o.E : o.E;
    o.treasury = o.E - o.board;
    s.A += o.treasury;
    s.S += o.treasury;
    s.ledger.mint(MintChannel::treasury, o.treasury);
    // K8: team fund = team_share of the boardroom allocation; no stakers → nothing minted
    // for the boardroom (the code would revert).
    if (s.staked > 0.0) {
      o.team = p.team_share * o.board;
      o.stakers = o.board - o.team;
      o.board_minted = true;
      s.RPS += o.stakers / s.staked;
      s.board_unclaimed += o.stakers;
      s.team_kai += o.team;
      s.S += o.stakers + o.team;
      s.ledger.mint(MintChannel::board, o.stakers);
      s.ledger.mint(MintChannel::team, o.team);
    }
    // K9 on E of K6, also when the boardroom part was not minted.
    o.BB = buyback_mint(C, o.E, twap_r, p.peg, p.buyback);
    s.bb_kai += o.BB;
    s.S += o.BB;
    s.ledger.mint(MintChannel::buyback, o.BB);
    // K10
    o.keeper = p.keeper_reward;
    if (o.keeper > 0.0) {
      s.ext_kai += o.keeper;
      s.S += o.keeper;
      s.ledger.mint(MintChannel::keeper, o.keeper);
    }
  }

  // K11
  s.contraction_left = expansion ? 0.0 : p.contraction_cap * s.S;
  o.contraction_left = s.contraction_left;

  // K12: the earn rate is set in contraction and held for hold_rounds expansion rounds.
  if (!expansion) {
    s.earn_rate = contraction_earn_rate(s.B, C, p.bkai_lp);
    s.lp_hold_left = p.bkai_lp.hold_rounds;
  } else if (s.lp_hold_left > 0) {
    s.lp_hold_left -= 1;
  } else {
    s.earn_rate = 0.0;
  }
  o.earn_rate = s.earn_rate;

  // K13
  o.skai_emitted = skai_lp_emission(s.earn_rate, s.B, p.skai_emission_per_round);
  if (o.skai_emitted > 0.0) {
    s.RPS_lp += o.skai_emitted / s.B;
    s.skai_supply += o.skai_emitted;
  }

  // K14: decided now (after K9, so this round's BB can be sold), executed in (c).
  o.buyback = buyback_intent(twap_r, s.bb_kai, s.bb_kusdt, p.buyback, u_trade);
  return o;
}

}  // namespace stampede::kai
