#pragma once
// Proof of Time Power (ksn.md KS10): the rebase weight m_i of a position and the loyalty update.
// Scalar reference for the PoTP pass of the fused kernel.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/protocols/ksn/state.hpp"

namespace stampede::ksn {

// KS10  m_i = min(m_cap, 1 + λ·ln(1 + t_i/t_s) + μ·G_i + ν·L_i), t_i = stake age (seconds).
// λ, μ, ν, G_i, L_i ≥ 0 and t_i ≥ 0 keep m_i ≥ 1; t_i is floored at 0 so m_i ∈ [1, m_cap].
inline double potp_multiplier(double t_i, double G_i, double L_i, const PotpWeights& w, double t_s,
                              double m_cap) {
  const double age = std::max(0.0, t_i);
  const double m = 1.0 + w.lambda * std::log1p(age / t_s) + w.mu * G_i + w.nu * L_i;
  return std::clamp(m, 1.0, m_cap);
}

// KS10 a_L = exp(−rebase.period/τ_L): loyalty is an exponentially weighted share of 12h epochs.
inline double loyalty_decay(std::int64_t rebase_period, std::int64_t loyalty_tau) {
  return std::exp(-static_cast<double>(rebase_period) / static_cast<double>(loyalty_tau));
}

// KS10  L_i ← a_L·L_i + (1 − a_L)·(1 − flag_i)  (flag_i: withdrew since the last rebase).
inline double loyalty_update(double L_i, bool withdrew, double a_L) {
  return a_L * L_i + (1.0 - a_L) * (withdrew ? 0.0 : 1.0);
}

}  // namespace stampede::ksn
