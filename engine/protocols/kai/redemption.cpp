#include "engine/protocols/kai/redemption.hpp"

namespace stampede::kai {

Redemption redeem_bkai(KaiState& s, const KaiParams& p, double requested) noexcept {
  Redemption out;
  if (!(requested > 0.0)) return out;
  if (s.twap_r >= p.peg) {
    const double paid = requested < s.A ? requested : (s.A > 0.0 ? s.A : 0.0);
    out.phi = paid / requested;
    out.kai_paid = paid;
    out.bkai_burned = paid;
    out.kai_per_bkai = 1.0;
    out.treasury_short = out.phi < 1.0;
    s.A -= paid;  // KAI moves from the treasury to agents: S unchanged
  } else {
    out.phi = 1.0;
    out.bkai_burned = requested;
    out.kai_per_bkai = p.redeem_penalty;
    out.kai_minted = p.redeem_penalty * requested;
    s.S += out.kai_minted;
    s.ledger.mint(MintChannel::redeem_mint, out.kai_minted);
  }
  s.B -= out.bkai_burned;
  if (s.B < 0.0) s.B = 0.0;  // Σ q_i ≤ Σ bkai_i = B up to summation order
  return out;
}

}  // namespace stampede::kai
