#pragma once
// Mark to market (agents.md "pricing"; kai.md K24, ksn.md KS21): each agent's wealth at this
// step's prices and its PnL since entry, the agent's own term in the next decision:
//   W_i = Σ_k price_k·hold_k,i  (k = 0..count−1, summed in k order);  pnl_i = W_i/cost_i − 1.
// pnl_i is stored as float (agents.md: a non-fused step keeps pnl_i as a float) and is 0 where
// cost_i ≤ 0, so an agent without a cost basis cannot feed inf/NaN into the logit.
// A price that is a product of scalars (K24's p·v_b, the LP share value (y + x·p)/L) is formed by
// the caller once per step; a holding valued at two prices is simply listed twice.
// Returns Σ W_i in the fixed order of reduce.hpp.
#include <array>
#include <cstddef>

#include "kernels/reduce.hpp"
#include "kernels/simd.hpp"

namespace stampede::kernels {

inline constexpr std::size_t kMaxHoldings = 8;

// Structure-of-arrays columns indexed by agent; outputs must not overlap inputs.
struct MarkColumns {
  std::array<const double*, kMaxHoldings> holding{};   // first `count` used
  std::array<double, kMaxHoldings> price{};            // value of one unit of holding k
  std::size_t count = 0;                               // ≤ kMaxHoldings
  const double* cost = nullptr;                        // cost basis (K25)
  float* pnl = nullptr;                                // output
  double* wealth = nullptr;                            // optional output W_i
};

namespace detail {
inline double mark_one(const MarkColumns& c, std::size_t i) {
  double w = 0.0;
  if (c.count > 0) w = c.price[0] * c.holding[0][i];
  for (std::size_t k = 1; k < c.count; ++k) w += c.price[k] * c.holding[k][i];
  const double cost = c.cost[i];
  c.pnl[i] = cost > 0.0 ? static_cast<float>(w / cost - 1.0) : 0.0f;
  if (c.wealth) c.wealth[i] = w;
  return w;
}
template <class A, std::size_t kCount, bool kWealth>
inline DoubleBatch<A> mark_batch(const MarkColumns& c, std::size_t i) {
  using B = DoubleBatch<A>;
  B w(0.0);
  if constexpr (kCount > 0) w = B(c.price[0]) * B::load_unaligned(c.holding[0] + i);
  for (std::size_t k = 1; k < kCount; ++k) w += B(c.price[k]) * B::load_unaligned(c.holding[k] + i);
  const B zero(0.0);
  const B cost = B::load_unaligned(c.cost + i);
  // w/cost is also evaluated where cost ≤ 0 and discarded by the select.
  store_narrowed<A>(c.pnl + i, xsimd::select(cost > zero, w / cost - B(1.0), zero));
  if constexpr (kWealth) w.store_unaligned(c.wealth + i);
  return w;
}
template <class A, std::size_t kCount, bool kWealth, class Sink>
void mark_simd(const MarkColumns& c, std::size_t begin, std::size_t end, Sink&& sink) {
  reduce_blocks_simd<A>(
      begin, end, [&](std::size_t i) { return mark_one(c, i); },
      [&](std::size_t i) { return mark_batch<A, kCount, kWealth>(c, i); }, sink);
}
// Lifts the runtime count and the optional wealth output to compile time (unrolled holdings).
template <class A, std::size_t kCount = 0, class Sink>
void mark_dispatch(const MarkColumns& c, std::size_t begin, std::size_t end, Sink&& sink) {
  if constexpr (kCount < kMaxHoldings) {
    if (c.count != kCount) return mark_dispatch<A, kCount + 1>(c, begin, end, sink);
  }
  if (c.wealth) mark_simd<A, kCount, true>(c, begin, end, sink);
  else mark_simd<A, kCount, false>(c, begin, end, sink);
}
}  // namespace detail

template <class Sink>
void mark_to_market_reference(const MarkColumns& c, std::size_t begin, std::size_t end, Sink&& sink) {
  reduce_blocks_scalar(begin, end, [&](std::size_t i) { return detail::mark_one(c, i); }, sink);
}

// Precondition: c.count ≤ kMaxHoldings (checked by the non-template entry point).
template <class A, class Sink>
void mark_to_market_simd(const MarkColumns& c, std::size_t begin, std::size_t end, Sink&& sink) {
  detail::mark_dispatch<A>(c, begin, end, sink);
}

// Agents [begin, end); returns Σ W_i. Throws std::invalid_argument if count > kMaxHoldings.
double mark_to_market(const MarkColumns& c, std::size_t begin, std::size_t end);
double mark_to_market_reference(const MarkColumns& c, std::size_t begin, std::size_t end);

}  // namespace stampede::kernels
