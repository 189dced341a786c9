// K9 end to end on the shipped scenario files: the §9 invariants at every step (the `--check`
// code path) in every k9 scenario, outputs named as k9.md §8, the state after an emergency stop,
// a finite stock running short, admin changes, and the stress raising P(unlock_drawdown) over the
// calm baseline on the same seed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/driver/driver.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/k9/k9.hpp"
#include "engine/protocols/k9/path.hpp"
#include "k9/k9_runs.hpp"
#include "support/engine_checks.hpp"

using namespace stampede;

namespace {

DriverResult run(const std::string& file, const std::vector<std::string>& sets, bool check, std::int64_t paths) {
  return protocol_test::run<k9::K9>(file, sets, check, paths);
}
using protocol_test::final_of;
std::int64_t count(const DriverResult& r, int event) { return protocol_test::event_count(r, event); }

}  // namespace

TEST_CASE("K9: every shipped k9 scenario holds the §9 invariants at every step (--check)") {
  for (const auto& [file, horizon] : std::vector<std::pair<std::string, std::string>>{
           {"k9.yaml", "10d"}, {"k9-smoke.yaml", "10d"}, {"k9-unlock-crash.yaml", "35d"},
           {"k9-unstake-wave.yaml", "25d"}, {"k9-stop.yaml", "50d"}}) {
    INFO(file);
    const DriverResult r = run(file, {"agents.count=1500", "horizon=" + horizon}, true, 2);
    CHECK(r.paths.size() == 2);
  }
}

TEST_CASE("K9: outputs carry the k9.md §8 names and the model reports <= 112 bytes per agent") {
  auto model = protocol_test::build<k9::K9>(k9_test::scenario("k9-smoke.yaml", {}), false);
  const OutputSchema& s = model->schema();
  for (const char* name : {"price", "price_usd", "pool_knine", "pool_quote", "knine_claimed", "claim_sold",
                           "claim_sold_depth", "unlock_sold", "es_supply", "vesting_es", "claimable", "locked_total",
                           "staked_total", "recalc_count"})
    CHECK(std::count(s.series.begin(), s.series.end(), name) == 1);
  for (const char* name : {"max_drawdown", "unlock_drawdown_depth", "recalc_share", "es_excluded", "claim_sell_share",
                           "stop_knine_paid", "stop_es_returned", "stop_forfeit_knine", "stop_price_change_7d"})
    CHECK(std::count(s.finals.begin(), s.finals.end(), name) == 1);
  for (const char* name : {"unlock_drawdown", "emergency_stop", "stock_shortfall"})
    CHECK(std::count(s.events.begin(), s.events.end(), name) == 1);
  // Holdings: every agent 2 doubles + a float (20 B), vesters and stakers (80%) a double, vesters
  // (50%) 5 doubles + 8 floats (72 B): 62.4 → 63 B. Population: the status byte, h and ρ, bias
  // slots 0–1 for all, 2 for vesters and stakers, 3–6 for vesters, fraction columns 0–1 for all
  // and 2–3 for vesters: 1 + 4·(2 + 2 + 0.8 + 2 + 2 + 1) = 40.2 → 41 B. 104 B in all.
  MESSAGE("k9 bytes per agent: " << model->bytes_per_agent());
  CHECK(model->bytes_per_agent() == 104);
  CHECK(model->bytes_per_agent() <= 112);
}

TEST_CASE("K9: the emergency stop settles every position and ends vesting (N2)") {
  const Scenario sc = k9_test::scenario("k9-stop.yaml", {"agents.count=800", "horizon=20d", "k9.emergency_stop.at=5d"});
  framework::ProtocolModel<k9::K9> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  const std::int64_t stop_step = 5 * 24 - 1;  // the step whose end is day 5
  double U_before = 0;
  for (std::int64_t t = 0; t < 20 * 24; ++t) {
    if (t == stop_step) {
      path->settle();
      for (std::size_t i = 0; i < path->population().ranges[k9::vester].end; ++i)
        U_before += path->protocol().holdings().unvested[i];
    }
    path->step(t, rec);
    if (t >= stop_step) {
      path->settle();
      const auto& h = path->protocol().holdings();
      double U = 0;
      for (std::size_t i = 0; i < path->population().ranges[k9::vester].end; ++i) U += h.unvested[i];
      REQUIRE(U == 0.0);  // no esKNINE vests after the stop, and no deposit reopens a position
      REQUIRE(path->protocol().state().stopped);
    }
  }
  const k9::StopOutcome& out = path->protocol().state().stop;
  CHECK(U_before > 0);
  CHECK(out.es_returned > 0);
  CHECK(out.knine_paid > 0);
  // Forfeited KNINE is v·u at the stop (v = 1 here) and the esKNINE returned is u.
  CHECK(out.forfeit_knine == doctest::Approx(out.es_returned).epsilon(1e-12));
  path->finish(rec);
  const PathResult res = rec.take(0);
  CHECK(res.first_step[k9::e_emergency_stop] == stop_step);
}

TEST_CASE("K9: a finite stock runs short (stock_shortfall, N4's φ) and an unlimited one never does") {
  const DriverResult finite = run("k9-smoke.yaml", {"agents.count=1000", "horizon=6d", "k9.vesting_stock=50000"}, true, 2);
  const DriverResult unlimited = run("k9-smoke.yaml", {"agents.count=1000", "horizon=6d"}, true, 2);
  CHECK(count(finite, k9::e_stock_shortfall) == 2);
  CHECK(count(unlimited, k9::e_stock_shortfall) == 0);
  auto model = protocol_test::build<k9::K9>(k9_test::scenario("k9-smoke.yaml", {}), false);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(final_of(finite, i, model->schema(), "knine_claimed") <= 50000 * (1 + 1e-12));
    CHECK(final_of(unlimited, i, model->schema(), "knine_claimed") > 50000);
  }
}

TEST_CASE("K9: settings changes apply to new deposits only, and change the result (N1)") {
  const DriverResult plain = run("k9-smoke.yaml", {"agents.count=1000", "horizon=6d"}, true, 1);
  const DriverResult changed = run(
      "k9-smoke.yaml", {"agents.count=1000", "horizon=6d", "k9.admin_changes=[{at: 1d, key: vesting_ratio, value: 0.5}]"},
      true, 1);
  auto model = protocol_test::build<k9::K9>(k9_test::scenario("k9-smoke.yaml", {}), false);
  // Old positions keep v = 1; new ones convert at 0.5: less KNINE claimed, the supply rules hold.
  CHECK(final_of(changed, 0, model->schema(), "knine_claimed") < final_of(plain, 0, model->schema(), "knine_claimed"));
}

TEST_CASE("K9: the unlock-and-crash stress raises P(unlock_drawdown) over the calm baseline on the same seed") {
  const DriverResult calm = run("k9.yaml", {"agents.count=3000", "horizon=40d"}, false, 8);
  const DriverResult stress = run("k9-unlock-crash.yaml", {"agents.count=3000", "horizon=40d"}, false, 8);
  MESSAGE("unlock_drawdown: calm " << count(calm, k9::e_unlock_drawdown) << "/8, stress "
                                   << count(stress, k9::e_unlock_drawdown) << "/8");
  CHECK(count(calm, k9::e_unlock_drawdown) == 0);
  CHECK(count(stress, k9::e_unlock_drawdown) >= 6);
}
