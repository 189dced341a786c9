#pragma once
// PoTP-weighted rebase of one or two positions (ksn.md KS9; agents.md accrue_rebase):
//   f_i = 1 + g·m_i;  stake_i ← stake_i·f_i;  bond_rem_i ← bond_rem_i·f_i;  returns Σ Δ_i,
// with Δ_i the change actually stored, (stake_i·f_i − stake_i) + (bond_rem_i·f_i − bond_rem_i).
// Each difference is exact (Sterbenz) while 1/2 ≤ f_i ≤ 2, so Σ Δ_i is what the positions gained
// (DCP −= Σ Δ_i keeps supply conserved up to the rounding of the sum) and Δ_i = g·m_i·q_i to rounding.
#include <cstddef>

#include "kernels/reduce.hpp"
#include "kernels/simd.hpp"

namespace stampede::kernels {

// Structure-of-arrays columns indexed by agent; they must not overlap.
struct RebaseColumns {
  double* stake;                       // first rebasing position (KSN stake; Hokusai liquid)
  double* bond_rem = nullptr;          // optional second position scaled alike (KSN unvested bond)
  const float* multiplier = nullptr;   // PoTP m_i; nullptr means m_i = 1 for every agent
};

namespace detail {
inline double rebase_one(const RebaseColumns& c, std::size_t i, double g) {
  const double m = c.multiplier ? static_cast<double>(c.multiplier[i]) : 1.0;
  const double f = 1.0 + g * m;
  const double s = c.stake[i];
  const double s1 = s * f;
  c.stake[i] = s1;
  double d = s1 - s;
  if (c.bond_rem) {
    const double b = c.bond_rem[i];
    const double b1 = b * f;
    c.bond_rem[i] = b1;
    d += b1 - b;
  }
  return d;
}
// kBond / kMultiplier are the runtime choices of the columns, lifted out of the loop.
template <class A, bool kBond, bool kMultiplier>
inline DoubleBatch<A> rebase_batch(const RebaseColumns& c, std::size_t i, double g) {
  using B = DoubleBatch<A>;
  const B m = kMultiplier ? load_widened<A>(c.multiplier + i) : B(1.0);
  const B f = B(1.0) + B(g) * m;
  const B s = B::load_unaligned(c.stake + i);
  const B s1 = s * f;
  s1.store_unaligned(c.stake + i);
  B d = s1 - s;
  if constexpr (kBond) {
    const B b = B::load_unaligned(c.bond_rem + i);
    const B b1 = b * f;
    b1.store_unaligned(c.bond_rem + i);
    d += b1 - b;
  }
  return d;
}
template <class A, bool kBond, bool kMultiplier, class Sink>
void rebase_simd(const RebaseColumns& c, std::size_t begin, std::size_t end, double g, Sink&& sink) {
  reduce_blocks_simd<A>(
      begin, end, [&](std::size_t i) { return rebase_one(c, i, g); },
      [&](std::size_t i) { return rebase_batch<A, kBond, kMultiplier>(c, i, g); }, sink);
}
}  // namespace detail

template <class Sink>
void accrue_rebase_reference(const RebaseColumns& c, std::size_t begin, std::size_t end, double g,
                             Sink&& sink) {
  reduce_blocks_scalar(begin, end, [&](std::size_t i) { return detail::rebase_one(c, i, g); }, sink);
}

template <class A, class Sink>
void accrue_rebase_simd(const RebaseColumns& c, std::size_t begin, std::size_t end, double g, Sink&& sink) {
  if (c.bond_rem) {
    if (c.multiplier) detail::rebase_simd<A, true, true>(c, begin, end, g, sink);
    else detail::rebase_simd<A, true, false>(c, begin, end, g, sink);
  } else {
    if (c.multiplier) detail::rebase_simd<A, false, true>(c, begin, end, g, sink);
    else detail::rebase_simd<A, false, false>(c, begin, end, g, sink);
  }
}

// Agents [begin, end) (KSN: the staker and bonder ranges); g = R/W (KS8).
// Returns Σ Δ_i in the fixed order of reduce.hpp.
double accrue_rebase(const RebaseColumns& c, std::size_t begin, std::size_t end, double g);
double accrue_rebase_reference(const RebaseColumns& c, std::size_t begin, std::size_t end, double g);

}  // namespace stampede::kernels
