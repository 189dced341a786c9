// KAI through the engine's machinery (tests/support/engine_checks.hpp): results that do not
// depend on how a run is executed (thread count, shard split, `--check`), `--check` catching a
// corrupted state, and the fused pass's SIMD form against its scalar twin on real states.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/kai/kai.hpp"
#include "engine/protocols/kai/path.hpp"
#include "kai/kai_runs.hpp"
#include "support/engine_checks.hpp"

using namespace stampede;

namespace {

// A small stressed scenario in which events fire within the horizon (so first steps are
// compared, not only −1s): outside LPs pull 80% of their liquidity on day 1.
Scenario small_stressed() {
  return kai_test::scenario("kai-liquidity-drain.yaml",
                            {"agents.count=600", "horizon=4d",
                             "market.shocks=[{at: 1d, kind: liquidity_drain, size: 0.8, duration: 6h}]"});
}

}  // namespace

TEST_CASE("KAI: 1 and 2 threads, and shards 1/2 + 2/2, give bit-identical finals, first steps and series") {
  protocol_test::threads_and_shards_identical<kai::Kai>(small_stressed());
}

TEST_CASE("KAI: --check changes nothing (the early settle gives the same results)") {
  protocol_test::check_changes_nothing<kai::Kai>(small_stressed());
}

TEST_CASE("KAI: a corrupted holding makes --check fail naming the broken invariant") {
  const Scenario sc = kai_test::scenario("kai-smoke.yaml", {"agents.count=500", "horizon=1d"});
  framework::ProtocolModel<kai::Kai> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  for (std::int64_t t = 0; t < 5; ++t) CHECK_NOTHROW(path->step(t, rec));
  const auto& R = path->population().ranges;
  SUBCASE("one KAI more in a holder's wallet: the KAI supply identity") {
    path->protocol().holdings().kai[R[kai::holder].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: KAI: S vs the holdings"),
                         RuntimeFailure);
  }
  SUBCASE("one bKAI more in a bond buyer's wallet: the bKAI supply identity") {
    REQUIRE_FALSE(R[kai::bond_buyer].empty());
    path->protocol().holdings().bkai[R[kai::bond_buyer].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: bKAI: B vs Σ bkai_i"),
                         RuntimeFailure);
  }
}

TEST_CASE("KAI: a corrupted scalar between steps makes --check fail naming the change it breaks") {
  // 15-minute steps: step 5 is inside round 1 (rounds at steps 0, 4, 8), so the round's K19
  // bookkeeping is not reset by a round event before the check.
  const Scenario sc = kai_test::scenario("kai-smoke.yaml", {"agents.count=500", "horizon=1d", "step=15m"});
  framework::ProtocolModel<kai::Kai> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  for (std::int64_t t = 0; t < 5; ++t) CHECK_NOTHROW(path->step(t, rec));
  const auto& R = path->population().ranges;
  kai::KaiState& s = path->protocol().state();
  kai::KaiAgents& a = path->protocol().holdings();
  SUBCASE("one bKAI minted to a holder and to B alike: B = Σ bkai_i holds, its change is no fill") {
    REQUIRE_FALSE(R[kai::bond_buyer].empty());
    s.B += 1.0;
    a.bkai[R[kai::bond_buyer].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec),
                         doctest::Contains("invariant broken at step 5: bKAI: change vs K19 fills − K16 burns"),
                         RuntimeFailure);
  }
  SUBCASE("one sKAI added to a staker and to the supply: its change is no K13 emission") {
    REQUIRE_FALSE(R[kai::staker].empty());
    s.skai_supply += 1.0;
    a.skai[R[kai::staker].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec),
                         doctest::Contains("invariant broken at step 5: sKAI: supply change vs K13 emission"),
                         RuntimeFailure);
  }
  SUBCASE("cap_tier raised") {
    s.cap_tier += 0.01;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: cap_tier never increases"),
                         RuntimeFailure);
  }
  SUBCASE("contraction_left raised inside a round: more bKAI purchasable than contraction_cap·S allows") {
    s.contraction_left += 1.0;
    CHECK_THROWS_WITH_AS(
        path->step(5, rec),
        doctest::Contains("invariant broken at step 5: K19: contraction_left vs contraction_cap·S at the round start − Σ fills"),
        RuntimeFailure);
  }
}

