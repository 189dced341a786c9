#pragma once
// KSN scenario parameters (ksn.md §3): a plain struct with the spec's defaults. The YAML mapping
// and validation live in engine/config; durations are whole seconds (engine.md "Time").
// Source per group: seed = 000_ef4818eb87839a2c.txt; [OHM], [TPC], [POTP], [kBOND], [TOK] as in
// ksn.md §1; "model" = a documented simulation choice.
#include <cstdint>

#include "engine/core/distribution.hpp"
#include "engine/core/duration.hpp"

namespace stampede::ksn {

enum class PolicyKind { sigmoid, constant };                     // ksn.policy.kind
enum class FundingMode { dcp_only, dcp_plus_surplus_mint };      // ksn.funding.mode
enum class BondTypePolicy { automatic, reserve_only, lp_only };  // ksn.bond.type_policy (`auto`)
enum class WeightsPolicy { fixed };                              // ksn.potp.weights_policy
enum class DemandRef { ma7d, backing };                          // market.demand.ref
enum class BondType { reserve, lp };                             // KS14

// ksn.initial.* (model). S0 = staked + agent_liquid + external_ksn + dcp + pool_ksn = 9e6 KSN.
struct KsnInitialParams {
  double pool_ksn = 1000000.0;       // KSN (x0; P0 = 10)
  double pool_usdc = 10000000.0;     // USDC (y0)
  double treasury_usdc = 8000000.0;  // USDC
  double treasury_lp_share = 0.5;    // share of L0 owned by the treasury (POL), [0, 1]
  double treasury_cert = 0.0;        // USD at p_c0 = 1 (= C, certificate units)
  double staked = 6000000.0;         // KSN
  double agent_liquid = 1000000.0;   // KSN
  double external_ksn = 900000.0;    // KSN (H_ext)
  double dcp = 100000.0;             // KSN (DCP0)
  double agent_usdc = 20000000.0;    // USDC
  Distribution stake_age = Distribution::uniform(0.0, 60.0 * kSecondsPerDay);  // seconds
  Distribution loyalty = Distribution::uniform(0.5, 1.0);                      // L_i, [0, 1]
};

struct KsnPoolParams {
  double fee = 0.003;  // on the input, [0, 0.1) (market.md)
};

struct KsnTreasuryParams {
  double cert_haircut = 0.5;  // h, [0, 1] (model): RFV counts (1 − h) of certificates (KS1)
  double cert_beta = 1.0;     // β_c, [0, 3] (model): p_c = p_c0·(M_t/M_0)^β_c (KS1)
  double cert_price0 = 1.0;   // p_c0, USD (ksn.md §3: treasury_cert is in USD at p_c0 = 1)
};

struct KsnRebaseParams {
  std::int64_t period = 12 * kSecondsPerHour;  // seed: every 12h
  double r_min = 0.001;                        // per rebase (seed: 0.1%)
  double r_max = 0.01;                         // per rebase (seed: 1%)
};

struct KsnPolicyParams {
  PolicyKind kind = PolicyKind::sigmoid;  // model
  double r_const = 0.003;                 // constant kind, [r_min, r_max]
  double c0 = -1.0;                       // KS5 coefficients (model), any real
  double c_vol = -2.0;
  double c_tvl = 2.0;
  double c_collab = 1.0;
  std::int64_t window = 7 * kSecondsPerDay;  // KS5/KS6 look-back, multiple of rebase.period
  double vol_ref = 0.5;                      // v before any spot history (annualised)
};

struct KsnFundingParams {
  FundingMode mode = FundingMode::dcp_plus_surplus_mint;  // seed + [OHM] excessReserves
  double surplus_fraction = 1.0;                          // φ, [0, 1]
};

struct KsnDcpParams {
  double penalty_max = 0.20;                          // p_max, [0, 0.5] (model)
  std::int64_t penalty_period = 30 * kSecondsPerDay;  // T_pen, ≥ dt
  double penalty_dcp_share = 0.5;                     // s_p, [0, 1]; rest burned
  double sell_tax = 0.0;                              // τ_s, [0, 0.1]; [TOK] states 0.02
  double sell_tax_dcp_share = 0.5;                    // s_τ, [0, 1]; rest burned
};

struct KsnPotpParams {
  double lambda = 0.144;                              // [TPC] row 1 (≈ 0.1/ln 2), [0, 1]
  double mu = 0.1;                                    // governance weight (model), [0, 1]
  double nu = 0.1;                                    // loyalty weight (model), [0, 1]
  std::int64_t time_scale = 10 * kSecondsPerDay;      // t_s, [TPC]
  double m_cap = 2.0;                                 // [1, 10] (model)
  std::int64_t loyalty_tau = 30 * kSecondsPerDay;     // τ_L (model)
  std::int64_t update_period = 24 * kSecondsPerHour;  // [POTP]
  WeightsPolicy weights_policy = WeightsPolicy::fixed;
  Distribution gov_participation = Distribution::beta(1.0, 3.0);  // G_i, [0, 1]
};

struct KsnBondParams {
  BondTypePolicy type_policy = BondTypePolicy::automatic;  // seed ("AI picks the type")
  double stable_target = 0.6;                              // σ*, [0, 1] (model)
  double bcv = 5.0;                                        // control variable, ≥ 0 ([OHM] form)
  double zero_debt_discount = 0.10;                        // d0, [0, 0.5]
  double min_price = 1.0;                                  // p_min, USDC ([OHM]: 1 KSN ≥ 1 USD RFV)
  double max_payout = 0.0005;                              // π_max, fraction of S ([OHM] 50 = 0.05%)
  double max_debt = 0.02;                                  // D_max, fraction of S (model)
  std::int64_t vesting = 5 * kSecondsPerDay;               // T_v ([kBOND], [OHM] ~5 d)
  std::int64_t claim_period = 24 * kSecondsPerHour;        // seed ("released daily")
};

// agents.* defaults of ksn.md §3/§6 that are not behaviour weights (model); order staker,
// bonder, trader, lp.
struct KsnAgentParams {
  Distribution wealth = Distribution::lognormal(0.0, 1.0);
  double liquid_share[4] = {0.40, 0.0, 0.50, 0.10};
  double usdc_share[4] = {0.25, 0.35, 0.30, 0.10};
  Distribution bonder_required_discount = Distribution::uniform(0.02, 0.08);
  double lp_sell_on_withdraw = 1.0;
};

// market.* defaults of ksn.md §3 (model, calibrated §6–§7).
struct KsnMarketParams {
  double demand_mean_per_circ = 1e-3;  // μ_D, USDC/h per KSN of S_circ
  double demand_elasticity = 0.002;    // η, per hour per unit of (ref − P) per KSN of S_circ
  DemandRef demand_ref = DemandRef::ma7d;
  double demand_theta = 0.05;       // 1/h
  double demand_sd = 1e4;           // USDC/h
  double factor_sigma = 0.8;        // per year
  double factor_jump_rate = 4.0;    // per year
  double factor_jump_mu = -0.05;    // log-jump mean
  double factor_jump_sigma = 0.10;  // log-jump sd
};

// metrics.ksn.* (ksn.md §8, model).
struct KsnMetricParams {
  double bank_run_fraction = 0.25;                      // (0, 1]
  std::int64_t bank_run_window = 72 * kSecondsPerHour;  // multiple of dt
  std::int64_t below_backing_duration = 24 * kSecondsPerHour;
  int rebase_default_consecutive = 2;  // ≥ 1
};

struct KsnParams {
  KsnInitialParams initial;
  KsnPoolParams pool;
  KsnTreasuryParams treasury;
  KsnRebaseParams rebase;
  KsnPolicyParams policy;
  KsnFundingParams funding;
  KsnDcpParams dcp;
  KsnPotpParams potp;
  KsnBondParams bond;
  KsnAgentParams agents;
  KsnMarketParams market;
  KsnMetricParams metrics;
};

}  // namespace stampede::ksn
