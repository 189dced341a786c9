// KSN through the engine's machinery (tests/support/engine_checks.hpp): results that do not
// depend on how a run is executed (thread count, shard split, `--check`), `--check` catching a
// corrupted state, and the fused pass's SIMD form against its scalar twin on real states.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/ksn/ksn.hpp"
#include "engine/protocols/ksn/path.hpp"
#include "ksn/ksn_runs.hpp"
#include "support/engine_checks.hpp"

using namespace stampede;

namespace {

// A small stressed scenario in which events fire within the horizon (so first steps are
// compared, not only −1s): rewards from the DCP alone run out within days (rebase_default),
// with rebases, daily bond claims and the settle-only passes they need along the way.
Scenario small_stressed() {
  return ksn_test::scenario("ksn-funding-squeeze.yaml", {"agents.count=600", "horizon=5d"});
}

}  // namespace

TEST_CASE("KSN: 1 and 2 threads, and shards 1/2 + 2/2, give bit-identical finals, first steps and series") {
  protocol_test::threads_and_shards_identical<ksn::Ksn>(small_stressed());
}

TEST_CASE("KSN: --check changes nothing (the early settle gives the same results)") {
  protocol_test::check_changes_nothing<ksn::Ksn>(small_stressed());
}

TEST_CASE("KSN: a corrupted holding makes --check fail naming the broken invariant") {
  const Scenario sc = ksn_test::scenario("ksn-smoke.yaml", {"agents.count=500", "horizon=1d"});
  framework::ProtocolModel<ksn::Ksn> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  for (std::int64_t t = 0; t < 5; ++t) CHECK_NOTHROW(path->step(t, rec));
  const auto& R = path->population().ranges;
  SUBCASE("one KSN more in a trader's wallet: the KSN supply identity") {
    REQUIRE_FALSE(R[ksn::trader].empty());
    path->protocol().holdings().liquid[R[ksn::trader].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: KSN: S vs the holdings"),
                         RuntimeFailure);
  }
  SUBCASE("one USDC more in an LP's wallet: the USDC conservation") {
    REQUIRE_FALSE(R[ksn::lp].empty());
    path->protocol().holdings().usdc[R[ksn::lp].begin] += 1.0;
    CHECK_THROWS_WITH_AS(path->step(5, rec),
                         doctest::Contains("invariant broken at step 5: USDC: agents + pool + treasury vs the external flows"),
                         RuntimeFailure);
  }
}

