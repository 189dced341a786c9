#pragma once
// Linear esKNINE vesting over one step [t, t1] in closed form (k9.md N11):
//   du_i = (t1 ≥ end_i) ? unvested_i : min(unvested_i, rate_i·max(0, t1 − t))
//   unvested_i −= du_i;  converted_i += du_i;  returns Σ du_i.
// When the position ends inside the step all that is left converts, so unvested reaches exactly 0
// at end_i whatever the step; before that the per-second schedule is reproduced for any dt.
// `converted` is esKNINE (the claimable KNINE is v_i·converted_i), so the kernel needs no v_i.
// end is a float of seconds from t0 (integers up to 2^24 s ≈ 194 days are exact).
#include <cstddef>

#include "kernels/reduce.hpp"
#include "kernels/simd.hpp"

namespace stampede::kernels {

// Structure-of-arrays columns indexed by agent; they must not overlap.
struct VestingColumns {
  double* unvested;     // u_i: esKNINE still vesting
  double* converted;    // esKNINE converted and not yet claimed
  const double* rate;   // r_i, esKNINE per second
  const float* end;     // e_i, the position's end time in seconds from t0
};

namespace detail {
// N11 for one position; span = max(0, t1 − t). Shared by the kernel and k9's scalar rule
// (engine/protocols/k9/rules.hpp vest), so both do the same arithmetic.
inline double vested(double unvested, double rate, double end, double t1, double span) {
  return t1 >= end ? unvested : min_of(unvested, rate * span);
}
inline double vesting_one(const VestingColumns& c, std::size_t i, double t, double t1) {
  const double du = vested(c.unvested[i], c.rate[i], static_cast<double>(c.end[i]), t1, max_of(0.0, t1 - t));
  c.unvested[i] -= du;
  c.converted[i] += du;
  return du;
}
template <class A>
inline DoubleBatch<A> vesting_batch(const VestingColumns& c, std::size_t i, double t, double t1) {
  using B = DoubleBatch<A>;
  const B later(t1), span(max_of(0.0, t1 - t));
  const B u = B::load_unaligned(c.unvested + i);
  const B du = xsimd::select(later >= load_widened<A>(c.end + i), u,
                             min_of<A>(u, B::load_unaligned(c.rate + i) * span));
  (u - du).store_unaligned(c.unvested + i);
  (B::load_unaligned(c.converted + i) + du).store_unaligned(c.converted + i);
  return du;
}
}  // namespace detail

template <class Sink>
void accrue_vesting_reference(const VestingColumns& c, std::size_t begin, std::size_t end, double t, double t1,
                              Sink&& sink) {
  reduce_blocks_scalar(begin, end, [&](std::size_t i) { return detail::vesting_one(c, i, t, t1); }, sink);
}

template <class A, class Sink>
void accrue_vesting_simd(const VestingColumns& c, std::size_t begin, std::size_t end, double t, double t1,
                         Sink&& sink) {
  reduce_blocks_simd<A>(
      begin, end, [&](std::size_t i) { return detail::vesting_one(c, i, t, t1); },
      [&](std::size_t i) { return detail::vesting_batch<A>(c, i, t, t1); }, sink);
}

// Agents [begin, end) over the step [t, t1]; returns Σ du_i (esKNINE converted this step) in the
// fixed order of reduce.hpp.
double accrue_vesting(const VestingColumns& c, std::size_t begin, std::size_t end, double t, double t1);
double accrue_vesting_reference(const VestingColumns& c, std::size_t begin, std::size_t end, double t, double t1);

}  // namespace stampede::kernels
