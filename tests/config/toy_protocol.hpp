#pragma once
// A small fake protocol for the config tests: one key of each kind, a period that must divide
// the step, a cross-key rule, a changed common default and a restricted shock kind list.
#include "engine/config/registry.hpp"
#include "engine/core/duration.hpp"

namespace toy {

using namespace stampede;
using namespace stampede::config;

inline void keys(Schema& s) {
  s.duration("toy.round", "1h", "step").doc("round period");
  s.real("toy.threshold", 0.995, Bounds::open_closed(0, 2)).unit("KUSDT").doc("expansion threshold");
  s.choice("toy.mode", "fixed", {"fixed", "tiered"}).doc("issuance rule");
  s.table("toy.tiers", Table{{0, 0.03}, {1e6, 0.02}},
          TableSpec{{"supply", "cap"}, {Bounds::at_least(0), Bounds::closed(0, 0.1)}, true, 1});
  s.distribution("toy.age", Distribution::uniform(0, 60.0 * kSecondsPerDay), DistSpec{Bounds::at_least(0), true, false});
  s.distribution("toy.months", Distribution::constant(6), DistSpec{Bounds::closed(1, 12), false, true});
  s.integer("toy.lockup", 4, Bounds::closed(0, 42));
  s.boolean("toy.enabled", true);
  s.real("toy.staked", 5e4, Bounds::at_least(0));
  s.real("toy.supply", 1e5, Bounds::above(0));
  s.check([](const Values& v, Reporter& r) {
    if (v.real("toy.staked") > v.real("toy.supply"))
      r.error("toy.staked", "staked " + format_number(v.real("toy.staked")) + " exceeds supply " +
                                format_number(v.real("toy.supply")));
  });
  s.param("market.demand.mean_per_circ").set_default(4.5e-4);
  s.param("market.shocks").field("kind").choices = {"crash", "demand", "whale_exit", "liquidity_drain"};
}

inline void other_keys(Schema& s) { s.real("other.rate", 0.5, Bounds::closed(0, 1)).doc("a rate"); }

inline Registry registry() {
  Registry r;
  r.add("toy", keys, "a fake protocol for tests");
  r.add("other", other_keys);
  return r;
}

}  // namespace toy
