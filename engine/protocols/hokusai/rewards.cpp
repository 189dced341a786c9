#include "engine/protocols/hokusai/rewards.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/core/errors.hpp"

namespace stampede::hokusai {

double initial_supply(double score_bps, double min_score_bps, double min_supply, double max_supply) {  // H1
  if (!(score_bps >= min_score_bps))
    throw InputError({Diagnostic{
        "", 0, 0, "hokusai.initial_supply.score_bps",
        fmt::format(
            "score {} bps is below hokusai.initial_supply.min_score_bps = {} (hokusai.md H1): the model "
            "gets no initial supply; raise the score or lower the minimum",
            score_bps, min_score_bps)}});
  const double span = 10'000.0 - min_score_bps;
  const double fraction = span > 0.0 ? (score_bps - min_score_bps) / span : 1.0;
  return min_supply + fraction * (max_supply - min_supply);
}

double reward_for(const RewardParams& p, double delta_bps) {  // H5
  if (!(delta_bps >= p.min_bps)) return 0.0;
  return std::min(p.max_reward, delta_bps * p.tokens_per_delta_one * p.weight / 100.0);
}

Submission submit(const RewardParams& p, double delta_bps, double t, double last_submit,
                  double budget_left) {  // H5
  const double reward = reward_for(p, delta_bps);
  if (!(reward > 0.0)) return {0.0, Rejection::below_min};
  if (t - last_submit < p.cooldown) return {0.0, Rejection::cooldown};
  if (reward > budget_left) return {0.0, Rejection::budget};
  return {reward, Rejection::none};
}

}  // namespace stampede::hokusai
