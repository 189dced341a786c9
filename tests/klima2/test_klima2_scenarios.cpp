// Klima 2.0 end to end on the shipped scenario files: the §9 invariants at every step (the
// `--check` code path) in every klima2 scenario, outputs named as klima2.md §8, the memory per
// agent, and the stresses moving the events they are about on the same seed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/driver/driver.hpp"
#include "engine/framework/protocol_model.hpp"
#include "klima2/klima2_runs.hpp"
#include "support/engine_checks.hpp"

using namespace stampede;

namespace {

DriverResult run(const std::string& file, const std::vector<std::string>& sets, bool check, std::int64_t paths) {
  return protocol_test::run<klima2::Klima2>(file, sets, check, paths);
}
using protocol_test::final_of;
std::int64_t count(const DriverResult& r, int event) { return protocol_test::event_count(r, event); }

}  // namespace

TEST_CASE("klima2: every shipped klima2 scenario holds the §9 invariants at every step (--check)") {
  for (const auto& [file, horizon] : std::vector<std::pair<std::string, std::string>>{
           {"klima2.yaml", "12d"}, {"klima2-smoke.yaml", "10d"}, {"klima2-carbon-crash.yaml", "14d"},
           {"klima2-aq-flight.yaml", "14d"}, {"klima2-offset-surge.yaml", "12d"}, {"klima2-mature.yaml", "5d"}}) {
    INFO(file);
    const DriverResult r = run(file, {"agents.count=1500", "horizon=" + horizon}, true, 2);
    CHECK(r.paths.size() == 2);
  }
  // Past launch: G vesting, stakes, incentives and a roll inside the horizon.
  const DriverResult r = run("klima2-smoke.yaml",
                             {"agents.count=1500", "horizon=12d", "klima2.g.vest_start=1d", "klima2.bond.roll_period=4d",
                              "agents.g_staker.stake_g.bias={dist: normal, mean: -4, sd: 1}"},
                             true, 2);
  CHECK(r.paths.size() == 2);
}

TEST_CASE("klima2: outputs carry the klima2.md §8 names and the model reports <= 176 bytes per agent") {
  auto model = protocol_test::build<klima2::Klima2>(klima2_test::scenario("klima2-smoke.yaml", {}), false);
  const OutputSchema& s = model->schema();
  for (const char* name : {"p_a", "p_g", "n_a", "s", "a_cls", "beta", "r_daily", "r_lambda", "inflation_synth",
                           "inflation_net", "backing_pv", "backing_liquid", "nav_a", "aq_a", "aq_q", "ag_a", "ag_g",
                           "n_gc", "g_staked_frac", "incent_treasury", "lambda_gg", "gov_lp_share"})
    CHECK(std::count(s.series.begin(), s.series.end(), name) == 1);
  for (const char* name : {"liquid_run", "lp_flight_aq", "lp_flight_ag", "backing_breach", "price_drawdown", "below_nav",
                           "unpriced_class", "liquidation"})
    CHECK(std::count(s.events.begin(), s.events.end(), name) == 1);
  MESSAGE("klima2 bytes per agent: " << model->bytes_per_agent());
  CHECK(model->bytes_per_agent() <= 176);
}

TEST_CASE("klima2: at launch the curve, the quotes and the G books are the spec's (§5.0)") {
  const Scenario sc = klima2_test::scenario("klima2-smoke.yaml", {"agents.count=2000"});
  framework::ProtocolModel<klima2::Klima2> model(sc, ModelOptions{true});
  auto path = model.make_path(0);
  const auto& k = path->protocol();
  const klima2::Klima2State& s = k.state();
  CHECK(s.n_a == doctest::Approx(20e6));
  CHECK(s.curve.S == doctest::Approx(0.40).epsilon(1e-12));               // bonded_fraction, even over 40
  CHECK(s.a_cls == doctest::Approx(0.25).epsilon(0.02));                   // class_stake_fraction (stratified)
  CHECK(s.beta == 0.0);                                                    // no G staked: β = 0
  CHECK(k.n_gc() == doctest::Approx(9.8e6));                               // 100M − 37.2M − 40M − 13M
  CHECK(s.g.treasury == doctest::Approx(2.8e6));                           // the TGE (I_T = 1)
  CHECK(k.price_a() == doctest::Approx(0.10));
  CHECK(k.price_g_in_a() == doctest::Approx(2.5 / 7.0));                   // 0.357143 A per G
  // aam_mid: NAV_A = A_cls·P_A at 1:1 backing (§11).
  CHECK(k.nav_a() == doctest::Approx(s.a_cls * 0.10).epsilon(1e-9));
}

