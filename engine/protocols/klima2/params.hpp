#pragma once
// Klima 2.0 scenario parameters (klima2.md §3): a plain struct with the spec's defaults. The YAML
// mapping and validation live in config.cpp; durations are whole seconds (engine.md "Time").
#include <cstdint>
#include <vector>

#include "engine/core/distribution.hpp"
#include "engine/core/duration.hpp"

namespace stampede::klima2 {

struct InitialParams {
  double a_supply = 20e6;                 // N_A at launch (seed §2.6)
  std::vector<double> tonnes_liquid;      // C_i0 per class (one entry: every class)
  std::vector<double> tonnes_forward;     // C_it per class, spread evenly over positions 1..40
  double bonded_fraction = 0.40;          // of N_A, even over positions 1..40
  double class_stake_fraction = 0.25;     // of N_A, bonded A that selects a class (by class_pref)
  double a_price = 0.10;                  // USDC per A (AQ's initial price)
  double aq_a = 1e6;                      // A in AQ (paired with aq_a·a_price USDC)
  double ag_a = 2.5e6, ag_g = 7e6;        // AG reserves (Treasury + 01X, seed §4.1)
  int ag_lock_position = 8;               // their LP shares locked at this position
};

struct GParams {
  double supply = 100e6, incentive_pool = 40e6;
  double p0 = 0.07;
  double t_half_months = 24;              // T of KL33, months of 730h
  std::int64_t incentive_period = kSecondsPerDay;
  double holder_vesting = 40e6, other_vesting = 13e6;
  double vest_start_months = 3, vest_end_months = 48;  // τ_s, τ_e of KL45
};

struct SellerParams {                     // agents.carbon_seller.*
  std::vector<double> rate{5.0};          // orders/day per class (one entry: every class)
  Distribution size = Distribution::lognormal(6.907755278982137, 1.0);  // median 1000 t
  double spot_prob = 0.7;
  int forward_min = 1, forward_max = 20;  // forward position uniform in [min, max]
  double discount_rate = 0.08;            // ρ of `gap`, per year
  Distribution sell_fraction = Distribution::beta(4.888888888888889, 1.2222222222222223);  // mean 0.8, sd 0.15
};

struct BuyerParams {                      // agents.offset_buyer.*
  std::vector<double> rate{20.0};
  Distribution size = Distribution::lognormal(4.605170185988092, 1.5);  // median 100 t
};

struct MetricParams {                     // metrics.klima2.*
  double run_fraction = 0.20;
  std::int64_t run_window = 7 * kSecondsPerDay;
  double lp_flight_fraction = 0.30;
  std::int64_t lp_flight_window = 7 * kSecondsPerDay;
  double backing_floor = 0.75;
  double price_floor = 0.5;
};

struct Klima2Params {
  std::int64_t start_at = 0;              // klima2.start_at: paths start this long after launch (a warm-up)
  int n_classes = 4;
  std::vector<double> class_pref{0.50, 0.20, 0.10, 0.05};
  InitialParams initial;
  std::int64_t roll_period = 90 * kSecondsPerDay;
  double years_per_position = 0.25;
  bool expiry_exact = false;              // klima2.bond.expiry_mode: label | exact
  std::int64_t trade_period = kSecondsPerDay;
  double max_retire_fraction = 0.10;
  std::vector<double> price0;             // USD/t per class; empty = "aam_mid"
  double carbon_vol = 0.50, market_corr = 0.3;
  double default_rate = 0.0, resell_fraction = 0.0;
  double ag_fee = 0.0005, aq_fee = 0.003;
  GParams g;
  double lp_aq_share = 0.5, lp_lock_prob = 0.5;
  double class_select_prob = 0.5, reselect_rate = 0.011;  // per day
  double usdc_per_a = 0.10;
  double aq_min_shares = 1e-3, offset_max_pool_fraction = 0.5;
  Distribution bucket_tilt = Distribution::uniform(0.0, 2.0);  // κ_i of KL46
  SellerParams seller;
  BuyerParams buyer;
  MetricParams metrics;
  Distribution wealth = Distribution::lognormal(0.0, 1.0);  // agents.init.wealth
};

}  // namespace stampede::klima2
