// KAI end to end on real scenario files: the §9 invariants at every step (the `--check` code
// path) in calm and stressed markets, and a stress scenario raising the depeg probability over
// the baseline on the same seed (issue: "both estimates and intervals printed").
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/driver/driver.hpp"
#include "engine/protocols/kai/kai.hpp"
#include "engine/stats/wilson.hpp"
#include "kai/kai_runs.hpp"

using namespace stampede;
using kai_test::run;

namespace {

struct Estimate {
  std::int64_t count = 0, n = 0;
  WilsonInterval ci;
};

Estimate depeg_probability(const DriverResult& r) {
  Estimate e;
  e.n = static_cast<std::int64_t>(r.paths.size());
  for (const auto& p : r.paths) e.count += p.first_step[kai::e_depeg] >= 0;
  e.ci = wilson(e.count, e.n);
  return e;
}

}  // namespace

TEST_CASE("KAI invariants hold at every step: calm, crash, whale exit, liquidity drain, the sweeps' corners") {
  // check = true: KaiPath::check runs after every step and throws on any breach (KAI supply vs
  // holdings and vs the mint/burn ledger, bKAI, sKAI, LP shares, KUSDT vs external flows,
  // non-negative balances, positive reserves, the debt cap at each purchase, payouts within A,
  // B's and sKAI's changes, the cap_tier ratchet, the round's bond cap, the K15 lock-ups).
  // Every shipped KAI scenario of configs/, at a
  // small size: the stresses keep their shock, moved to day 3 of a 15-day horizon.
  const std::vector<std::string> small = {"agents.count=1500", "horizon=15d"};
  CHECK_NOTHROW(run("kai-smoke.yaml", {}, true, 3));
  {
    INFO("kai.yaml");
    CHECK_NOTHROW(run("kai.yaml", small, true, 3));
  }
  for (const char* stress : {"kai-crash.yaml", "kai-whale-exit.yaml", "kai-liquidity-drain.yaml"}) {
    auto sets = small;
    sets.push_back("market.shocks=[{at: 3d, kind: " +
                   std::string(std::string(stress) == "kai-crash.yaml"        ? "crash, size: -0.5, duration: 1h"
                               : std::string(stress) == "kai-whale-exit.yaml" ? "whale_exit, size: 0.1, duration: 24h"
                                                                              : "liquidity_drain, size: 0.8, duration: 12h") +
                   "}]");
    INFO(stress);
    DriverResult r;
    CHECK_NOTHROW(r = run(stress, sets, true, 3));
  }
  // The sweep files (their base scenario; the sweep block is the sweep command's) at the hardest
  // corner of their grids: the deepest crash and, for the fear grid, the strongest fear weight.
  for (const char* sweep : {"kai-crash-ladder.yaml", "kai-crash-fear-grid.yaml"}) {
    auto sets = small;
    sets.push_back("market.shocks=[{at: 3d, kind: crash, size: -0.6, duration: 1h}]");
    if (std::string(sweep) == "kai-crash-fear-grid.yaml") sets.push_back("agents.holder.sell.w.mkt_ret=-7");
    INFO(sweep);
    DriverResult r;
    CHECK_NOTHROW(r = run(sweep, sets, true, 3));
  }
}

TEST_CASE("the crash stress raises the depeg probability over the calm baseline (same seed)") {
  const std::vector<std::string> common = {"agents.count=5000", "horizon=20d"};
  auto calm_sets = common;
  calm_sets.push_back("market.shocks=[]");
  auto crash_sets = common;
  crash_sets.push_back("market.shocks=[{at: 5d, kind: crash, size: -0.5, duration: 1h}]");
  const Estimate calm = depeg_probability(run("kai-crash.yaml", calm_sets, false, 16));
  const Estimate crash = depeg_probability(run("kai-crash.yaml", crash_sets, false, 16));
  MESSAGE("P(depeg) calm  = " << calm.count << "/" << calm.n << " = " << calm.ci.p << " [" << calm.ci.low << ", "
                              << calm.ci.high << "]");
  MESSAGE("P(depeg) crash = " << crash.count << "/" << crash.n << " = " << crash.ci.p << " [" << crash.ci.low << ", "
                              << crash.ci.high << "]");
  CHECK(crash.count > calm.count);
  CHECK(crash.ci.low > calm.ci.p);  // not a one-path fluke: the crash interval sits above the calm estimate
}