TEST_CASE("KSN: a violating step fed to --check's record fails naming the rule") {
  const Scenario sc = ksn_test::scenario("ksn-smoke.yaml", {"agents.count=500", "horizon=1d"});
  framework::ProtocolModel<ksn::Ksn> model(sc, ModelOptions{true});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  for (std::int64_t t = 0; t < 5; ++t) CHECK_NOTHROW(path->step(t, rec));
  ksn::KsnPath& k = path->protocol();
  // The settled state after step 4, checked again as after a step with no swap, unstake, bond or rebase.
  ksn::KsnCheckRecord& c = k.check_record();
  c = ksn::KsnCheckRecord{};
  const framework::Invariants inv(5);
  REQUIRE_NOTHROW(k.check(inv));
  SUBCASE("a swap that lowered x·y") {
    c.swap_k_before = 2.0e12;
    c.swap_k_after = 1.9e12;
    CHECK_THROWS_WITH_AS(k.check(inv), doctest::Contains("invariant broken at step 5: pool: x·y after a swap vs before it"),
                         RuntimeFailure);
  }
  SUBCASE("penalties above p_max of the unstaked amount") {
    c.unstaked = 100.0;
    c.penalties = 21.0;  // p_max 0.2
    CHECK_THROWS_WITH_AS(k.check(inv), doctest::Contains("invariant broken at step 5: penalty: Σ pen_i vs p_max·Σ a_i"),
                         RuntimeFailure);
  }
  SUBCASE("a bond payout above π_max·S") {
    c.bonded = true;
    c.payout_S = 1e6;
    c.payout_max = 501.0;  // π_max 0.0005
    CHECK_THROWS_WITH_AS(k.check(inv), doctest::Contains("invariant broken at step 5: bonds: largest payout_i vs π_max·S"),
                         RuntimeFailure);
  }
  SUBCASE("bonds that lowered E = RFV − S") {
    c.bonded = true;
    c.bond_E_before = 1000.0;
    c.bond_E_after = 990.0;
    CHECK_THROWS_WITH_AS(k.check(inv), doctest::Contains("invariant broken at step 5: bonds: E after the bonds vs before"),
                         RuntimeFailure);
  }
  SUBCASE("a surplus mint above φ·max(0, E)") {
    c.rebased = true;
    c.mint_E_before = -5.0;
    c.mint = 1.0;
    CHECK_THROWS_WITH_AS(k.check(inv), doctest::Contains("invariant broken at step 5: mint: M vs φ·max(0, E) before it"),
                         RuntimeFailure);
  }
  SUBCASE("a surplus mint leaving E < 0") {
    c.rebased = true;
    c.mint_E_before = 100.0;
    c.mint = 50.0;
    c.mint_E_after = -1.0;
    CHECK_THROWS_WITH_AS(k.check(inv), doctest::Contains("invariant broken at step 5: mint: E after the mint"), RuntimeFailure);
  }
  SUBCASE("rebase rewards not proportional to g·m_i·q_i (the right total, paid pro rata to q_i)") {
    c.rebased = true;
    c.rebase_W = 1e6;
    c.rebase_g_w2 = 3300.0;  // g·Σ q·m²
    c.rebase_dm = 3000.0;    // Σ Δ_i·m_i of a payout ignoring m_i
    CHECK_THROWS_WITH_AS(k.check(inv), doctest::Contains("invariant broken at step 5: rebase: Σ Δ_i·m_i vs g·Σ q_i·m_i²"),
                         RuntimeFailure);
  }
}

TEST_CASE("KSN: the fused pass's SIMD form and its scalar twin agree bit for bit on real states") {
  // 30 hourly steps: two rebases (a settle-only pass, then the rebase over the settled state) and a
  // daily bond claim.
  const Scenario sc = ksn_test::scenario("ksn-smoke.yaml",
                                        protocol_test::busy_sets("1001", "2d", {"staker.enter", "staker.exit", "bonder.bond", "bonder.stake", "bonder.sell", "bonder.exit", "trader.buy", "trader.sell", "lp.add", "lp.withdraw"}, -3));
  protocol_test::simd_matches_scalar<ksn::Ksn>(
      sc, 30,
      [](const auto& x, const auto& y) {
        ksn_test::require_same_agents(x, y);
        ksn_test::require_same_state(x, y);
      },
      300, 10);
}

TEST_CASE("KSN: a path continued on its own random branch reproduces itself; a new branch diverges after it") {
  protocol_test::branch_identity<ksn::Ksn>(ksn_test::scenario("ksn-smoke.yaml", {"agents.count=300", "horizon=3d"}), 30);
}

TEST_CASE("KSN: a copy of a path's state continues as the path does; on a new branch it has its own future") {
  protocol_test::clone_identity<ksn::Ksn>(ksn_test::scenario("ksn-smoke.yaml", {"agents.count=300", "horizon=3d"}), 30);
}

