#pragma once
// Boardroom-style reward-per-share accrual (kai.md K22; K23 is the same kernel on bKAI/snap_lp/sKAI):
//   a_i = balance_i·(rps − snap_i);  earned_i += a_i;  snap_i = rps;  returns Σ a_i.
// Closed form over any number of allocations since the agent's last update: rps is cumulative.
#include <cstddef>

#include "kernels/reduce.hpp"
#include "kernels/simd.hpp"

namespace stampede::kernels {

// Structure-of-arrays columns indexed by agent; they must not overlap.
struct RewardColumns {
  double* earned;          // rewards credited (K22 earned_i, K23 skai_i)
  double* snapshot;        // rps at the agent's last update (snap_i, snap_lp_i)
  const double* balance;   // the balance that earns (st_i pre-step, bkai_i)
};

namespace detail {
inline double reward_one(const RewardColumns& c, std::size_t i, double rps) {
  const double a = c.balance[i] * (rps - c.snapshot[i]);
  c.earned[i] += a;
  c.snapshot[i] = rps;
  return a;
}
template <class A>
inline DoubleBatch<A> reward_batch(const RewardColumns& c, std::size_t i, double rps) {
  using B = DoubleBatch<A>;
  const B r(rps);
  const B a = B::load_unaligned(c.balance + i) * (r - B::load_unaligned(c.snapshot + i));
  (B::load_unaligned(c.earned + i) + a).store_unaligned(c.earned + i);
  r.store_unaligned(c.snapshot + i);
  return a;
}
}  // namespace detail

template <class Sink>
void accrue_reward_per_share_reference(const RewardColumns& c, std::size_t begin, std::size_t end,
                                       double rps, Sink&& sink) {
  reduce_blocks_scalar(begin, end, [&](std::size_t i) { return detail::reward_one(c, i, rps); }, sink);
}

template <class A, class Sink>
void accrue_reward_per_share_simd(const RewardColumns& c, std::size_t begin, std::size_t end, double rps,
                                  Sink&& sink) {
  reduce_blocks_simd<A>(
      begin, end, [&](std::size_t i) { return detail::reward_one(c, i, rps); },
      [&](std::size_t i) { return detail::reward_batch<A>(c, i, rps); }, sink);
}

// Agents [begin, end); returns Σ a_i (the rewards credited) in the fixed order of reduce.hpp.
double accrue_reward_per_share(const RewardColumns& c, std::size_t begin, std::size_t end, double rps);
double accrue_reward_per_share_reference(const RewardColumns& c, std::size_t begin, std::size_t end,
                                         double rps);

}  // namespace stampede::kernels
