#pragma once
// The fused per-agent pass (performance.md: "one fused pass per step"; framework: the step's
// phase 3): per agent-type range, one loop that settles the previous step's fills and accruals
// and then decides this step, written once for every protocol.
//
// Per agent i of type T, in index order:
//   settle   accrual (the protocol's SIMD kernel for T, before or after the fills, as it declares);
//            fills of the action chosen last step (scalar, only agents whose status holds a code);
//   decide   one uniform u_i (rng::decide_uniform), the choice rule of agents.md with re-entry:
//            exited: re-enter iff u_i < reentry, then u_i ← u_i/reentry; else hold.
//            P_i(a) = ρ_i·σ((h_i·c(a) + Σ_j v_j(a)·x_ij + b_i(a))/T), 0 where masked;
//            rescale if ΣP > 1; the first a with u_i < P(a_1)+…+P(a), else hold.
// The exact skip: with σ(z) ≤ 1/d(z) (agents/logit.hpp) and the own terms x_ij either computed
// in SIMD by the protocol (own_terms) or bounded by their declared ranges [lo_j, hi_j],
//   ΣP_i ≤ ρ_i·Σ_a 1/d((h_i·c(a) + Σ_j v_j(a)·x_ij + b_i(a))/T),
// an upper bound without masks or exponentials. Where u_i is above it the agent holds: the same
// decision as the full evaluation. That is the common case (SIMD over 8 agents); the rest take
// the full evaluation (scalar), which calls the protocol's `prepare` (masks, own terms) and
// `intent`. Masks only lower P, so ignoring them keeps the bound an upper bound.
//
// Results do not depend on the SIMD width: fills, full evaluations and intent sums are scalar in
// index order, accruals are kernels with bit-identical SIMD and scalar forms, and the skip only
// gates. fused_pass<Scalar> evaluates every agent in full and is the twin the tests compare with.
//
// What the protocol's path class P provides, for a type index T known at compile time:
//   static constexpr Accrual accrual(int T);                 // none, before_fills, after_fills
//   template <int T, class A> void accrue(std::size_t i);    // agents [i, i + batch<double, A>::size)
//   template <int T> void accrue_one(std::size_t i);         // its scalar twin
//   template <int T> void settle(std::size_t i, int action, double f);   // last step's fills
//   static constexpr int actions(int T);                      // the type's action count
//   static constexpr bool own_terms_in_simd(int T);           // else the declared ranges bound them
//   template <int T, class A> void own_terms(std::size_t i, xsimd::batch<double, A>* x,
//                                            xsimd::batch_bool<double, A>* allowed);  // x[j] and masks, W agents
//   template <int T> void own_terms_one(std::size_t i, double* x, bool* allowed);      // scalar twin
//   template <int T> static void prefetch_decision(const P&, std::size_t begin, std::size_t end);
//                                                          // what prepare reads beyond own_terms
//   template <int T> void prepare(std::size_t i, bool reentered, Decision& d);  // masks, own terms
//   template <int T> void intent(std::size_t i, int action, double f, const Decision& d);
// `prepare` may change state only for a re-entering agent (its cost basis); the full evaluation
// of an agent that then holds must leave no trace, since the skip does not run it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "agents/behaviour.hpp"
#include "agents/choice.hpp"
#include "agents/logit.hpp"
#include "agents/population.hpp"
#include "engine/random/stream.hpp"
#include "engine/random/stream_simd.hpp"
#include "kernels/simd.hpp"

