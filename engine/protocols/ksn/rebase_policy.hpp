#pragma once
// The rebase policy (ksn.md KS5, §5 "Policy interface"): the seed's "AI" as a deterministic,
// documented function of market state. A new policy is a new PolicyKind, not a new class
// hierarchy (no virtual call; evaluated once per rebase per path).
#include "engine/protocols/ksn/params.hpp"
#include "engine/protocols/ksn/state.hpp"

namespace stampede::ksn {

// in = {v, g_TVL, κ, runway, P/B, r_{t−1}} (§5).
struct PolicyInputs {
  double v = 0.0;            // KS6 annualised volatility of step-end spots
  double g_tvl = 0.0;        // TVL_t/TVL_{t−window} − 1
  double kappa = 0.0;        // κ = W/S_circ (collaboration intensity)
  double runway_days = 0.0;  // §6 runway
  double premium = 0.0;      // P/B
  double r_prev = 0.0;       // r_t of the previous rebase
};

class RebasePolicy {
 public:
  RebasePolicy(const KsnPolicyParams& policy, const KsnRebaseParams& rebase, const KsnPotpParams& potp);

  // KS5 argument: c0 + c_vol·v + c_tvl·g_TVL + c_collab·κ (sigmoid kind).
  double index(const PolicyInputs& in) const;
  // r_t, always clamped to [r_min, r_max].
  double rate(const PolicyInputs& in) const;
  // (λ, μ, ν), each clamped to [0, 1]; `fixed` returns the configured weights.
  PotpWeights potp_weights(const PolicyInputs& in) const;

 private:
  KsnPolicyParams policy_;
  double r_min_, r_max_;
  PotpWeights fixed_;
};

}  // namespace stampede::ksn
