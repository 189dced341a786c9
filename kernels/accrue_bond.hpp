#pragma once
// Linear bond payout vesting over one step (ksn.md KS19):
//   v_i = bond_rem_i·min(1, dt/bond_left_i)   (all of it if bond_left_i ≤ 0)
//   bond_rem_i −= v_i;  bond_claim_i += v_i;  bond_left_i ← max(0, bond_left_i − dt);  returns Σ v_i.
// When the term ends inside the step (dt ≥ bond_left_i) the factor is exactly 1, so v_i = bond_rem_i
// and the bond empties exactly: a bond is fully vested after T_v whatever dt is.
// bond_left is a float of seconds (integers up to 2^24 s ≈ 194 days are exact).
#include <cstddef>

#include "kernels/reduce.hpp"
#include "kernels/simd.hpp"

namespace stampede::kernels {

// Structure-of-arrays columns indexed by agent; they must not overlap.
struct BondColumns {
  double* bond_rem;     // unvested payout
  double* bond_claim;   // vested, not yet claimed (KS20 moves it to liquid)
  float* bond_left;     // seconds of vesting term left
};

namespace detail {
inline double bond_one(const BondColumns& c, std::size_t i, double dt) {
  const double left = static_cast<double>(c.bond_left[i]);
  const double share = left > 0.0 ? min_of(1.0, dt / left) : 1.0;
  const double v = c.bond_rem[i] * share;
  c.bond_rem[i] -= v;
  c.bond_claim[i] += v;
  c.bond_left[i] = static_cast<float>(max_of(0.0, left - dt));
  return v;
}
template <class A>
inline DoubleBatch<A> bond_batch(const BondColumns& c, std::size_t i, double dt) {
  using B = DoubleBatch<A>;
  const B one(1.0), zero(0.0), step(dt);
  const B left = load_widened<A>(c.bond_left + i);
  // dt/left is also evaluated where left ≤ 0 (inf or NaN there) and discarded by the select.
  const B share = xsimd::select(left > zero, min_of<A>(one, step / left), one);
  const B rem = B::load_unaligned(c.bond_rem + i);
  const B v = rem * share;
  (rem - v).store_unaligned(c.bond_rem + i);
  (B::load_unaligned(c.bond_claim + i) + v).store_unaligned(c.bond_claim + i);
  store_narrowed<A>(c.bond_left + i, max_of<A>(zero, left - step));
  return v;
}
}  // namespace detail

template <class Sink>
void accrue_bond_reference(const BondColumns& c, std::size_t begin, std::size_t end, double dt, Sink&& sink) {
  reduce_blocks_scalar(begin, end, [&](std::size_t i) { return detail::bond_one(c, i, dt); }, sink);
}

template <class A, class Sink>
void accrue_bond_simd(const BondColumns& c, std::size_t begin, std::size_t end, double dt, Sink&& sink) {
  reduce_blocks_simd<A>(
      begin, end, [&](std::size_t i) { return detail::bond_one(c, i, dt); },
      [&](std::size_t i) { return detail::bond_batch<A>(c, i, dt); }, sink);
}

// Agents [begin, end); returns Σ v_i (payout vested this step) in the fixed order of reduce.hpp.
double accrue_bond(const BondColumns& c, std::size_t begin, std::size_t end, double dt);
double accrue_bond_reference(const BondColumns& c, std::size_t begin, std::size_t end, double dt);

}  // namespace stampede::kernels
