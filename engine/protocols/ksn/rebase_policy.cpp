#include "engine/protocols/ksn/rebase_policy.hpp"

#include <algorithm>
#include <cmath>

#include "agents/logit.hpp"

namespace stampede::ksn {

RebasePolicy::RebasePolicy(const KsnPolicyParams& policy, const KsnRebaseParams& rebase,
                           const KsnPotpParams& potp)
    : policy_(policy), r_min_(rebase.r_min), r_max_(rebase.r_max), fixed_{potp.lambda, potp.mu, potp.nu} {}

double RebasePolicy::index(const PolicyInputs& in) const {
  return policy_.c0 + policy_.c_vol * in.v + policy_.c_tvl * in.g_tvl + policy_.c_collab * in.kappa;
}

double RebasePolicy::rate(const PolicyInputs& in) const {
  double r = policy_.r_const;
  switch (policy_.kind) {
    case PolicyKind::sigmoid:  // KS5 r_t = r_min + (r_max − r_min)·sigmoid(x)
      r = r_min_ + (r_max_ - r_min_) * agents::sigmoid(index(in));
      break;
    case PolicyKind::constant:
      break;
  }
  return std::clamp(r, r_min_, r_max_);  // §5: r_t is always clamped
}

PotpWeights RebasePolicy::potp_weights(const PolicyInputs&) const {
  // Only `fixed` exists (ksn.potp.weights_policy); §5 phase 3.6 clamps any policy's weights.
  return {std::clamp(fixed_.lambda, 0.0, 1.0), std::clamp(fixed_.mu, 0.0, 1.0),
          std::clamp(fixed_.nu, 0.0, 1.0)};
}

}  // namespace stampede::ksn
