#include "agents/behaviour.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/core/errors.hpp"

namespace stampede::agents {

void TypeBehaviour::validate() const {
  if (actions == 0 || actions > kMaxActions)
    throw InputError("behaviour: a type needs 1 to " + std::to_string(kMaxActions) + " actions, got " +
                     std::to_string(actions));
  if (exit_action < -1 || exit_action >= static_cast<int>(actions))
    throw InputError("behaviour: exit action index " + std::to_string(exit_action) + " out of range");
  if (!(temperature > 0.0) || !std::isfinite(temperature))
    throw InputError("behaviour: temperature must be > 0, got " + std::to_string(temperature));
  if (!(reentry >= 0.0 && reentry <= 1.0))
    throw InputError("behaviour: reentry must be in [0, 1], got " + std::to_string(reentry));
  if (signals > kMaxSignals) throw InputError("behaviour: too many common signals");
  if (own_terms > kMaxOwnTerms) throw InputError("behaviour: too many own terms");
}

std::array<double, kMaxActions> common_part(const TypeBehaviour& type, std::span<const double> signals) {
  std::array<double, kMaxActions> c{};
  const std::size_t n = std::min(type.signals, signals.size());
  for (std::size_t a = 0; a < type.actions; ++a) {
    double sum = 0.0;
    for (std::size_t k = 0; k < n; ++k) sum += type.w[a][k] * signals[k];  // agents.md Σ_k w_k(a)·s_k
    c[a] = sum;
  }
  return c;
}

}  // namespace stampede::agents
