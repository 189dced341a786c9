#pragma once
// Vesting on a fixed schedule with a cliff, claimed automatically each step (hokusai.md H17), for
// one vesting slot of every agent in a range: with A the granted amount, s the start, c the cliff
// and D the duration,
//   due(t) = 0 before s + c;  A once t − s ≥ D;  else A·(t − s)/D
//   Δ = max(0, due(t1) − rel);  rel += Δ;  tok += Δ;  a fully vested slot is freed (A = rel = 0).
// A free slot (A = 0) releases 0. Returns Σ Δ (the vault's outflow). The schedule is a function of
// t1 alone, so the release over any sequence of steps is the same (k9's accrue_vesting is the
// other vesting kernel: a rate toward an end date that events may change).
// Also returns, through `ahead`, Σ (due(t1 + horizon) − due(t1)) over the used slots: the releases
// scheduled in the next `horizon` seconds (hokusai's unlock_7d signal).
#include <cstddef>

#include "kernels/reduce.hpp"
#include "kernels/simd.hpp"

namespace stampede::kernels {

// One slot's structure-of-arrays columns, indexed by agent; they must not overlap.
struct ScheduleColumns {
  double* amount;        // A
  double* released;      // rel
  const float* start;    // s, seconds from t0
  const float* cliff;    // c, seconds
  const float* duration; // D, seconds
  double* tokens;        // the agent's liquid tokens (receive Δ)
};

namespace detail {

// due(t) of one slot (scalar): the arithmetic every caller shares.
inline double scheduled(double amount, double start, double cliff, double duration, double t) {
  if (t < start + cliff) return 0.0;
  const double elapsed = t - start;
  if (elapsed >= duration) return amount;
  if (!(elapsed > 0.0)) return 0.0;
  return amount * elapsed / duration;
}

inline double schedule_one(const ScheduleColumns& c, std::size_t i, double t1, double horizon, double& ahead) {
  const double A = c.amount[i];
  if (!(A > 0.0)) return 0.0;
  const double s = static_cast<double>(c.start[i]), cl = static_cast<double>(c.cliff[i]);
  const double D = static_cast<double>(c.duration[i]);
  const double due = scheduled(A, s, cl, D, t1);
  const double rel = c.released[i];
  ahead += scheduled(A, s, cl, D, t1 + horizon) - due;
  double delta;
  if (due >= A) {
    delta = max_of(0.0, A - rel);
    c.amount[i] = 0.0;
    c.released[i] = 0.0;
  } else {
    delta = max_of(0.0, due - rel);
    c.released[i] = rel + delta;
  }
  c.tokens[i] += delta;
  return delta;
}

template <class A>
inline DoubleBatch<A> scheduled_batch(DoubleBatch<A> amount, DoubleBatch<A> start, DoubleBatch<A> cliff,
                                      DoubleBatch<A> duration, double t) {
  using B = DoubleBatch<A>;
  const B zero(0.0), time(t);
  const B elapsed = time - start;
  // amount·elapsed/duration is also evaluated where it is discarded (duration 0 gives inf or NaN).
  const B linear = xsimd::select(elapsed > zero, amount * elapsed / duration, zero);
  const B due = xsimd::select(elapsed >= duration, amount, linear);
  return xsimd::select(time < start + cliff, zero, due);
}

// The same arithmetic as schedule_one for agents [i, i + width); lanes with A = 0 give 0.
template <class A>
inline DoubleBatch<A> schedule_batch(const ScheduleColumns& c, std::size_t i, double t1, double horizon,
                                     DoubleBatch<A>& ahead) {
  using B = DoubleBatch<A>;
  const B zero(0.0);
  const B amount = B::load_unaligned(c.amount + i);
  const auto used = amount > zero;
  const B s = load_widened<A>(c.start + i), cl = load_widened<A>(c.cliff + i), D = load_widened<A>(c.duration + i);
  const B due = scheduled_batch<A>(amount, s, cl, D, t1);
  const B rel = B::load_unaligned(c.released + i);
  ahead += xsimd::select(used, scheduled_batch<A>(amount, s, cl, D, t1 + horizon) - due, zero);
  const auto done = due >= amount;
  const B delta = xsimd::select(used, xsimd::select(done, max_of<A>(zero, amount - rel), max_of<A>(zero, due - rel)), zero);
  xsimd::select(used & done, zero, amount).store_unaligned(c.amount + i);
  xsimd::select(used & done, zero, xsimd::select(used, rel + delta, rel)).store_unaligned(c.released + i);
  (B::load_unaligned(c.tokens + i) + delta).store_unaligned(c.tokens + i);
  return delta;
}

}  // namespace detail

// Agents [begin, end) of one slot over the step ending at t1: returns Σ Δ in the fixed order of
// reduce.hpp; `ahead` receives the releases scheduled in (t1, t1 + horizon] (summed in index order).
double accrue_vesting_schedule(const ScheduleColumns& c, std::size_t begin, std::size_t end, double t1,
                               double horizon, double& ahead);
double accrue_vesting_schedule_reference(const ScheduleColumns& c, std::size_t begin, std::size_t end, double t1,
                                         double horizon, double& ahead);

}  // namespace stampede::kernels
