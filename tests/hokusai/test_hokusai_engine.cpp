// Hokusai through the engine's machinery (tests/support/engine_checks.hpp): results that do not
// depend on how a run is executed (thread count, shard split, `--check`), `--check` catching a
// corrupted state, and the fused pass's SIMD form against its scalar twin on real states.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/hokusai/hokusai.hpp"
#include "engine/protocols/hokusai/path.hpp"
#include "hokusai/hokusai_runs.hpp"
#include "support/engine_checks.hpp"

using namespace stampede;

namespace {

// A small stressed scenario in which events fire within the horizon: access demand collapses on
// day 1 and holders redeem eagerly; improvements arrive often (grants, merges into used slots).
Scenario small_stressed() {
  return hokusai_test::scenario(
      "hokusai-smoke.yaml",
      {"agents.count=600", "horizon=5d", "hokusai.improvement.arrivals_per_30d=200", "hokusai.reward_vesting.slots=2",
       "hokusai.team_vesting.cliff=2d", "hokusai.team_vesting.duration=4d",
       "agents.holder.redeem.bias={dist: normal, mean: -6, sd: 0.7}",
       "market.shocks=[{at: 1d, kind: demand, target: access, size: -0.9, duration: 4d}]"});
}

}  // namespace

TEST_CASE("Hokusai: 1 and 2 threads, and shards 1/2 + 2/2, give bit-identical finals, first steps and series") {
  protocol_test::threads_and_shards_identical<hokusai::Hokusai>(small_stressed());
}

TEST_CASE("Hokusai: a copy of a path's state continues as the path does; on a new branch it has its own future") {
  protocol_test::clone_identity<hokusai::Hokusai>(small_stressed());
}

TEST_CASE("Hokusai deep_drawdown score: below 1 until the event, 1 from it on, and close to 1 before it") {
  const double before = protocol_test::score_marks_event<hokusai::Hokusai>(
      hokusai_test::scenario("hokusai-quality-shock.yaml", {"agents.count=1000", "horizon=32d"}), 2);
  CHECK(before > 0.5);
}

TEST_CASE("Hokusai: --check changes nothing (the early settle gives the same results)") {
  protocol_test::check_changes_nothing<hokusai::Hokusai>(small_stressed());
}

TEST_CASE("Hokusai: a corrupted state makes --check fail naming the broken invariant") {
  const Scenario sc = hokusai_test::scenario("hokusai-smoke.yaml", {"agents.count=500", "horizon=1d"});
  framework::ProtocolModel<hokusai::Hokusai> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  for (std::int64_t t = 0; t < 5; ++t) CHECK_NOTHROW(path->step(t, rec));
  const auto& R = path->population().ranges;
  SUBCASE("one token more in a holder's wallet: the token supply") {
    path->protocol().holdings().tok[R[hokusai::holder].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: tokens: S_tot vs"),
                         RuntimeFailure);
  }
  SUBCASE("one USDC more in the reserve: the USDC conservation") {
    path->protocol().state().curve.R += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: USDC:"), RuntimeFailure);
  }
  SUBCASE("a vesting slot released beyond its amount") {
    auto& slot = path->protocol().holdings().slots[0];
    const std::size_t o = R[hokusai::owner].begin;
    slot.released[o] = slot.amount[o] * 2 + 1;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5:"), RuntimeFailure);
  }
}

TEST_CASE("Hokusai: the fused pass's SIMD form and its scalar twin agree bit for bit on real states") {
  // 30 hourly steps with every action likely: sells, redemptions, buys, early withdrawals, with
  // grants arriving (settle-only passes) and the team cliff inside the window.
  std::vector<std::string> sets = protocol_test::busy_sets(
      "1001", "2d", {"contributor.sell", "contributor.early_withdraw", "holder.redeem", "holder.buy"}, -4);
  sets.push_back("hokusai.improvement.arrivals_per_30d=300");
  sets.push_back("hokusai.team_vesting.cliff=10h");
  sets.push_back("hokusai.team_vesting.duration=2d");
  sets.push_back("hokusai.redeem.min_tokens=1");
  const Scenario sc = hokusai_test::scenario("hokusai-smoke.yaml", sets);
  protocol_test::simd_matches_scalar<hokusai::Hokusai>(
      sc, 30,
      [](const auto& x, const auto& y) {
        hokusai_test::require_same_agents(x, y);
        hokusai_test::require_same_state(x, y);
      },
      300, 10);
}