TEST_CASE("klima2: the carbon crash and the AQ flight move their events over the calm run on the same seed") {
  const std::vector<std::string> small = {"agents.count=4000", "horizon=30d"};
  const DriverResult calm = run("klima2.yaml", small, false, 4);
  const DriverResult flight = run("klima2-aq-flight.yaml", small, false, 4);
  CHECK(count(calm, klima2::e_lp_flight_aq) == 0);
  CHECK(count(flight, klima2::e_lp_flight_aq) == 4);  // the drain alone removes 80% of the agents' shares
  const DriverResult crash = run("klima2-carbon-crash.yaml", small, false, 4);
  auto model = protocol_test::build<klima2::Klima2>(klima2_test::scenario("klima2.yaml", small), false);
  double calm_t = 0, crash_t = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    calm_t += final_of(calm, i, model->schema(), "seller_tonnes");
    crash_t += final_of(crash, i, model->schema(), "seller_tonnes");
  }
  // Stale AAM bids against a crashed carbon market: sellers deliver more (klima2.md §6).
  CHECK(crash_t > 1.3 * calm_t);
}

TEST_CASE("klima2: per-class lists take one value for every class or one per class, else a clear error") {
  const auto pref = [](const std::vector<std::string>& sets) {
    return klima2::Klima2::read(klima2_test::scenario("klima2-smoke.yaml", sets), agents::Behaviour{}).params.class_pref;
  };
  CHECK(pref({}) == std::vector<double>{0.50, 0.20, 0.10, 0.05});
  CHECK(pref({"klima2.class_pref=[1]"}) == std::vector<double>{1, 1, 1, 1});
  CHECK(pref({"klima2.n_classes=2", "klima2.class_pref=[0.3, 0.7]"}) == std::vector<double>{0.3, 0.7});
  CHECK_THROWS_WITH_AS(klima2_test::scenario("klima2-smoke.yaml", {"klima2.class_pref=[0.3, 0.7]"}),
                       doctest::Contains("klima2.class_pref"), InputError);
  CHECK_THROWS_WITH_AS(klima2_test::scenario("klima2-smoke.yaml", {"agents.carbon_seller.rate=[1, 2, 3]"}),
                       doctest::Contains("agents.carbon_seller.rate"), InputError);
  // Launch amounts that cannot be: AG's A beyond the Treasury's 12.5%, G allocations beyond the supply.
  CHECK_THROWS_WITH_AS(klima2_test::scenario("klima2-smoke.yaml", {"klima2.initial.ag_a=5e6"}),
                       doctest::Contains("klima2.initial.ag_a"), InputError);
  CHECK_THROWS_WITH_AS(klima2_test::scenario("klima2-smoke.yaml", {"klima2.g.incentive_pool=9e7"}),
                       doctest::Contains("klima2.g.supply"), InputError);
}

TEST_CASE("klima2: a path started past launch (klima2.start_at) is the launch path's continuation, bit for bit") {
  // The same seed from launch over 5 days, and started at day 3 over 2 days: the daily state series
  // of the second are the first's days 4 and 5 (streams are keyed by the protocol's own step).
  const std::vector<std::string> base = {"agents.count=800", "klima2.g.vest_start=1d", "agents.g_staker.stake_g.bias={dist: normal, mean: -4, sd: 1}"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), base.begin(), base.end());
    return klima2_test::scenario("klima2-smoke.yaml", extra);
  };
  const Scenario launch = with({"horizon=5d"});
  const Scenario later = with({"horizon=2d", "klima2.start_at=3d"});
  const DriverResult a = protocol_test::run_ids<klima2::Klima2>(launch, false, {0}, 1, 1);
  const DriverResult b = protocol_test::run_ids<klima2::Klima2>(later, false, {0}, 1, 1);
  auto model = protocol_test::build<klima2::Klima2>(launch, false);
  const std::size_t n_series = model->schema().series.size();
  const std::size_t na = a.paths[0].series.size() / n_series, nb = b.paths[0].series.size() / n_series;
  REQUIRE(na == nb + 3);  // records are row-major by series: [k·n_records + r]
  for (std::size_t r = 0; r < nb; ++r)
    for (std::size_t k = 0; k < n_series; ++k) {
      CAPTURE(model->schema().series[k]);
      CHECK(protocol_test::same_bits(a.paths[0].series[k * na + (na - nb) + r], b.paths[0].series[k * nb + r]));
    }
  // And the events count from the start: a path started later carries no event of the warm-up.
  const DriverResult c = protocol_test::run_ids<klima2::Klima2>(with({"horizon=1d", "klima2.start_at=3d"}), true, {0, 1}, 2, 0);
  CHECK(c.paths.size() == 2);
}

