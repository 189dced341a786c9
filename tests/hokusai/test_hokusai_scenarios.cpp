// Hokusai end to end on the shipped scenario files: the §9 invariants at every step (`--check`)
// in every hokusai scenario, outputs named as hokusai.md §8, the owner's cliff release, the mint
// budget, and the quality shock raising P(redemption_run) over the calm baseline on the same seed.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/driver/driver.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/hokusai/hokusai.hpp"
#include "engine/protocols/hokusai/path.hpp"
#include "hokusai/hokusai_runs.hpp"
#include "support/engine_checks.hpp"

using namespace stampede;

namespace {

DriverResult run(const std::string& file, const std::vector<std::string>& sets, bool check, std::int64_t paths) {
  return protocol_test::run<hokusai::Hokusai>(file, sets, check, paths);
}
using protocol_test::final_of;
std::int64_t count(const DriverResult& r, int event) { return protocol_test::event_count(r, event); }

}  // namespace

TEST_CASE("Hokusai: every shipped hokusai scenario holds the §9 invariants at every step (--check)") {
  for (const auto& [file, horizon] : std::vector<std::pair<std::string, std::string>>{
           {"hokusai.yaml", "10d"}, {"hokusai-smoke.yaml", "10d"}, {"hokusai-quality-shock.yaml", "35d"},
           {"hokusai-access-collapse.yaml", "15d"}, {"hokusai-flat-market.yaml", "10d"}}) {
    INFO(file);
    const DriverResult r = run(file, {"agents.count=1500", "horizon=" + horizon}, true, 2);
    CHECK(r.paths.size() == 2);
  }
}

TEST_CASE("Hokusai: outputs carry the hokusai.md §8 names; one owner; <= 176 bytes per agent") {
  auto model = protocol_test::build<hokusai::Hokusai>(hokusai_test::scenario("hokusai-smoke.yaml", {}), false);
  const OutputSchema& s = model->schema();
  for (const char* name : {"total_supply", "circulating_supply", "burned_total", "minted_total", "daily_mint",
                           "daily_burn", "active_users", "token_velocity", "treasury_health", "treasury_usdc",
                           "improvement_rate", "accuracy", "access_requests", "price", "reserve", "vault"})
    CHECK(std::count(s.series.begin(), s.series.end(), name) == 1);
  for (const char* name : {"max_reserve_drawdown", "min_price", "max_price", "final_price", "final_reserve",
                           "improvements_accepted", "vesting_merges"})
    CHECK(std::count(s.finals.begin(), s.finals.end(), name) == 1);
  for (const char* name : {"redemption_run", "deep_drawdown", "flat_relapse"})
    CHECK(std::count(s.events.begin(), s.events.end(), name) == 1);
  MESSAGE("hokusai bytes per agent: " << model->bytes_per_agent());
  CHECK(model->bytes_per_agent() <= 176);
  framework::ProtocolModel<hokusai::Hokusai> m(hokusai_test::scenario("hokusai-smoke.yaml", {"agents.count=101"}),
                                               ModelOptions{false});
  auto path = m.make_path(0);
  CHECK(path->population().ranges[hokusai::owner].size() == 1);
  CHECK(path->population().ranges[hokusai::contributor].size() + path->population().ranges[hokusai::holder].size() == 100);
  // H1: the owner's 6.4e6 team tokens are in the vault at t0; P0 = R/(w·S) = 1e5/(0.2·2e6).
  CHECK(path->protocol().state().V == doctest::Approx(6.4e6));
  CHECK(path->protocol().state().curve.R / (0.2 * path->protocol().state().curve.S) == doctest::Approx(0.25));
}

