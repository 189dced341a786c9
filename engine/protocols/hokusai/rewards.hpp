#pragma once
// Hokusai's mints outside the curve (hokusai.md H1, H5): the owner's initial supply and the
// contributors' improvement rewards (DeltaVerifier.calculateRewardDynamic, with
// tokens_per_delta_one counted per 100 bps, §11).
namespace stampede::hokusai {

// H1: min_supply + (score − min_score)/(10,000 − min_score)·(max_supply − min_supply).
// InputError naming hokusai.initial_supply.score_bps when score < min_score. With min_score =
// 10,000 (only a perfect score qualifies) the fraction is taken as 1: max_supply.
double initial_supply(double score_bps, double min_score_bps, double min_supply, double max_supply);

struct RewardParams {
  double min_bps = 100;                  // minimum accepted improvement Δ, bps
  double tokens_per_delta_one = 250000;  // tokens per 100 bps
  double max_reward = 2.5e6;             // tokens per submission
  double weight = 1.0;                   // contributor weight (weightBps/10,000)
  double cooldown = 3600;                // seconds between a contributor's accepted submissions
};

// H5 before the cooldown and budget checks:
// Δ ≥ min_bps ? min(max_reward, Δ·tokens_per_delta_one·weight/100) : 0.
double reward_for(const RewardParams& p, double delta_bps);

enum class Rejection { none, below_min, cooldown, budget };

struct Submission {
  double reward = 0;  // tokens to mint (0 when rejected)
  Rejection why = Rejection::none;
};

// H5 for a submission at t (seconds) by a contributor whose last accepted one was at last_submit
// (−infinity for never), against budget_left (+infinity for unlimited). Checked in H5's order:
// reward = 0 (below_min), t − last_submit < cooldown, reward > budget_left (the whole reward is
// refused, no haircut). The caller applies the acceptance (budget, accuracy, last_submit, mint).
Submission submit(const RewardParams& p, double delta_bps, double t, double last_submit, double budget_left);

}  // namespace stampede::hokusai