TEST_CASE("klima2: after a warm-up, scheduled shocks count from the start of the horizon") {
  const Scenario sc = klima2_test::scenario(
      "klima2-smoke.yaml", {"agents.count=800", "horizon=3d", "klima2.start_at=2d",
                            "market.shocks=[{at: 1d, kind: liquidity_drain, target: aq, size: 0.9, duration: 2h}]"});
  const DriverResult r = protocol_test::run_ids<klima2::Klima2>(sc, false, {0, 1}, 2, 0);
  for (const auto& p : r.paths) {
    const std::int64_t first = p.first_step[klima2::e_lp_flight_aq];
    CHECK(first >= 24);  // the drain starts at the horizon's hour 24, not in the warm-up
    CHECK(first < 26);
  }
}

TEST_CASE("klima2 §10.7: a liquidation hands every tonne to the G holders and stops the protocol (KL47)") {
  const Scenario sc = klima2_test::scenario("klima2-smoke.yaml", {"agents.count=600", "horizon=3d", "klima2.g.vest_start=12h"});
  framework::ProtocolModel<klima2::Klima2> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  for (std::int64_t t = 0; t < 48; ++t) path->step(t, rec);  // G has vested to the holders
  path->settle();
  auto& k = path->protocol();
  const klima2::Klima2Agents& h = k.holdings();
  const auto& R = path->population().ranges;
  double tonnes_before = 0, held = 0;
  for (std::size_t i = 0; i < h.tonnes.size(); ++i) tonnes_before += h.tonnes[i];
  for (int c = 0; c < static_cast<int>(k.state().carbon.liquid.size()); ++c)
    held += k.state().carbon.liquid[static_cast<std::size_t>(c)] + k.state().bonds.c_fwd.col(c).sum();
  // A liquid holder with vested G and nothing else that holds G.
  std::size_t j = R[klima2::liquid_holder].begin;
  while (j < R[klima2::liquid_holder].end && !(h.g_liq[j] > 0)) ++j;
  REQUIRE(j < R[klima2::liquid_holder].end);
  const double g_j = h.g_liq[j], tonnes_j = h.tonnes[j], ngc = k.n_gc();
  k.liquidate();
  double tonnes_after = 0;
  for (std::size_t i = 0; i < h.tonnes.size(); ++i) tonnes_after += h.tonnes[i];
  CHECK(k.state().liquidated);
  for (double c : k.state().carbon.liquid) CHECK(c == 0.0);
  CHECK(k.state().bonds.c_fwd.sum() == 0.0);
  // Every tonne went to a G holder: the agents by their G, the rest to the protocol's accounts.
  CHECK(tonnes_after - tonnes_before + k.state().carbon.protocol_tonnes == doctest::Approx(held).epsilon(1e-12));
  CHECK(h.tonnes[j] - tonnes_j == doctest::Approx(held * g_j / ngc).epsilon(1e-12));
  // No protocol event after it: N_A no longer moves by yield, and --check still holds.
  const double n_a = k.state().n_a;
  for (std::int64_t t = 48; t < 72; ++t) CHECK_NOTHROW(path->step(t, rec));
  CHECK(k.state().n_a == n_a);
}

TEST_CASE("klima2 §10.7: a class without selected A has no price: its orders are rejected and counted") {
  // No bonded A selects a class: every A_i = 0, so every order is rejected and unpriced_class fires
  // at the first trade period; the tonnes still yield (S > 0) and count as backing.
  const DriverResult r = run("klima2-smoke.yaml", {"agents.count=1000", "horizon=3d", "klima2.initial.class_stake_fraction=0",
                                                   "agents.bond_staker.class_select_prob=0"},
                             true, 2);
  auto model = protocol_test::build<klima2::Klima2>(klima2_test::scenario("klima2-smoke.yaml", {}), false);
  for (std::size_t i = 0; i < r.paths.size(); ++i) {
    CHECK(r.paths[i].first_step[klima2::e_unpriced_class] == 23);  // the first trade period ends at hour 24
    CHECK(final_of(r, i, model->schema(), "orders_rejected") > 0);
    CHECK(final_of(r, i, model->schema(), "tonnes_bought") == 0.0);
    CHECK(final_of(r, i, model->schema(), "tonnes_yielded") == 0.0);  // A_cls = 0: μ = 0 (KL15)
  }
}

TEST_CASE("klima2 §10.7: the invariants hold for 1000 days of a fixed-seed path (11 rolls, vesting, incentives)") {
  const DriverResult r = run("klima2-smoke.yaml",
                             {"agents.count=600", "step=1d", "horizon=1000d",
                              "agents.g_staker.stake_g.bias={dist: normal, mean: -3, sd: 1}",
                              "agents.lp.add.bias={dist: normal, mean: -3, sd: 1}"},
                             true, 1);
  CHECK(r.paths.size() == 1);
}