TEST_CASE("KSN bank-run score: the fall ranks paths before the run; 1 exactly from the event on; 0 with no time left") {
  // A −50% crash on day 1 of 3 at 2,000 agents: a bank run follows within hours in the paths tried.
  const Scenario sc = ksn_test::scenario(
      "ksn-crash.yaml", {"agents.count=2000", "horizon=3d", "market.shocks[0].at=1d", "market.shocks[0].size=-0.5"});
  framework::ProtocolModel<ksn::Ksn> model(sc, ModelOptions{});
  const RunShape shape = run_shape(sc);
  int fired = 0;
  for (std::uint64_t id = 0; id < 4; ++id) {
    auto path = model.make_path(id);
    PathRecorder rec(model.schema(), shape.n_records());
    double before_event_max = 0.0;
    for (std::int64_t t = 0; t < shape.n_steps; ++t) {
      path->step(t, rec);
      const double s = path->score(0);
      std::int64_t first[ksn::kNumEvents];
      path->protocol().events(first);
      const bool happened = first[ksn::e_bank_run] >= 0;
      if (happened) {
        CHECK(s == 1.0);
      } else {
        CHECK(s >= 0.0);
        CHECK(s < 1.0);
        before_event_max = std::max(before_event_max, s);
        if (t == shape.n_steps - 1) CHECK(s == 0.0);  // nothing can happen after the horizon
      }
    }
    std::int64_t first[ksn::kNumEvents];
    path->protocol().events(first);
    if (first[ksn::e_bank_run] >= 0) {
      ++fired;
      // The crash's fall (ln 2 in a day) scored above 0.7 before the unstaking reached the threshold.
      CHECK(before_event_max > 0.7);
    }
  }
  CHECK(fired >= 2);
}

TEST_CASE("KSN: no exited state: a staker that exits acts again the next step, its cost basis unchanged") {
  // Stakers look every step (attention 1) and both their actions are near-certain (bias 30; the
  // enter's signal weights 0, so the crash the exits cause cannot outweigh the bias, and no
  // herding weight on the exit): at a step where a staker holds a stake it enters or exits; after an exit
  // (f = 1: the whole stake unstaked and sold) only `enter` is open, so it enters at the next
  // step. A type with an exited state would hold there instead (re-entry draw) and reset its
  // cost basis on re-entry (agents.md "Exit and re-entry").
  const Scenario sc = ksn_test::scenario(
      "ksn-smoke.yaml", {"agents.count=400", "horizon=1d", "agents.staker.attention=1",
                         "agents.staker.enter.bias={dist: constant, value: 30}",
                         "agents.staker.exit.bias={dist: constant, value: 30}", "agents.staker.exit.w.exit_staker=0",
                         "agents.staker.enter.w.exit_staker=0", "agents.staker.enter.w.yld=0", "agents.staker.enter.w.mom=0",
                         "agents.staker.enter.w.run=0", "agents.staker.enter.w.prem=0", "agents.staker.enter.w.vol=0"});
  framework::ProtocolModel<ksn::Ksn> model(sc, ModelOptions{false});
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  auto path = model.make_path(0);
  const agents::TypeRange stakers = path->population().ranges[ksn::staker];
  REQUIRE_FALSE(stakers.empty());
  const auto& status = path->population().status;
  const auto& cost = path->protocol().holdings().cost;
  const std::vector<float> cost0(cost.begin(), cost.end());  // KS21: the initial wealth
  constexpr std::uint8_t kEnter = ksn::staker_enter + 1, kExit = ksn::staker_exit + 1;  // status action codes

  std::vector<std::uint8_t> before(status.size(), 0);  // the codes read after the previous step (0: none)
  int exits = 0, acted_again = 0;
  for (std::int64_t t = 0; t < sc.n_steps; ++t) {
    path->step(t, rec);
    // A rebase step settles its decisions at once (the codes are cleared): no codes to read there.
    const bool codes_visible = !path->protocol().needs_settled_state(t);
    for (std::size_t i = stakers.begin; i < stakers.end; ++i) {
      CAPTURE(t);
      CAPTURE(i);
      CHECK((status[i] & agents::kExitedBit) == 0);  // never marked exited
      CHECK(protocol_test::same_bits(cost[i], cost0[i]));  // no reset, ever
      const std::uint8_t code = codes_visible ? (status[i] & agents::kActionCodeMask) : 0;
      if (before[i] == kExit && codes_visible) {
        ++exits;
        // The step after its exit the staker decides again, and enters (its only open action).
        CHECK(code == kEnter);
        acted_again += code == kEnter;
      }
      before[i] = code;
    }
  }
  CHECK(exits > 20);
  CHECK(acted_again == exits);
}
