#pragma once
// Linear vesting over one step (agents.md accrue_vesting):
//   v_i = min(rate_i·dt, remaining_i);  vested_i += v_i;  remaining_i −= v_i;  returns Σ v_i.
// v_i ≤ remaining_i, so a position never vests more than it holds and remaining_i stays ≥ 0.
#include <cstddef>

#include "kernels/reduce.hpp"
#include "kernels/simd.hpp"

namespace stampede::kernels {

// Structure-of-arrays columns indexed by agent; they must not overlap.
struct VestingColumns {
  double* vested;       // tokens released so far
  double* remaining;    // tokens still locked
  const float* rate;    // release rate, tokens per second
};

namespace detail {
inline double vest_one(const VestingColumns& c, std::size_t i, double dt) {
  const double v = min_of(static_cast<double>(c.rate[i]) * dt, c.remaining[i]);
  c.vested[i] += v;
  c.remaining[i] -= v;
  return v;
}
template <class A>
inline DoubleBatch<A> vest_batch(const VestingColumns& c, std::size_t i, double dt) {
  using B = DoubleBatch<A>;
  const B remaining = B::load_unaligned(c.remaining + i);
  const B v = min_of<A>(load_widened<A>(c.rate + i) * B(dt), remaining);
  (B::load_unaligned(c.vested + i) + v).store_unaligned(c.vested + i);
  (remaining - v).store_unaligned(c.remaining + i);
  return v;
}
}  // namespace detail

template <class Sink>
void accrue_vesting_reference(const VestingColumns& c, std::size_t begin, std::size_t end, double dt,
                              Sink&& sink) {
  reduce_blocks_scalar(begin, end, [&](std::size_t i) { return detail::vest_one(c, i, dt); }, sink);
}

template <class A, class Sink>
void accrue_vesting_simd(const VestingColumns& c, std::size_t begin, std::size_t end, double dt,
                         Sink&& sink) {
  reduce_blocks_simd<A>(
      begin, end, [&](std::size_t i) { return detail::vest_one(c, i, dt); },
      [&](std::size_t i) { return detail::vest_batch<A>(c, i, dt); }, sink);
}

// Agents [begin, end); returns Σ v_i in the fixed order of reduce.hpp.
double accrue_vesting(const VestingColumns& c, std::size_t begin, std::size_t end, double dt);
double accrue_vesting_reference(const VestingColumns& c, std::size_t begin, std::size_t end, double dt);

}  // namespace stampede::kernels
