// KAI through the engine's machinery: results that must not depend on how a run is executed
// (thread count, shard split, `--check`), `--check` catching a corrupted state, and the fused
// pass's SIMD form against its scalar twin on real protocol states (engine.md "Paths,
// randomness, determinism"; agents/fused_pass.hpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agents/fused_pass.hpp"
#include "engine/core/errors.hpp"
#include "engine/driver/driver.hpp"
#include "engine/driver/shard.hpp"
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/kai/kai.hpp"
#include "engine/protocols/kai/path.hpp"
#include "kai/kai_runs.hpp"
#include "kernels/simd.hpp"

using namespace stampede;
using kai_test::first_ids;
using kai_test::require_identical;
using kai_test::run_ids;

namespace {

// A small stressed scenario in which events fire within the horizon (so first steps are
// compared, not only −1s): outside LPs pull 80% of their liquidity on day 1.
Scenario small_stressed() {
  return kai_test::scenario("kai-liquidity-drain.yaml",
                            {"agents.count=600", "horizon=4d",
                             "market.shocks=[{at: 1d, kind: liquidity_drain, size: 0.8, duration: 6h}]"});
}

std::int64_t events_seen(const DriverResult& r) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < r.paths.size(); ++i)
    for (std::size_t k = 0; k < r.paths[i].first_step.size(); ++k) n += r.paths[i].first_step[k] >= 0;
  return n;
}

// Every action's bias raised so that many agents act each step: fills, full evaluations,
// exits and re-entries all happen within a few steps.
std::vector<std::string> busy_sets(const char* agents) {
  std::vector<std::string> sets = {std::string("agents.count=") + agents, "horizon=2d"};
  for (const char* a : {"holder.sell", "holder.buy", "staker.stake", "staker.claim", "staker.withdraw",
                        "bond_buyer.bond", "bond_buyer.redeem", "bond_buyer.sell", "lp.remove", "lp.add"})
    sets.push_back(std::string("agents.") + a + ".bias={dist: normal, mean: -2, sd: 1}");
  return sets;
}

}  // namespace

TEST_CASE("KAI: 1 and 2 threads, and shards 1/2 + 2/2, give bit-identical finals, first steps and series") {
  const Scenario sc = small_stressed();
  const std::int64_t n = 5;
  const std::int64_t store = 3;  // stored series for paths 0–2: across the shard boundary (2 | 3)
  const DriverResult one = run_ids(sc, false, first_ids(n), 1, store);
  const DriverResult two = run_ids(sc, false, first_ids(n), 2, store);
  REQUIRE(one.paths.size() == static_cast<std::size_t>(n));
  CHECK(events_seen(one) > 0);  // the comparison covers event steps, not only "never"
  CHECK_FALSE(one.paths[0].series.empty());
  CHECK(one.paths[static_cast<std::size_t>(n - 1)].series.empty());
  require_identical(one, two);

  // Shards: each part equals the matching block of the whole, and the parts' bands merge to the
  // whole's.
  BandSketch merged(static_cast<std::int64_t>(kai_test::build(sc, false)->schema().series.size()),
                    run_shape(sc).n_records());
  std::size_t row = 0;
  for (std::int64_t k = 1; k <= 2; ++k) {
    const Shard s{k, 2};
    std::vector<std::uint64_t> ids;
    for (auto p = s.first_path(n); p < s.end_path(n); ++p) ids.push_back(p);
    const DriverResult part = run_ids(sc, false, ids, 1, store);
    REQUIRE(part.paths.size() == ids.size());
    for (std::size_t i = 0; i < part.paths.size(); ++i) kai_test::require_same_path(part, i, two, row++);
    merged.merge(part.bands);
  }
  CHECK(row == static_cast<std::size_t>(n));
  CHECK(merged == two.bands);
}

TEST_CASE("KAI: --check changes nothing (the early settle gives the same results)") {
  const Scenario sc = small_stressed();
  const DriverResult plain = run_ids(sc, false, first_ids(3), 2);
  const DriverResult checked = run_ids(sc, true, first_ids(3), 2);
  CHECK(events_seen(plain) > 0);
  require_identical(plain, checked);
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

TEST_CASE("KAI: the fused pass's SIMD form and its scalar twin agree bit for bit on real states") {
  // Three paths built identically (same scenario, seed and path id): `engine` runs the engine's
  // own step; `simd` and `scalar` run ProtocolPath::step_with with the pass
  // instantiated for kernels::DefaultArch and for agents::Scalar. 1001 agents: type ranges that
  // do not start or end on a SIMD batch, so the pass's head and tail code runs too.
  for (const bool check : {false, true}) {
    INFO("check = " << check);
    const Scenario sc = kai_test::scenario("kai-smoke.yaml", busy_sets("1001"));
    framework::ProtocolModel<kai::Kai> model(sc, ModelOptions{check});
    const std::uint64_t id = 3;
    auto engine = model.make_path(id), simd = model.make_path(id), scalar = model.make_path(id);
    std::uint64_t acted_simd = 0, acted_scalar = 0;
    PathRecorder rec(model.schema(), run_shape(sc).n_records());
    std::uint64_t evaluated_simd = 0, evaluated_scalar = 0, exits = 0;
    for (std::int64_t t = 0; t < 30; ++t) {
      INFO("step " << t);
      engine->step(t, rec);
      const agents::PassCounts ca = simd->template step_with<kernels::DefaultArch>(t);
      const agents::PassCounts cb = scalar->template step_with<agents::Scalar>(t);
      acted_simd += ca.acted;
      acted_scalar += cb.acted;
      for (int k = 0; k < kai::Kai::kTypes; ++k) CHECK(ca.exits[k] == cb.exits[k]);
      kai_test::require_same_agents(*simd, *scalar);
      kai_test::require_same_state(*simd, *scalar);
      kai_test::require_same_agents(*engine, *simd);  // the twin step is the engine's step
      kai_test::require_same_state(*engine, *simd);
      evaluated_simd += ca.evaluated;
      evaluated_scalar += cb.evaluated;
      for (int k = 0; k < kai::Kai::kTypes; ++k) exits += ca.exits[k];
    }
    // The last step's fills.
    engine->settle();
    simd->template settle_with<kernels::DefaultArch>();
    scalar->template settle_with<agents::Scalar>();
    kai_test::require_same_agents(*simd, *scalar);
    kai_test::require_same_state(*simd, *scalar);
    kai_test::require_same_agents(*engine, *simd);
    CHECK(acted_simd == acted_scalar);
    const std::uint64_t acted = acted_simd;
    // Not vacuous: agents acted (fills to settle), exited, and the SIMD pass both skipped agents
    // and evaluated some in full.
    MESSAGE("check " << check << ": " << acted << " actions, " << exits << " exits, full evaluations SIMD "
                     << evaluated_simd << " vs scalar " << evaluated_scalar);
    CHECK(acted > 300);
    CHECK(exits > 10);
    CHECK(evaluated_simd > 0);
    CHECK(evaluated_simd < evaluated_scalar);
  }
}
