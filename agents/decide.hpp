#pragma once
// The `decide` kernel (agents.md "The behaviour model", "Choice rule", "Exit and re-entry"):
// per agent of one type, scores -> probabilities -> one uniform -> the chosen action, and the
// intents: per action the count and Σ amount_i (amount_i = f_i(a)·holding_i), with fixed-order
// sums (agents/fixed_sum.hpp), so totals do not depend on SIMD width or on how a range is split
// into consecutive chunks.
//
// Per agent i and step t (u_i = Stream(seed, path, decide, t).uniform(i, 0)):
//   exited_i:  re-enters iff u_i < reentry, then decides with u_i <- u_i/reentry (and the own
//              terms flagged in own_zero_on_reentry set to 0); otherwise holds.
//   P(a)     = ρ_i·σ((h_i·c(a) + k(a) + Σ_j v_j(a)·x_ij + b_i(a))/T), 0 where not allowed;
//   if ΣP > 1: P(a) <- P(a)/ΣP;  action = first a with u_i < P(a_1)+…+P(a) (code a+1), else hold (0).
//   choosing the type's exit action sets exited_i (effective from the next step).
//
// Two implementations: decide_reference (scalar, std::exp) and decide (xsimd, xsimd::exp; the
// template is in agents/decide_simd.hpp). They evaluate the same expressions in the same order;
// only exp differs (by a few ulps), so their actions agree except for an agent whose u_i lies
// within ~1e-12 of one of its cumulative thresholds, and their totals are bitwise equal whenever
// all actions agree. Different SIMD widths (decide_avx2 vs decide) agree bitwise.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "agents/behaviour.hpp"
#include "agents/choice.hpp"
#include "agents/fixed_sum.hpp"
#include "agents/population.hpp"

namespace stampede::agents {

// What the step supplies (scalars, once per step).
struct DecideStep {
  std::uint64_t seed = 0;
  std::uint64_t path = 0;
  std::uint64_t step = 0;
  std::array<double, kMaxActions> common{};  // c(a) = common_part(type, signals), scaled by h_i
  std::array<double, kMaxActions> offset{};  // k(a), not scaled (behaviour.hpp)
};

// amount_i(a) = f_i(a)·holding_i(a): per action a holding column (null: amount 0, count only)
// and a fraction column (null: the constant).
struct ActionAmounts {
  std::array<const double*, kMaxActions> holding{};
  std::array<const float*, kMaxActions> fraction{};
  std::array<double, kMaxActions> fraction_constant{1.0, 1.0, 1.0, 1.0};
};

// Columns indexed by the agent's index in the path.
struct DecideColumns {
  BehaviourColumns behaviour;
  ActionAmounts amounts;
  const std::uint8_t* allowed = nullptr;  // bit a set: action a allowed (mask); null: all allowed
  std::uint8_t* action = nullptr;         // out: 0 hold, a + 1 action a
  std::uint8_t* reentered = nullptr;      // out, optional: 1 if the agent re-entered this step
};

// The intents of one type for one step. Feed the type's range in consecutive chunks (any split,
// increasing agent order).
struct DecideTotals {
  std::array<std::uint64_t, kMaxActions> count{};
  std::array<FixedSum, kMaxActions> amount{};
  std::uint64_t reentries = 0;

  double amount_sum(std::size_t a) const noexcept { return amount[a].value(); }
  // Agents that chose the exit action (the numerator of next step's exit_frac signal).
  std::uint64_t exits(const TypeBehaviour& type) const noexcept {
    return type.exit_action < 0 ? 0 : count[static_cast<std::size_t>(type.exit_action)];
  }
};

// Scalar reference.
void decide_reference(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols,
                      TypeRange chunk, DecideTotals& totals);
// SIMD at the build's native width (xsimd::default_arch).
void decide(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols,
            TypeRange chunk, DecideTotals& totals);
// SIMD at AVX2 width (4 doubles) when the build targets AVX2 or better; else the native one.
void decide_avx2(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols,
                 TypeRange chunk, DecideTotals& totals);
// Doubles per SIMD batch of decide() (8 on AVX-512, 4 on AVX2).
std::size_t decide_native_width() noexcept;

namespace detail {

// The choice rule (agents.md) on probabilities p[0..m): if ΣP > 1 scale them to sum 1; the
// action is the first a with u < P(a_1)+…+P(a) (code a + 1), else hold (0).
inline std::uint8_t choose(const std::array<double, kMaxActions>& p, std::size_t m, double u) noexcept {
  return choose_action(p, m, u);
}

// The choice rule for one agent with its uniform u (scalar; used by the reference and by the
// SIMD kernel's unaligned head and tail). Updates exited/action/reentered and the totals.
inline void decide_agent(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols,
                         std::size_t i, double u, DecideTotals& totals, double inv_temperature) {
  const BehaviourColumns& b = cols.behaviour;
  const bool was_exited = b.exited[i] != 0;
  const bool reenter = was_exited && u < type.reentry;
  if (reenter) u = u / type.reentry;  // agents.md: decides this step with u <- u/reentry
  const bool active = !was_exited || reenter;
  const std::uint8_t allowed = cols.allowed ? cols.allowed[i] : std::uint8_t{0xFF};

  std::array<double, kMaxActions> p{};
  const double h = b.sensitivity[i];
  const double rho = b.attention[i];
  for (std::size_t a = 0; a < type.actions; ++a) {
    double s = h * step.common[a] + step.offset[a];
    for (std::size_t j = 0; j < type.own_terms; ++j) {
      double x = b.own[j][i];
      if (reenter && ((type.own_zero_on_reentry >> j) & 1u)) x = 0.0;
      s = s + type.v[a][j] * x;
    }
    s = s + static_cast<double>(b.bias[a][i]);
    const double prob = rho / (1.0 + std::exp(-(s * inv_temperature)));  // ρ·σ(score/T)
    p[a] = (active && ((allowed >> a) & 1u)) ? prob : 0.0;
  }
  const std::uint8_t code = choose(p, type.actions, u);
  for (std::size_t a = 0; a < type.actions; ++a) {
    double amount = 0.0;
    if (code == action_code(a)) {
      ++totals.count[a];
      if (cols.amounts.holding[a]) {
        const double f = cols.amounts.fraction[a] ? static_cast<double>(cols.amounts.fraction[a][i])
                                                  : cols.amounts.fraction_constant[a];
        amount = f * cols.amounts.holding[a][i];
      }
    }
    // Every agent adds (its amount or 0) to every action's lane, as the SIMD kernel does.
    totals.amount[a].add(i, amount);
  }
  const bool chose_exit = type.exit_action >= 0 && code == action_code(static_cast<std::size_t>(type.exit_action));
  b.exited[i] = (chose_exit || (was_exited && !reenter)) ? 1 : 0;
  cols.action[i] = code;
  if (cols.reentered) cols.reentered[i] = reenter ? 1 : 0;
  totals.reentries += reenter ? 1 : 0;
}

}  // namespace detail
}  // namespace stampede::agents
