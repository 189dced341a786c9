#pragma once
// The choice rule of agents.md ("Choice rule", "Exit and re-entry"), written once: the decide
// kernel (agents/decide.hpp) and protocols with their own fused passes both call these.
#include <cstddef>
#include <cstdint>

namespace stampede::agents {

// Probabilities p[0..m) of the type's actions in table order (0 where masked): if ΣP > 1 they
// are scaled to sum 1; the action is the first a with u < P(a_1)+…+P(a), returned as code a + 1;
// 0 (hold) if there is none.
template <class Probabilities>
inline std::uint8_t choose_action(const Probabilities& p, std::size_t m, double u) noexcept {
  double sum = 0.0;
  for (std::size_t a = 0; a < m; ++a) sum = sum + p[a];
  const double scale = sum > 1.0 ? sum : 1.0;
  double cum = 0.0;
  for (std::size_t a = 0; a < m; ++a) {
    cum = cum + p[a] / scale;
    if (u < cum) return static_cast<std::uint8_t>(a + 1);
  }
  return 0;
}

// An exited agent re-enters iff u < reentry, and then decides this step with u ← u/reentry.
// Returns false (the agent holds) otherwise; `u` is updated in place on re-entry.
inline bool reenters(double& u, double reentry) noexcept {
  if (!(u < reentry)) return false;
  u = u / reentry;
  return true;
}

}  // namespace stampede::agents
