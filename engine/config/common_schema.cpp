#include "engine/config/common_schema.hpp"

#include <cmath>

#include "engine/config/values.hpp"
#include "engine/core/duration.hpp"

namespace stampede::config {

const std::vector<std::string>& shock_kinds() {
  static const std::vector<std::string> k = {"crash", "demand", "whale_exit", "liquidity_drain", "reserve_depeg", "carbon_crash"};
  return k;
}

static void add_run_keys(Schema& s, const std::vector<std::string>& protocols) {
  s.text("scenario", "").required().doc("name of the scenario");
  s.choice("protocol", "", protocols).required().doc("protocol simulated; its section holds its keys");
  s.integer("seed", 1, Bounds::at_least(0)).full_uint64().doc("root of every random stream (engine.md)");
  s.integer("paths", 100, Bounds::closed(1, 1e7)).doc("Monte Carlo paths");
  // engine.md "Time": steps = horizon / step must be a whole number.
  s.duration("horizon", "90d", "step").doc("simulated time per path");
  s.duration("step", "1h").doc("global time step dt");
  s.integer("agents.count", 10000, Bounds::closed(1, 1e8)).doc("agents per path");
  s.distribution("agents.init.wealth", Distribution::lognormal(0, 1), DistSpec{Bounds::at_least(0)})
      .doc("initial wealth w_i of each agent (scaled to the protocol's totals)");
  s.duration("output.record_every", "", "step").doc("series recording period; unset = the protocol's main period");
  s.integer("output.store_paths", 16, Bounds::closed(0, 1e6)).doc("paths whose full series are stored");
  // Precision target (engine.md "Sweeps and precision targets"): `paths` is then the first batch.
  s.real("stop.ci_half_width", 0.01, Bounds::open_closed(0, 0.5))
      .nullable()
      .doc("run paths in batches until every event probability's 95% Wilson half-width is at most this; null = "
           "run exactly `paths`");
  s.integer("stop.batch", 100, Bounds::closed(1, 1e6)).unit("paths").doc("paths added per batch after the first (`paths`)");
  s.integer("stop.max_paths", 100000, Bounds::closed(1, 1e7)).unit("paths").doc("most paths a precision target may run");
}

// Rare-event splitting (docs/rare-events.md): replicas 0 = off (plain Monte Carlo over `paths`).
static void add_splitting_keys(Schema& s) {
  s.integer("method.splitting.replicas", 0, Bounds::closed(0, 1e6))
      .doc("adaptive multilevel splitting with this many replicas per run (0 = off: plain Monte Carlo)");
  s.integer("method.splitting.kill_per_iteration", 1, Bounds::closed(1, 1e6))
      .doc("replicas killed (and resampled) per iteration, below replicas");
  s.integer("method.splitting.runs", 20, Bounds::closed(2, 1e6)).doc("independent splitting runs (their spread gives the interval)");
  s.text("method.splitting.event", "").doc("the event to estimate (\"\" = the protocol's first event with a score)");
}

static void check_splitting(const Values& v, Reporter& r) {
  const auto n = v.integer("method.splitting.replicas");
  if (n == 0) return;
  if (n < 2) r.error("method.splitting.replicas", "must be 0 (off) or at least 2");
  else if (v.integer("method.splitting.kill_per_iteration") >= n)
    r.error("method.splitting.kill_per_iteration", "must be below method.splitting.replicas (" + std::to_string(n) + ")");
}

// A precision target runs at least `paths` and at most stop.max_paths.
static void check_stop(const Values& v, Reporter& r) {
  if (!v.optional_real("stop.ci_half_width")) return;
  if (v.integer("stop.max_paths") < v.integer("paths"))
    r.error("stop.max_paths", "must be at least paths (" + std::to_string(v.integer("paths")) +
                                  ", the first batch), got " + std::to_string(v.integer("stop.max_paths")));
}

// market.md "Exogenous processes" and its defaults table.
static void add_market_keys(Schema& s) {
  s.integer("market.sub_swaps", 1, Bounds::closed(1, 1000)).unit("pieces").doc("equal pieces per aggregate swap");
  s.real("market.factor.mu", 0).unit("per year").doc("drift of the market factor M");
  s.real("market.factor.sigma", 0.8, Bounds::at_least(0)).unit("per year").doc("volatility of M");
  s.real("market.factor.jump_rate", 4, Bounds::at_least(0)).unit("per year").doc("Poisson rate of jumps of M");
  s.real("market.factor.jump_mu", -0.05).unit("log-jump").doc("mean log-jump of M");
  s.real("market.factor.jump_sigma", 0.10, Bounds::at_least(0)).unit("log-jump").doc("sd of the log-jumps of M");
  s.real("market.demand.mean", 0).unit("quote/h").doc("constant external net demand");
  s.real("market.demand.mean_per_circ", 0).unit("quote/h per token").doc("adoption trend per token of circulation");
  s.real("market.demand.elasticity", 0, Bounds::at_least(0))
      .unit("quote/h per unit of ref - p per token")
      .doc("price-elastic outside flow");
  s.real("market.demand.theta", 0.05, Bounds::above(0)).unit("per hour").doc("OU mean reversion of the noise X");
  s.real("market.demand.sd", 3000, Bounds::at_least(0)).unit("quote/h").doc("OU stationary sd of the noise X");
  s.choice("market.demand.ref", "reference", {"reference"})
      .doc("reference price of the elastic term: the token's reference (a protocol may offer more)");
  s.boolean("market.demand.scale_with_factor", true).doc("scale the demand by M_t/M_0");

  Field at = Field::duration("at").describe("start time of a scheduled shock");
  at.bounds = Bounds::at_least(0);  // a shock may start at t = 0
  s.records("market.shocks",
            {at, Field::real("rate", Bounds::above(0)).describe("random shock: arrivals per year (fires once)"),
             Field::choice("kind", shock_kinds()).must(), Field::real("size").must().describe("see market.md"),
             Field::duration("duration").defaults_to("step").describe("active time (default: one step)"),
             Field::text("target").describe("what the shock acts on, where a protocol defines targets")})
      .doc("scheduled (at) or random (rate) shocks, market.md");
}

// market.md: exactly one of at | rate; size range by kind; a scheduled shock inside the horizon.
static void check_shocks(const Values& v, Reporter& r) {
  const auto& shocks = v.records("market.shocks");
  const std::int64_t horizon = v.duration_s("horizon");
  for (std::size_t i = 0; i < shocks.size(); ++i) {
    const Record& s = shocks[i];
    const std::string key = "market.shocks[" + std::to_string(i) + "]";
    if (s.has("at") == s.has("rate")) {
      r.error_at(s.where(), key, "give exactly one of 'at' (scheduled) or 'rate' (per year)");
    } else if (s.has("at") && s.duration_s("at") >= horizon) {
      r.error_at(s.where("at"), key + ".at",
                 format_duration(s.duration_s("at")) + " is not before the horizon " + format_duration(horizon));
    }
    const std::string& kind = s.text("kind");
    const double size = s.real("size");
    Bounds b;
    if (kind == "crash" || kind == "carbon_crash") b = Bounds::above(-1);
    else if (kind == "whale_exit" || kind == "liquidity_drain") b = Bounds::open_closed(0, 1);
    else if (kind == "reserve_depeg") b = Bounds::open(-1, 0);
    if (!b.contains(size))
      r.error_at(s.where("size"), key + ".size",
                 "must be in " + b.str() + " for a " + kind + " shock, got " + format_number(size));
  }
}

void add_common_keys(Schema& s, const std::vector<std::string>& protocols) {
  add_run_keys(s, protocols);
  add_market_keys(s);
  s.check(check_shocks);
  s.check(check_stop);
  add_splitting_keys(s);
  s.check(check_splitting);
}

}  // namespace stampede::config
