#pragma once
// K9's protocol-level state (k9.md §2): the settings in force, the stop, the esKNINE supply, the
// vesting contract's KNINE stock, the RYS totals, the pool and the outside holdings, and the
// counters the finals read. Per-agent holdings live in K9Agents (path.hpp).
#include <cstddef>
#include <limits>

#include "engine/market/pool.hpp"
#include "engine/protocols/k9/rules.hpp"

namespace stampede::k9 {

struct K9Counters {
  double deposits_opened = 0, deposits_recalculated = 0;
  double es_excluded = 0, knine_claimed = 0, es_burned = 0;
  double claim_sold = 0, unlock_sold = 0, all_sold = 0;  // KNINE sold into the pool (agents and outside)
  double knine_paid_in = 0;  // KNINE paid from an unlimited stock (enters the KNINE total)
  double es_emitted = 0;     // N3
  double weth_in = 0, weth_out = 0;  // quote that entered or left with outside traders and LPs
};

struct StopOutcome {
  double knine_paid = 0, es_burned = 0, es_returned = 0, forfeit_knine = 0;
};

struct K9State {
  Settings settings;              // in force now (N1)
  std::size_t next_change = 0;    // index of the next admin change due
  bool stopped = false;           // N2 (permanent)
  double t_stop = std::numeric_limits<double>::infinity();
  StopOutcome stop;
  double es_supply = 0;           // wallets + unvested + converted-unclaimed
  double stock = std::numeric_limits<double>::infinity();  // KNINE for payouts (∞ = unlimited)
  double locked_total = 0, staked_total = 0, weight_total = 0;  // Σlocked, Σstaked, Σweight (N7)
  double liquid_total = 0;        // Σ knine_i (the demand's C with ext_knine)
  market::ConstantProductPool pool{1.0, 1.0, 0.0};
  double ext_knine = 0;           // KNINE outside the population
  double knine_total0 = 0;        // Σ(knine + Lk + St) + x + ext + stock at t0 (stock finite)
  K9Counters n;
};

}  // namespace stampede::k9
