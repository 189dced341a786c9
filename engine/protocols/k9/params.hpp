#pragma once
// K9 scenario parameters (k9.md §3): a plain struct with the spec's defaults. The YAML mapping
// and validation live in config.cpp; durations are whole seconds (engine.md "Time").
// Sources: seed = 003_df50f1601eded8be.txt; docs = K9 Finance docs; "decision" = a documented
// simulation choice of k9.md.
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/core/distribution.hpp"
#include "engine/core/duration.hpp"
#include "engine/protocols/k9/rules.hpp"

namespace stampede::k9 {

inline constexpr int kK9Types = 3;  // vester, staker, trader (k9.md §6)

// k9.admin_changes: a setter of the vesting contract called at `at` (N1).
enum class SettingKey { backing_ratio, vesting_ratio, vesting_period, locked_only };
struct AdminChange {
  std::int64_t at = 0;  // seconds
  SettingKey key = SettingKey::backing_ratio;
  double value = 0;     // the ratio, the period in seconds, or 0/1 for locked_only
};

struct K9InitialParams {
  double locked = 2e8;  // KNINE locked in RYS by vesters at t0
  Distribution lock_remaining = Distribution::uniform(1.0 * kSecondsPerDay, 365.0 * kSecondsPerDay);  // seconds
  double staked = 5e7;      // non-locked RYS stake (vesters and stakers)
  double liquid = 1e8;      // KNINE in wallets
  double weth = 2000;       // WETH in wallets
  double es_wallet = 2e7;   // esKNINE in vesters' wallets
  double vesting = 1e7;     // esKNINE in vesting (N15)
  double external = 5e7;    // ext_knine
};

struct K9PoolParams {
  bool quote_is_weth = true;  // k9.pool.quote: weth (USD via M_t = ETH) or usdc
  double fee = 0.003;
  double knine = 2e7;         // x0
  double quote_reserve = 200;  // y0 (P0 = 1e-5 WETH)
  double quote_usd = 3000;    // USD per quote unit at t0 (weth)
};

struct K9RysParams {
  double max_lock_multiplier = 2.0;
  double reward_usd_per_day = 10000;
  Distribution new_lock_months = Distribution::uniform_int(6, 12);
};

struct K9StopParams {
  std::int64_t at = -1;          // seconds; −1 = never (k9.emergency_stop.at null)
  double on_drawdown = -1;       // (0, 1]; −1 = off
};

// metrics.k9.* (§8).
struct K9MetricParams {
  double drop = 0.30;                        // unlock_drawdown.drop
  double share = 0.30;                       // unlock_drawdown.share
  std::int64_t window = 7 * kSecondsPerDay;  // unlock_drawdown.window
};

// Agent-side keys that are not behaviour weights (§3, §6).
struct K9AgentParams {
  Distribution wealth = Distribution::lognormal(0.0, 1.0);  // agents.init.wealth (within a type)
  // agents.split.{staked, liquid, weth}.<type>: each protocol total's share by type.
  std::array<double, kK9Types> split_staked = {0.4, 0.6, 0.0};
  std::array<double, kK9Types> split_liquid = {0.4, 0.3, 0.3};
  std::array<double, kK9Types> split_weth = {0.4, 0.0, 0.6};
  Distribution farm_weight = Distribution::lognormal(0.0, 1.0);  // agents.vester.farm_weight (fw_i, N3)
  double vester_unstake_sell_frac = 0.5;  // agents.vester.unstake_sell_frac
  double staker_unstake_sell_frac = 0.5;  // agents.staker.unstake_sell_frac
  double lock_exit_sell_frac = 0.5;       // agents.vester.lock_exit_sell_frac
};

struct K9Params {
  Settings settings;  // initial b, v, T, locked_only (k9.backing_ratio, ...)
  RecalcRule recalc_rule = RecalcRule::seed;
  std::int64_t min_lock = 180 * kSecondsPerDay;
  std::vector<AdminChange> admin_changes;  // in time order
  K9StopParams stop;
  double vesting_stock = std::numeric_limits<double>::infinity();  // null = unlimited
  K9RysParams rys;
  double farming_per_day = 1e5;  // esKNINE emitted per day (N3)
  K9PoolParams pool;
  K9InitialParams initial;
  K9MetricParams metrics;
  K9AgentParams agents;
};

}  // namespace stampede::k9