namespace stampede::agents {

enum class Accrual { none, before_fills, after_fills };

// One agent's full evaluation: the protocol fills `allowed` and `own` in prepare, and may keep
// values it needs again in intent (e.g. the pending reward it computed) in `scratch`.
struct Decision {
  bool allowed[kMaxActions] = {};
  double own[kMaxOwn] = {};
  double scratch[4] = {};
};

// The architecture tag of the scalar twin.
struct Scalar {};

struct PassCounts {
  std::uint64_t exits[kMaxTypes] = {};  // agents that chose their type's exit action (intents count)
  std::uint64_t evaluated = 0;          // full evaluations (the skip's complement; a diagnostic)
  std::uint64_t acted = 0;              // agents that chose an action
};

struct PassWork {
  bool settle = true;  // apply the previous step's accruals and fills
  bool decide = true;  // then decide this step
};

namespace detail {

// Relative slack on the skip bound: covers the rounding of the scores and of σ (|z| < 1e6).
inline constexpr double kSkipSlack = 1.0 + 1e-9;

inline std::uint64_t load8(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void store8(std::uint8_t* p, std::uint64_t v) noexcept { std::memcpy(p, &v, 8); }

template <class P, int T>
struct TypePass {
  P& proto;
  Population& pop;
  const Behaviour& b;
  const StepCoefficients& co;
  PassCounts& counts;
  const TypeParams& tp = b.type[T];

  void settle_one(std::size_t i) {
    if constexpr (P::accrual(T) == Accrual::before_fills) proto.template accrue_one<T>(i);
    const std::uint8_t st = pop.status[i];
    if (const int code = st & kActionCodeMask) {
      proto.template settle<T>(i, code - 1, pop.fraction(T, code - 1, i));
      pop.status[i] = static_cast<std::uint8_t>(st & ~kActionCodeMask);
    }
    if constexpr (P::accrual(T) == Accrual::after_fills) proto.template accrue_one<T>(i);
  }

  // The full evaluation of agents.md's rule for agent i with its uniform u.
  void decide_one(std::size_t i, double u) {
    std::uint8_t st = pop.status[i];
    bool reentered = false;
    if (st & kExitedBit) {
      if (!reenters(u, tp.reentry)) return;  // holds (its code is already 0)
      reentered = true;
      st = static_cast<std::uint8_t>(st & ~kExitedBit);
    }
    ++counts.evaluated;
    Decision d;
    proto.template prepare<T>(i, reentered, d);
    check_own_ranges(i, d);
    check_masks(i, d);
    const double rho = pop.attention[i], h = pop.sensitivity[i];
    double prob[kMaxActions] = {};
    for (int a = 0; a < M; ++a) {
      if (!d.allowed[a]) continue;
      const auto& ap = tp.action[static_cast<std::size_t>(a)];
      double score = h * co.common[T][a] + co.fixed[T][a];
      for (int j = 0; j < b.own; ++j) score += ap.v[static_cast<std::size_t>(j)] * d.own[j];
      score += static_cast<double>(pop.bias[static_cast<std::size_t>(a)][i]);
      prob[a] = rho * sigmoid(score * co.inv_temp[T]);
    }
    const std::uint8_t code = choose_action(prob, static_cast<std::size_t>(M), u);
    if (code != 0 && tp.is_exit(code - 1)) {
      ++counts.exits[T];
      if (tp.has_exit_state) st = static_cast<std::uint8_t>(st | kExitedBit);
    }
    pop.status[i] = static_cast<std::uint8_t>((st & ~kActionCodeMask) | code);
    if (code != 0) {
      ++counts.acted;
      proto.template intent<T>(i, code - 1, pop.fraction(T, code - 1, i), d);
    }
  }

  // The skip is exact only if every own term stays in its declared range: checked wherever a
  // term is evaluated (a protocol bug otherwise, not bad input).
  void check_own_ranges(std::size_t i, const Decision& d) const {
    for (int j = 0; j < b.own; ++j) {
      const auto& o = b.own_term[static_cast<std::size_t>(j)];
      const double x = d.own[j];
      const double tol = 1e-9 * std::max(1.0, std::abs(x));
      if (x < o.lo - tol || x > o.hi + tol || std::isnan(x))
        throw std::logic_error("own term " + std::string(o.name) + " = " + std::to_string(x) + " of agent " +
                               std::to_string(i) + " is outside its declared range");
    }
  }

  // The skip test's per-step constants of this type, gathered once per pass: z_a = (h·c_a + f_a +
  // Σ_j v_aj·x_j + b_a)/T, with x_j the own terms when the protocol computes them in SIMD, else
  // the bound max Σ_j v_aj·x_j of the declared ranges in place of the sum.
  static constexpr int M = P::actions(T);
  double c_[kMaxActions] = {}, f_[kMaxActions] = {}, om_[kMaxActions] = {}, v_[kMaxActions][kMaxOwn] = {};
  int own_used_ = 0;  // own terms with a nonzero weight for some action, a prefix bound
  double inv_t_ = 1.0;

  void load_constants() {
    inv_t_ = co.inv_temp[T];
    for (int a = 0; a < M; ++a) {
      c_[a] = co.common[T][a];
      f_[a] = co.fixed[T][a];
      om_[a] = co.own_max[T][a];
      for (int j = 0; j < b.own; ++j) {
        v_[a][j] = tp.action[static_cast<std::size_t>(a)].v[static_cast<std::size_t>(j)];
        if (v_[a][j] != 0.0) own_used_ = std::max(own_used_, j + 1);
      }
    }
  }

  // The skip leaves out what own_terms masks: exact only if prepare masks it too.
  void check_masks(std::size_t i, const Decision& d) {
    if constexpr (P::own_terms_in_simd(T)) {
      double own[kMaxOwn] = {};
      bool allowed[kMaxActions];
      std::fill_n(allowed, kMaxActions, true);
      proto.template own_terms_one<T>(i, own, allowed);
      for (int a = 0; a < M; ++a)
        if (d.allowed[a] && !allowed[a])
          throw std::logic_error("action " + tp.action[static_cast<std::size_t>(a)].name + " of agent " +
                                 std::to_string(i) + " is allowed by prepare but masked by own_terms");
    }
  }

  // z_a of agents [i, i + W) for every action.
  template <class A>
  void scores(std::size_t i, xsimd::batch<double, A>* z) {
    using D = xsimd::batch<double, A>;
    D own[kMaxOwn];
    xsimd::batch_bool<double, A> allowed[kMaxActions];
    for (int a = 0; a < M; ++a) allowed[a] = D(0.0) == D(0.0);
    if constexpr (P::own_terms_in_simd(T)) proto.template own_terms<T, A>(i, own, allowed);
    const D h = kernels::load_widened<A>(pop.sensitivity.data() + i);
    for (int a = 0; a < M; ++a) {
      D za = h * D(c_[a]) + D(f_[a]);
      if constexpr (P::own_terms_in_simd(T)) {
        for (int o = 0; o < own_used_; ++o) za += D(v_[a][o]) * own[o];
      } else {
        za += D(om_[a]);
      }
      za = (za + kernels::load_widened<A>(pop.bias[static_cast<std::size_t>(a)].data() + i)) * D(inv_t_);
      // A masked action has P = 0: its bound is σ(−∞), which the bound clamps to 2^−1010.
      z[a] = xsimd::select(allowed[a], za, D(-std::numeric_limits<double>::infinity()));
    }
  }

  // Agents [i, i + 8) that fail skip test `Full`: which need the full evaluation (bit k = agent
  // i + k). The fast test bounds Σ_a σ(z_a) by M·σ(max_a z_a) (one bound per agent); the full
  // test, run only on batches where the fast one fails, by Σ_a σ_ub(z_a), and it is what decides.
  // skip iff u ≥ ρ·bound·slack (then ΣP ≤ u < 1: no rescaling, the rule holds); NaN ⇒ evaluate.
  template <class A, bool Full>
  unsigned fail_mask(std::size_t i, const double* u) {
    using D = xsimd::batch<double, A>;
    constexpr std::size_t W = D::size;
    unsigned fail = 0;
    for (std::size_t j = 0; j < 8; j += W) {
      D z[M];
      scores<A>(i + j, z);
      D bound;
      if constexpr (Full) {
        bound = sigmoid_upper_bound<A>(z[0]);
        for (int a = 1; a < M; ++a) bound += sigmoid_upper_bound<A>(z[a]);
      } else {
        D zmax = z[0];
        for (int a = 1; a < M; ++a) zmax = kernels::max_of<A>(zmax, z[a]);
        bound = D(static_cast<double>(M)) * sigmoid_upper_bound<A>(zmax);
      }
      const D rho = kernels::load_widened<A>(pop.attention.data() + i + j);
      const auto skip = D::load_aligned(u + j) >= rho * bound * D(kSkipSlack);
      fail |= (~kernels::lane_mask<A>(skip) & ((1u << W) - 1u)) << j;
    }
    return fail & 0xFFu;
  }

  // The scalar twin of need_mask's test for one agent.
  bool needs_full(std::size_t i, double u) {
    double own[kMaxOwn] = {};
    bool allowed[kMaxActions];
    std::fill_n(allowed, kMaxActions, true);
    if constexpr (P::own_terms_in_simd(T)) proto.template own_terms_one<T>(i, own, allowed);
    const double h = pop.sensitivity[i];
    double sum = 0.0;
    for (int a = 0; a < M; ++a) {
      double z = h * c_[a] + f_[a];
      if constexpr (P::own_terms_in_simd(T)) {
        for (int o = 0; o < own_used_; ++o) z += v_[a][o] * own[o];
      } else {
        z += om_[a];
      }
      z = (z + static_cast<double>(pop.bias[static_cast<std::size_t>(a)][i])) * inv_t_;
      if (!allowed[a]) z = -std::numeric_limits<double>::infinity();
      sum = a == 0 ? sigmoid_upper_bound(z) : sum + sigmoid_upper_bound(z);
    }
    return !(u >= static_cast<double>(pop.attention[i]) * sum * kSkipSlack);
  }

  void one(std::size_t i, double u, const PassWork& w, bool skip_test) {
    if (w.settle) settle_one(i);
    if (!w.decide) return;
    const std::uint8_t st = pop.status[i];
    if (skip_test && !(st & kExitedBit) && !needs_full(i, u)) return;
    decide_one(i, u);
  }

  // The fraction columns (and whatever else the protocol's prepare reads beyond own_terms) are
  // read only for agents that act: requested two groups ahead, they arrive as a stream instead
  // of as cold misses in the rare paths.
  void prefetch_group(std::size_t base) const {
    const std::size_t end = std::min(pop.ranges[T].end, base + 64);
    for (std::size_t i = base; i < end; i += 16)
      for (int c = 0; c < pop.layout.type_columns[T]; ++c) __builtin_prefetch(pop.frac[static_cast<std::size_t>(c)].data() + i);
    P::template prefetch_decision<T>(proto, base, end);
  }

  // Agents [i, i + 8): the accrual and the fills of the previous step.
  template <class A>
  void settle_eight(std::size_t i) {
    constexpr std::size_t W = xsimd::batch<double, A>::size;
    if constexpr (P::accrual(T) == Accrual::before_fills)
      for (std::size_t j = 0; j < 8; j += W) proto.template accrue<T, A>(i + j);
    const std::uint64_t s8 = load8(pop.status.data() + i);
    if (s8 & kActionCodes8) {
      for (std::size_t k = 0; k < 8; ++k)
        if (const int code = static_cast<int>((s8 >> (8 * k)) & kActionCodeMask))
          proto.template settle<T>(i + k, code - 1, pop.fraction(T, code - 1, i + k));
      store8(pop.status.data() + i, s8 & ~kActionCodes8);
    }
    if constexpr (P::accrual(T) == Accrual::after_fills)
      for (std::size_t j = 0; j < 8; j += W) proto.template accrue<T, A>(i + j);
  }

  // Agents [i, i + 8) with their skip mask: exited agents act only on a re-entry draw.
  void decide_eight(std::size_t i, const double* u, unsigned need) {
    const std::uint64_t s8 = load8(pop.status.data() + i);
    if (s8 & kExited8)
      for (std::size_t k = 0; k < 8; ++k)
        if ((s8 >> (8 * k)) & kExitedBit) need = (need & ~(1u << k)) | (u[k] < tp.reentry ? 1u << k : 0u);
    while (need) {
      const int k = __builtin_ctz(need);
      need &= need - 1;
      decide_one(i + static_cast<std::size_t>(k), u[k]);
    }
  }

  // One 64-agent group's share of the range [lo, hi): the unaligned head and tail agent by agent,
  // the aligned 8-agent batches in three sweeps (settle, skip masks, full evaluations), so each
  // sweep is a short branch-free loop. Every agent still settles before it decides, and full
  // evaluations (and their intent sums) run in index order.
  template <class A>
  void group(std::size_t base, std::size_t lo, std::size_t hi, const double* u, const PassWork& w) {
    const std::size_t first = std::min(hi, (lo + 7) / 8 * 8);
    const std::size_t last = std::max(first, hi / 8 * 8);
    for (std::size_t i = lo; i < first; ++i) one(i, u[i - base], w, true);
    if (w.settle)
      for (std::size_t i = first; i < last; i += 8) settle_eight<A>(i);
    if (w.decide) {
      unsigned need[8];
      for (std::size_t i = first; i < last; i += 8) need[(i - base) / 8] = fail_mask<A, M == 1>(i, u + (i - base));
      if constexpr (M > 1)
        for (std::size_t i = first; i < last; i += 8)
          if (need[(i - base) / 8]) need[(i - base) / 8] = fail_mask<A, true>(i, u + (i - base));
      for (std::size_t i = first; i < last; i += 8) decide_eight(i, u + (i - base), need[(i - base) / 8]);
    }
    for (std::size_t i = last; i < hi; ++i) one(i, u[i - base], w, true);
  }

  template <class A>
  void run(const rng::Stream& stream, const PassWork& w) {
    const TypeRange r = pop.ranges[T];
    if (r.empty()) return;
    if (tp.actions != M) throw std::logic_error("fused pass: the declaration and P::actions disagree for type " + tp.name);
    load_constants();
    if constexpr (std::is_same_v<A, Scalar>) {
      for (std::size_t i = r.begin; i < r.end; ++i)
        one(i, w.decide ? rng::decide_uniform(stream, static_cast<std::uint32_t>(i)) : 0.0, w, false);
    } else {
      alignas(64) double u[64] = {};
      const rng::philox::RoundKeys rk = rng::philox::schedule(stream.key());
      for (std::size_t g = r.begin / 64; g * 64 < r.end; ++g) {
        const std::size_t base = g * 64;
        if ((g + 2) * 64 < r.end) prefetch_group((g + 2) * 64);
        if (w.decide) rng::decide_uniform_group<A>(stream, rk, static_cast<std::uint32_t>(g), u);
        group<A>(base, std::max(r.begin, base), std::min(r.end, base + 64), u, w);
      }
    }
  }
};

template <class A, class P, int... Ts>
void run_types(P& proto, Population& pop, const Behaviour& b, const StepCoefficients& co, const rng::Stream& stream,
               const PassWork& w, PassCounts& counts, std::integer_sequence<int, Ts...>) {
  (TypePass<P, Ts>{proto, pop, b, co, counts}.template run<A>(stream, w), ...);
}

}  // namespace detail

// One pass over every type's range, types in storage order. `stream` is the step's decide
// stream (rng::Purpose::decide); `co` the step's coefficients (ignored when not deciding).
template <class A, int Types, class P>
PassCounts fused_pass(P& proto, Population& pop, const Behaviour& b, const StepCoefficients& co,
                      const rng::Stream& stream, PassWork work = {}) {
  PassCounts counts;
  detail::run_types<A>(proto, pop, b, co, stream, work, counts, std::make_integer_sequence<int, Types>{});
  return counts;
}

}  // namespace stampede::agents
