#pragma once
// Frozen market parameters of one scenario (market.md "Exogenous processes", defaults table).
// A plain struct with the spec defaults; engine/config maps the `market.` YAML keys onto it.
// Times are whole seconds (engine/core/duration.hpp); rates are per year or per hour as noted.
#include <cstdint>
#include <string>
#include <vector>

namespace stampede::market {

// Market factor M (the chain's main coin): GBM + compound-Poisson log-jumps, all per year.
struct FactorParams {
  double mu = 0.0;           // market.factor.mu, drift per year
  double sigma = 0.8;        // market.factor.sigma, volatility per sqrt(year)
  double jump_rate = 4.0;    // market.factor.jump_rate, jumps per year
  double jump_mu = -0.05;    // market.factor.jump_mu, mean log-jump
  double jump_sigma = 0.10;  // market.factor.jump_sigma, sd of a log-jump
};

// External net demand D_t (quote units; the bracket is a rate per hour).
struct DemandParams {
  double mean = 0.0;           // market.demand.mean, quote/h
  double mean_per_circ = 0.0;  // market.demand.mean_per_circ, quote/h per token of C (KAI 4.5e-4)
  double elasticity = 0.0;  // market.demand.elasticity, quote/h per unit of ref - p per token of C (KAI 0.02)
  double theta = 0.05;      // market.demand.theta, OU mean reversion per hour
  double sd = 3000.0;       // market.demand.sd, OU stationary sd, quote/h
  std::string ref = "reference";  // market.demand.ref: protocol-defined choice; the protocol computes ref_t
  bool scale_with_factor = true;  // market.demand.scale_with_factor: m_t = M_t/M_0, else 1
};

// carbon_crash moves a protocol's carbon prices (klima2), not M: the protocol applies it.
enum class ShockKind { crash, demand, whale_exit, liquidity_drain, reserve_depeg, carbon_crash };

// One entry of `market.shocks`: either scheduled (`at`) or random (`rate` per year, fires once).
struct ShockParams {
  ShockKind kind = ShockKind::crash;
  bool scheduled = true;        // true: starts at `at_seconds`; false: random with `rate_per_year`
  std::int64_t at_seconds = 0;  // start time; the shock starts with the first step beginning at or after it
  double rate_per_year = 0.0;   // per-step firing probability 1 - exp(-rate·tau)
  double size = 0.0;            // meaning per kind (market.md table)
  std::int64_t duration_seconds = 0;  // active on n = max(1, round(duration/dt)) steps
  std::string target;                 // where a protocol spec defines one (hokusai `access`), else ""
};

struct MarketParams {
  int sub_swaps = 1;  // market.sub_swaps: equal pieces per aggregate swap
  FactorParams factor;
  DemandParams demand;
  std::vector<ShockParams> shocks;
};

}  // namespace stampede::market
