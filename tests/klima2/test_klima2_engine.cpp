// Klima 2.0 through the engine's machinery (tests/support/engine_checks.hpp): results that do not
// depend on how a run is executed (thread count, shard split, `--check`), `--check` catching a
// corrupted state, and the fused pass's SIMD form against its scalar twin on real states.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/framework/protocol_model.hpp"
#include "klima2/klima2_runs.hpp"
#include "support/engine_checks.hpp"

using namespace stampede;

namespace {

const std::vector<std::string> kActions = {
    "bond_staker.bond", "bond_staker.sell_a", "bond_staker.sell_g", "liquid_holder.sell_a", "liquid_holder.buy_a",
    "liquid_holder.sell_g", "g_staker.stake_g", "g_staker.unstake_g", "g_staker.sell_a", "lp.add", "lp.remove",
    "lp.sell_a", "lp.sell_g"};

// A small stressed scenario with every mechanism inside 4 days: G vesting from hour 12, rolls every
// day, a carbon crash and an AQ drain; events fire (so first steps are compared, not only −1s).
std::vector<std::string> stressed_sets(const std::string& agents, double bias) {
  std::vector<std::string> sets = protocol_test::busy_sets(agents, "4d", kActions, bias);
  for (const char* s : {"klima2.bond.roll_period=1d", "klima2.g.vest_start=12h", "klima2.g.vest_end=500h",
                        "agents.lp.reentry=0.3",
                        "market.shocks=[{at: 1d, kind: carbon_crash, size: -0.6, duration: 12h}, "
                        "{at: 2d, kind: liquidity_drain, target: aq, size: 0.6, duration: 3h}]"})
    sets.emplace_back(s);
  return sets;
}

}  // namespace

TEST_CASE("klima2: 1 and 2 threads, and shards 1/2 + 2/2, give bit-identical finals, first steps and series") {
  protocol_test::threads_and_shards_identical<klima2::Klima2>(
      klima2_test::scenario("klima2-smoke.yaml", stressed_sets("600", -4)));
}

TEST_CASE("klima2: a copy of a path's state continues as the path does; on a new branch it has its own future") {
  protocol_test::clone_identity<klima2::Klima2>(klima2_test::scenario("klima2-smoke.yaml", stressed_sets("600", -4)));
}

TEST_CASE("klima2 price_drawdown score: below 1 until the event, 1 from it on, and close to 1 before it") {
  const double before = protocol_test::score_marks_event<klima2::Klima2>(
      klima2_test::scenario("klima2-aq-flight.yaml", {"agents.count=1000", "horizon=30d"}), 2);
  CHECK(before > 0.5);
}

TEST_CASE("klima2: --check changes nothing (the early settle gives the same results)") {
  protocol_test::check_changes_nothing<klima2::Klima2>(klima2_test::scenario("klima2-smoke.yaml", stressed_sets("600", -4)));
}

TEST_CASE("klima2: a corrupted state makes --check fail naming the broken invariant") {
  const Scenario sc = klima2_test::scenario("klima2-smoke.yaml", {"agents.count=500", "horizon=2d"});
  framework::ProtocolModel<klima2::Klima2> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  for (std::int64_t t = 0; t < 5; ++t) CHECK_NOTHROW(path->step(t, rec));
  const auto& R = path->population().ranges;
  REQUIRE_FALSE(R[klima2::liquid_holder].empty());
  auto& h = path->protocol().holdings();
  SUBCASE("one A more in a holder's wallet: the A total") {
    h.a_liq[R[klima2::liquid_holder].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: A: N_A vs agents"),
                         RuntimeFailure);
  }
  SUBCASE("one USDC more: the USDC total") {
    h.q[R[klima2::liquid_holder].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: USDC"), RuntimeFailure);
  }
  SUBCASE("one G more: the G total") {
    h.g_liq[R[klima2::liquid_holder].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: G: N_Gc"), RuntimeFailure);
  }
  SUBCASE("a bond unit created from nothing: the bucket books") {
    const std::size_t b = R[klima2::bond_staker].begin;
    REQUIRE(h.pos[b] >= 0);
    h.units[b] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("bonds: bucket units"), RuntimeFailure);
  }
  SUBCASE("a tonne lost from the portfolio: carbon by class") {
    path->protocol().state().carbon.liquid[0] -= 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("C: class 1"), RuntimeFailure);
  }
}

TEST_CASE("klima2: the fused pass's SIMD form and its scalar twin agree bit for bit on real states") {
  const Scenario sc = klima2_test::scenario("klima2-smoke.yaml", stressed_sets("1001", -3));
  protocol_test::simd_matches_scalar<klima2::Klima2>(
      sc, 60,
      [](const auto& x, const auto& y) {
        klima2_test::require_same_agents(x, y);
        klima2_test::require_same_state(x, y);
      },
      300, 10);
}
