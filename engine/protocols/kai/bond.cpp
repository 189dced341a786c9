#include "engine/protocols/kai/bond.hpp"

namespace stampede::kai {

BondFill purchase_bonds(KaiState& s, const KaiParams& p, double requested) noexcept {
  BondFill out;
  if (!s.contraction() || !(requested > 0.0)) return out;
  // Both read before this purchase: after the burn B/base may exceed max_debt_ratio (kai.md §10.7).
  const double base = p.debt_cap_base == DebtCapBase::circulation ? s.C() : s.S;
  const double room = p.max_debt_ratio * base - s.B;
  const double debt_room = room > 0.0 ? room : 0.0;
  out.cap = s.contraction_left < debt_room ? s.contraction_left : debt_room;
  out.fill = requested < out.cap ? requested : out.cap;
  out.phi = out.fill / requested;
  out.debt_cap_hit = requested > out.cap && debt_room < s.contraction_left;
  s.contraction_left -= out.fill;
  s.S -= out.fill;
  s.B += out.fill;
  s.ledger.burn(BurnChannel::bond, out.fill);
  return out;
}

}  // namespace stampede::kai
