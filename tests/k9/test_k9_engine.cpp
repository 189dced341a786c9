// K9 through the engine's machinery (tests/support/engine_checks.hpp): results that do not depend
// on how a run is executed (thread count, shard split, `--check`), `--check` catching a corrupted
// state, and the fused pass's SIMD form against its scalar twin on real states.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/k9/k9.hpp"
#include "engine/protocols/k9/path.hpp"
#include "k9/k9_runs.hpp"
#include "support/engine_checks.hpp"

using namespace stampede;

namespace {

// A small stressed scenario in which events fire within the horizon (so first steps are
// compared, not only −1s): the emergency stop on day 2 and a finite stock that runs short, with
// locks ending within days.
Scenario small_stressed() {
  return k9_test::scenario("k9-smoke.yaml",
                           {"agents.count=600", "horizon=4d", "k9.emergency_stop.at=2d", "k9.vesting_stock=20000",
                            "k9.initial.lock_remaining={dist: uniform, low: 1d, high: 3d}"});
}

}  // namespace

TEST_CASE("K9: 1 and 2 threads, and shards 1/2 + 2/2, give bit-identical finals, first steps and series") {
  protocol_test::threads_and_shards_identical<k9::K9>(small_stressed());
}

TEST_CASE("K9: a copy of a path's state continues as the path does; on a new branch it has its own future") {
  protocol_test::clone_identity<k9::K9>(small_stressed());
}

TEST_CASE("K9 unlock_drawdown score: below 1 until the event, 1 from it on, and close to 1 before it") {
  const double before = protocol_test::score_marks_event<k9::K9>(
      k9_test::scenario("k9-unlock-crash.yaml", {"agents.count=1000", "horizon=32d"}), 2);
  CHECK(before > 0.5);
}

TEST_CASE("K9: --check changes nothing (the early settle gives the same results)") {
  protocol_test::check_changes_nothing<k9::K9>(small_stressed());
}

TEST_CASE("K9: a corrupted holding makes --check fail naming the broken invariant") {
  const Scenario sc = k9_test::scenario("k9-smoke.yaml", {"agents.count=500", "horizon=1d"});
  framework::ProtocolModel<k9::K9> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  for (std::int64_t t = 0; t < 5; ++t) CHECK_NOTHROW(path->step(t, rec));
  const auto& R = path->population().ranges;
  REQUIRE_FALSE(R[k9::vester].empty());
  const std::size_t v = R[k9::vester].begin;
  SUBCASE("one KNINE more in a trader's wallet: the KNINE total") {
    path->protocol().holdings().knine[R[k9::trader].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: KNINE: agents + pool"),
                         RuntimeFailure);
  }
  SUBCASE("one esKNINE more in vesting: the esKNINE supply") {
    path->protocol().holdings().unvested[v] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: esKNINE: supply vs wallets"),
                         RuntimeFailure);
  }
  SUBCASE("a vesting position larger than its collateral") {
    auto& h = path->protocol().holdings();
    const double extra = h.locked[v] + h.staked[v] + 1.0;
    h.unvested[v] += extra;
    path->protocol().state().es_supply += extra;  // keep the supply whole: only the collateral rule breaks
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("b_i·u_i above the collateral"), RuntimeFailure);
  }
}

TEST_CASE("K9: the fused pass's SIMD form and its scalar twin agree bit for bit on real states") {
  // 30 hourly steps with every action likely: deposits, claims, unstakes with recalculation,
  // locks, sells and buys; locks expire from day 1 so withdrawals happen too.
  std::vector<std::string> sets = protocol_test::busy_sets(
      "1001", "2d",
      {"vester.deposit", "vester.claim", "vester.sell", "vester.unstake", "vester.lock", "vester.withdraw_lock",
       "vester.buy", "staker.sell", "staker.unstake", "staker.stake", "trader.sell", "trader.buy"},
      -3);
  sets.push_back("k9.initial.lock_remaining={dist: uniform, low: 1h, high: 2d}");
  const Scenario sc = k9_test::scenario("k9-smoke.yaml", sets);
  protocol_test::simd_matches_scalar<k9::K9>(
      sc, 30,
      [](const auto& x, const auto& y) {
        k9_test::require_same_agents(x, y);
        k9_test::require_same_state(x, y);
      },
      300, 10);
}