TEST_CASE("Hokusai: the team cliff releases nothing before it and the scheduled share at it (H17)") {
  const Scenario sc = hokusai_test::scenario(
      "hokusai-smoke.yaml", {"agents.count=300", "horizon=4d", "hokusai.team_vesting.cliff=2d",
                             "hokusai.team_vesting.duration=10d", "hokusai.improvement.arrivals_per_30d=0"});
  framework::ProtocolModel<hokusai::Hokusai> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  const std::size_t o = path->population().ranges[hokusai::owner].begin;
  const double V0 = path->protocol().unreleased(o);
  for (std::int64_t t = 0; t < 4 * 24; ++t) {
    path->step(t, rec);
    path->settle();
    const double released = V0 - path->protocol().unreleased(o);
    const double end = static_cast<double>(t + 1) * 3600.0;
    if (end < 2 * 86400.0) REQUIRE(released == 0.0);
    else REQUIRE(released == doctest::Approx(V0 * end / (10 * 86400.0)).epsilon(1e-9));
  }
}

TEST_CASE("Hokusai: the mint budget caps improvement mints; unlimited lets them through (H5)") {
  auto model = protocol_test::build<hokusai::Hokusai>(hokusai_test::scenario("hokusai-smoke.yaml", {}), false);
  const auto& finals = model->schema().finals;
  const auto accepted = static_cast<std::size_t>(
      std::find(finals.begin(), finals.end(), "improvements_accepted") - finals.begin());
  const DriverResult capped = run("hokusai-smoke.yaml",
                                  {"agents.count=800", "horizon=20d", "hokusai.improvement.arrivals_per_30d=60"}, true, 2);
  const DriverResult unlimited = run("hokusai-smoke.yaml",
                                     {"agents.count=800", "horizon=20d", "hokusai.improvement.arrivals_per_30d=60",
                                      "hokusai.improvement.mint_budget=null"},
                                     true, 2);
  for (std::size_t i = 0; i < 2; ++i) {
    // 1.5e6 tokens cover a few rewards of ≈ 3.75e5 each; 40 arrivals in 20 days pass far more.
    CHECK(capped.paths[i].finals[accepted] <= 6);
    CHECK(unlimited.paths[i].finals[accepted] > capped.paths[i].finals[accepted]);
  }
}

TEST_CASE("Hokusai: the quality shock raises P(redemption_run) over the calm baseline on the same seed") {
  const DriverResult calm = run("hokusai.yaml", {"agents.count=3000", "horizon=40d"}, false, 8);
  const DriverResult shock = run("hokusai-quality-shock.yaml", {"agents.count=3000", "horizon=40d"}, false, 8);
  MESSAGE("redemption_run: calm " << count(calm, hokusai::e_redemption_run) << "/8, quality shock "
                                  << count(shock, hokusai::e_redemption_run) << "/8");
  CHECK(count(calm, hokusai::e_redemption_run) <= 1);
  CHECK(count(shock, hokusai::e_redemption_run) >= 6);
}

TEST_CASE("Hokusai: no sell before sell_open_at, the outside's included (H11)") {
  // A whale dumps half the outside float on day 1. In a 2-day buy-only period it cannot: the
  // run is bit for bit the run without the whale. Once selling is open, it does.
  const std::vector<std::string> base = {"agents.count=400", "horizon=3d", "hokusai.curve.buy_only_period=2d"};
  auto whale = base;
  whale.push_back("market.shocks=[{at: 1d, kind: whale_exit, size: 0.5, duration: 1h}]");
  const DriverResult quiet = run("hokusai-smoke.yaml", base, true, 2);
  const DriverResult blocked = run("hokusai-smoke.yaml", whale, true, 2);
  protocol_test::require_identical(quiet, blocked);
  auto open = whale;
  open[2] = "hokusai.curve.buy_only_period=1d";
  auto open_quiet = base;
  open_quiet.back() = "hokusai.curve.buy_only_period=1d";
  const DriverResult sold = run("hokusai-smoke.yaml", open, true, 2);
  const DriverResult not_sold = run("hokusai-smoke.yaml", open_quiet, true, 2);
  CHECK_FALSE(protocol_test::same_row(sold.paths[0].finals, not_sold.paths[0].finals));
}
