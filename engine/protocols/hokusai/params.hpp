#pragma once
// Hokusai scenario parameters (hokusai.md §3): a plain struct with the spec's defaults. The YAML
// mapping and validation live in config.cpp; durations are whole seconds (engine.md "Time").
// Sources: the seed 002_950ad54d4632b387.txt (the token flow) and the hokusai-token contracts
// (HokusaiAMM, BondingCurveMath, HokusaiAMMFactory, RewardVestingVault, DeltaVerifier,
// UsageFeeRouter, TokenManager, HokusaiParams); "decision" = a documented simulation choice.
#include <array>
#include <cstdint>
#include <limits>

#include "engine/core/distribution.hpp"
#include "engine/core/duration.hpp"
#include "engine/protocols/hokusai/access.hpp"
#include "engine/protocols/hokusai/curve.hpp"
#include "engine/protocols/hokusai/rewards.hpp"
#include "engine/protocols/hokusai/vesting_slots.hpp"

namespace stampede::hokusai {

struct RedeemParams {
  double min_tokens = 100;                   // hokusai.redeem.min_tokens
  std::int64_t cooldown = kSecondsPerHour;   // hokusai.redeem.cooldown
  double slippage_tolerance = 0.02;          // hokusai.redeem.slippage_tolerance
};

struct ImprovementParams {
  double arrivals_per_30d = 4;
  Distribution bps = Distribution::lognormal(0.0, 0.8);  // median 150 bps (mu = ln 150 set in config)
  RewardParams reward;                                     // min_bps, tokens_per_delta_one, max_reward, weight, cooldown
  double mint_budget = 1.5e6;                              // +inf = unlimited
};

struct InitialSupplyParams {
  double score_bps = 8000, min_score_bps = 5000;
  double min_supply = 1e6, max_supply = 1e7;
};

struct AccessParams {
  double requests_per_day = 20000;
  double growth_per_30d = 0.10;
  std::int64_t noise_time = 7 * kSecondsPerDay;
  double noise_sd = 0.3;
  double token_share = 0.8;
  double batch_share = 0.5, batch_discount = 0.25;
  double enterprise_price = 0.01;
  double requests_per_user_per_day = 20;
  double price_elasticity = 1.0;
};

struct FeeParams {
  double infra_share = 0.80;
  std::int64_t deposit_period = kSecondsPerDay;
};

struct TreasuryParams {
  double distribution = 0;  // tokens minted to holders per period (H8)
  std::int64_t period = 30 * kSecondsPerDay;
};

struct InitialParams {
  double reserve = 1e5, holder_tokens = 2e6, holder_usdc = 1e6;
};

// metrics.hokusai.* (§8).
struct MetricParams {
  double run_fraction = 0.25;                   // redemption_run: paid over the window ≥ this × R at its start
  std::int64_t run_window = kSecondsPerDay;
  double deep_drawdown = 0.5;                   // deep_drawdown: reserve_dd ≥ this
};

struct HokusaiParams {
  CurveParams curve;
  std::int64_t buy_only_period = 0;
  RedeemParams redeem;
  ImprovementParams improvement;
  InitialSupplyParams initial_supply;
  VestingTerms team_vesting{0.0, 90.0 * kSecondsPerDay, 365.0 * kSecondsPerDay};
  VestingTerms reward_vesting{0.10, 0.0, 365.0 * kSecondsPerDay};
  double early_penalty = 0.5;
  int slots = 4;
  AccessParams access;
  FeeParams fees;
  TreasuryParams treasury;
  InitialParams initial;
  MetricParams metrics;
  Distribution wealth = Distribution::lognormal(0.0, 1.0);  // agents.init.wealth (holders and contributors)
};

}  // namespace stampede::hokusai
