#include "engine/market/market_config.hpp"

namespace stampede::market {

static ShockKind shock_kind(const std::string& s) {
  if (s == "crash") return ShockKind::crash;
  if (s == "demand") return ShockKind::demand;
  if (s == "whale_exit") return ShockKind::whale_exit;
  if (s == "liquidity_drain") return ShockKind::liquidity_drain;
  if (s == "carbon_crash") return ShockKind::carbon_crash;
  return ShockKind::reserve_depeg;
}

MarketParams read_market(const config::Values& v) {
  MarketParams m;
  m.sub_swaps = static_cast<int>(v.integer("market.sub_swaps"));
  m.factor.mu = v.real("market.factor.mu");
  m.factor.sigma = v.real("market.factor.sigma");
  m.factor.jump_rate = v.real("market.factor.jump_rate");
  m.factor.jump_mu = v.real("market.factor.jump_mu");
  m.factor.jump_sigma = v.real("market.factor.jump_sigma");
  m.demand.mean = v.real("market.demand.mean");
  m.demand.mean_per_circ = v.real("market.demand.mean_per_circ");
  m.demand.elasticity = v.real("market.demand.elasticity");
  m.demand.theta = v.real("market.demand.theta");
  m.demand.sd = v.real("market.demand.sd");
  m.demand.ref = v.text("market.demand.ref");
  m.demand.scale_with_factor = v.boolean("market.demand.scale_with_factor");
  for (const auto& r : v.records("market.shocks")) {
    ShockParams s;
    s.kind = shock_kind(r.text("kind"));
    s.scheduled = r.has("at");
    if (s.scheduled) s.at_seconds = r.duration_s("at");
    else s.rate_per_year = r.real("rate");
    s.size = r.real("size");
    s.duration_seconds = r.duration_s("duration");
    if (r.has("target")) s.target = r.text("target");
    m.shocks.push_back(s);
  }
  return m;
}

void refuse_shock_targets(config::Schema& schema, const std::string& protocol) {
  schema.check([protocol](const config::Values& v, config::Reporter& r) {
    const auto& shocks = v.records("market.shocks");
    for (std::size_t k = 0; k < shocks.size(); ++k)
      if (shocks[k].has("target"))
        r.error_at(shocks[k].where("target"), "market.shocks[" + std::to_string(k) + "].target",
                   protocol + " defines no shock targets (demand shocks act on the outside demand); remove it");
  });
}

}  // namespace stampede::market