TEST_CASE("KAI: a violating fill fed to --check's record fails naming the rule") {
  const Scenario sc = kai_test::scenario("kai-smoke.yaml", {"agents.count=500", "horizon=1d"});
  framework::ProtocolModel<kai::Kai> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  for (std::int64_t t = 0; t < 5; ++t) CHECK_NOTHROW(path->step(t, rec));
  kai::KaiPath& k = path->protocol();
  // The settled state after step 4, checked again as after a step without fills or emission.
  kai::KaiCheckRecord& c = k.check_record();
  c.bond_fill = c.bkai_burned = c.treasury_paid = c.treasury_A_before = c.skai_emitted = 0;
  const framework::Invariants inv(5);
  REQUIRE_NOTHROW(k.check(inv));
  SUBCASE("a K19 fill taking B past max_debt_ratio·base") {
    c.bond_fill = 1.0;
    c.bond_base = 1000.0;
    c.bond_B_after = 351.0;  // max_debt_ratio 0.35
    CHECK_THROWS_WITH_AS(
        k.check(inv), doctest::Contains("invariant broken at step 5: bKAI: B after a purchase vs max_debt_ratio·base before it"),
        RuntimeFailure);
  }
  SUBCASE("a K16 payout beyond the treasury's A") {
    c.treasury_A_before = 10.0;
    c.treasury_paid = 11.0;
    CHECK_THROWS_WITH_AS(k.check(inv), doctest::Contains("invariant broken at step 5: treasury: K16 payout vs A before it"),
                         RuntimeFailure);
  }
  SUBCASE("K19 fills in a round beyond contraction_cap·S at its start") {
    c.round_fills = c.round_S;
    CHECK_THROWS_WITH_AS(
        k.check(inv), doctest::Contains("invariant broken at step 5: K19: Σ fills this round vs contraction_cap·S at the round start"),
        RuntimeFailure);
  }
  SUBCASE("a claim settled for a staker inside its reward lock-up") {
    const auto st = path->population().ranges[kai::staker];
    REQUIRE_FALSE(st.empty());
    // The staker staked this round (its timer word), so K15 masks its claim for 2 rounds.
    k.holdings().timer[st.begin] = static_cast<std::uint32_t>(k.state().r + kai::kTimerOffsetRounds);
    k.settle<kai::staker>(st.begin, kai::staker_claim, 1.0);
    CHECK_THROWS_WITH_AS(k.check(inv), doctest::Contains("invariant broken at step 5: boardroom: claim or withdraw inside a lock-up, agent"),
                         RuntimeFailure);
  }
}

TEST_CASE("KAI: the fused pass's SIMD form and its scalar twin agree bit for bit on real states") {
  // 30 hourly steps: rounds, fills, exits and re-entries.
  const Scenario sc = kai_test::scenario("kai-smoke.yaml",
                                        protocol_test::busy_sets("1001", "2d", {"holder.sell", "holder.buy", "staker.stake", "staker.claim", "staker.withdraw", "bond_buyer.bond", "bond_buyer.redeem", "bond_buyer.sell", "lp.remove", "lp.add"}, -2));
  protocol_test::simd_matches_scalar<kai::Kai>(
      sc, 30,
      [](const auto& x, const auto& y) {
        kai_test::require_same_agents(x, y);
        kai_test::require_same_state(x, y);
      },
      300, 10);
}

TEST_CASE("KAI: a path continued on its own random branch reproduces itself; a new branch diverges after it") {
  protocol_test::branch_identity<kai::Kai>(kai_test::scenario("kai-smoke.yaml", {"agents.count=300", "horizon=3d"}), 30);
}

TEST_CASE("KAI: a copy of a path's state continues as the path does; on a new branch it has its own future") {
  protocol_test::clone_identity<kai::Kai>(kai_test::scenario("kai-smoke.yaml", {"agents.count=300", "horizon=3d"}), 30);
}

TEST_CASE("KAI depeg score: below the event's rounds until it fires, ordered by run and depth") {
  const int R = 24;
  // The score after rounds at `closed` TWAPs, with the round in progress at `pending`.
  auto after = [&](const std::vector<double>& closed, double pending) {
    kai::DepegObserver d(0.95, R);
    std::int64_t r = 0;
    for (double x : closed) d.observe_round(x, r, r), ++r;
    return d.score(1.0, pending);
  };
  const double edge = 0.94999999;  // just below the level
  CHECK(after({}, std::nan("")) == 0.0);
  CHECK(after({}, 1.01) == 0.0);
  CHECK(after({}, 0.975) == doctest::Approx(0.499 * 0.5));  // half way from the peg to the level
  CHECK(after({0.94, 0.94}, 0.96) < 0.5);                   // the open round ends the run
  // In a run of r rounds (the open one included) at the level's edge: r − 1/2; depth adds the
  // rounds it predicts.
  CHECK(after({}, edge) == doctest::Approx(0.5));
  CHECK(after(std::vector<double>(9, edge), edge) == doctest::Approx(9.5));
  CHECK(after({}, 0.95 * 0.99) == doctest::Approx(R - (R - 0.5) * std::exp(-0.6 / (R - 0.5))));
  CHECK(after({0.7}, 0.7) > after({0.8}, 0.8));
  CHECK(after({0.7, 0.7}, 0.7) > after({0.7}, 0.7));
  CHECK(after({0.76, 0.76, 0.76}, 0.76) > after(std::vector<double>(9, 0.94), 0.94));  // deep and short beats shallow and long
  // Never the level before the event, however deep or whatever the open round; exactly the level
  // once it fired.
  CHECK(after(std::vector<double>(R - 1, 0.0), 0.0) < R);
  CHECK(after(std::vector<double>(R - 1, 0.94), 0.94) > R - 1);
  CHECK(after(std::vector<double>(R, 0.94), 1.0) == R);
  CHECK(after(std::vector<double>(R + 3, 0.99), 0.99) < 0.5);
}
