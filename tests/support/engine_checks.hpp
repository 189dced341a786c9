#pragma once
// The engine-machinery checks every protocol passes, written once (engine.md "Paths, randomness,
// determinism"; agents/fused_pass.hpp): results that do not depend on the thread count, the shard
// split or `--check`, and the fused pass's SIMD form equal to its scalar twin on real states.
// A protocol's tests call them with its own scenarios (tests/<protocol>/test_<protocol>_engine.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agents/fused_pass.hpp"
#include "engine/driver/driver.hpp"
#include "engine/driver/shard.hpp"
#include "engine/framework/protocol_model.hpp"
#include "kernels/simd.hpp"
#include "support/protocol_runs.hpp"

namespace protocol_test {

// Event first steps that fired (≥ 0) over every path of a result.
inline std::int64_t events_seen(const DriverResult& r) {
  std::int64_t n = 0;
  for (const auto& p : r.paths)
    for (const auto s : p.first_step) n += s >= 0;
  return n;
}

// Rare-event splitting's copies (engine/driver/splitting.hpp): a path continued on its own
// branch after step `tau` reproduces itself bit for bit (finals, events, the score at every
// step); on a new branch it has the same history up to `tau` and its own afterwards.
template <class P>
void branch_identity(const Scenario& sc, std::int64_t tau) {
  framework::ProtocolModel<P> model(sc, ModelOptions{});
  REQUIRE_FALSE(model.splitting_scores().empty());
  const RunShape shape = run_shape(sc);
  REQUIRE(tau + 1 < shape.n_steps);
  auto run = [&](std::int64_t switch_at, std::uint64_t branch, std::vector<double>& scores) {
    auto path = model.make_path(3);
    PathRecorder rec(model.schema(), shape.n_records());
    for (std::int64_t t = 0; t < shape.n_steps; ++t) {
      if (t == switch_at) path->set_branch(branch);
      path->step(t, rec);
      scores.push_back(path->score(0));
    }
    path->finish(rec);
    return rec.take(3);
  };
  std::vector<double> sa, sb, sc2;
  const PathResult a = run(-1, 0, sa), b = run(tau + 1, 0, sb), c = run(tau + 1, 9, sc2);
  CHECK(same_row(a.finals, b.finals));
  CHECK(a.first_step == b.first_step);
  CHECK(same_row(sa, sb));
  for (std::int64_t t = 0; t <= tau; ++t) CHECK(sa[static_cast<std::size_t>(t)] == sc2[static_cast<std::size_t>(t)]);
  CHECK_FALSE(same_row(a.finals, c.finals));
}

// A protocol's splitting score (docs/rare-events.md): in [0, 1) at every step before its event
// has fired and exactly 1 from the event's step on, checked on `paths` paths of which at least
// one must see the event (so both sides are checked). Returns the largest score seen before an
// event, for the caller's own checks.
template <class P>
double score_marks_event(const Scenario& sc, std::uint64_t paths) {
  framework::ProtocolModel<P> model(sc, ModelOptions{});
  const auto scores = model.splitting_scores();
  REQUIRE_FALSE(scores.empty());
  const std::size_t event = scores[0].event;
  const RunShape shape = run_shape(sc);
  int fired = 0;
  double highest_before = 0.0;
  for (std::uint64_t id = 0; id < paths; ++id) {
    auto path = model.make_path(id);
    PathRecorder rec(model.schema(), shape.n_records());
    std::int64_t first[framework::ProtocolPath<P>::kMaxOutputs];
    for (std::int64_t t = 0; t < shape.n_steps; ++t) {
      path->step(t, rec);
      const double s = path->score(0);
      std::fill(first, first + framework::ProtocolPath<P>::kMaxOutputs, std::int64_t{-1});
      path->protocol().events(first);
      if (first[event] >= 0) {
        CHECK(s == 1.0);
      } else {
        CHECK(s >= 0.0);
        CHECK(s < 1.0);
        highest_before = std::max(highest_before, s);
      }
    }
    fired += first[event] >= 0;
  }
  CHECK(fired > 0);
  return highest_before;
}

// Rare-event splitting's kept states (PathSimulation::clone): a copy of a path taken after step
// `tau` (default: half-way) continues exactly as the path does (finals and events bit for bit),
// the original is not disturbed by the copy, and a copy continued on a new branch has its own future.
template <class P>
void clone_identity(const Scenario& sc, std::int64_t tau = -1) {
  framework::ProtocolModel<P> model(sc, ModelOptions{});
  const RunShape shape = run_shape(sc);
  if (tau < 0) tau = shape.n_steps / 2;
  REQUIRE(tau + 1 < shape.n_steps);
  auto straight = model.make_path(3);
  PathRecorder rs(model.schema(), shape.n_records());
  for (std::int64_t t = 0; t < shape.n_steps; ++t) straight->step(t, rs);
  straight->finish(rs);
  const PathResult reference = rs.take(3);

  auto a = model.make_path(3);
  PathRecorder ra(model.schema(), shape.n_records());
  for (std::int64_t t = 0; t <= tau; ++t) a->step(t, ra);
  std::unique_ptr<PathSimulation> b = a->clone(), c = a->clone();
  REQUIRE(b != nullptr);
  REQUIRE(c != nullptr);
  c->set_branch(9);
  PathRecorder rb(model.schema(), shape.n_records()), rc(model.schema(), shape.n_records());
  for (std::int64_t t = tau + 1; t < shape.n_steps; ++t) {
    c->step(t, rc);  // the new branch first: a shared column would move the others' results
    a->step(t, ra);
    b->step(t, rb);
  }
  a->finish(ra);
  b->finish(rb);
  c->finish(rc);
  const PathResult pa = ra.take(3), pb = rb.take(3), pc = rc.take(3);
  CHECK(same_row(pa.finals, reference.finals));
  CHECK(pa.first_step == reference.first_step);
  CHECK(same_row(pb.finals, reference.finals));
  CHECK(pb.first_step == reference.first_step);
  CHECK_FALSE(same_row(pc.finals, reference.finals));
}

// `agents.count` and a horizon, plus every listed action's bias raised to N(mean, 1) so that
// many agents act each step: fills, full evaluations, exits and re-entries within a few steps.
inline std::vector<std::string> busy_sets(const std::string& agents, const std::string& horizon,
                                          const std::vector<std::string>& actions, double bias_mean) {
  std::vector<std::string> sets = {"agents.count=" + agents, "horizon=" + horizon};
  for (const auto& a : actions)
    sets.push_back("agents." + a + ".bias={dist: normal, mean: " + std::to_string(bias_mean) + ", sd: 1}");
  return sets;
}

// 1 and 2 threads, and shards 1/2 + 2/2, give bit-identical finals, first steps and series, and
// the shards' bands merge to the whole run's. `sc` should make events fire within its horizon
// (checked), so that event steps are compared, not only "never".
template <class P>
void threads_and_shards_identical(const Scenario& sc) {
  const std::int64_t n = 5;
  const std::int64_t store = 3;  // stored series for paths 0–2: across the shard boundary (2 | 3)
  const DriverResult one = run_ids<P>(sc, false, first_ids(n), 1, store);
  const DriverResult two = run_ids<P>(sc, false, first_ids(n), 2, store);
  REQUIRE(one.paths.size() == static_cast<std::size_t>(n));
  CHECK(events_seen(one) > 0);
  CHECK_FALSE(one.paths[0].series.empty());
  CHECK(one.paths[static_cast<std::size_t>(n - 1)].series.empty());
  require_identical(one, two);

  BandSketch merged(static_cast<std::int64_t>(build<P>(sc, false)->schema().series.size()), run_shape(sc).n_records());
  std::size_t row = 0;
  for (std::int64_t k = 1; k <= 2; ++k) {
    const Shard s{k, 2};
    std::vector<std::uint64_t> ids;
    for (auto p = s.first_path(n); p < s.end_path(n); ++p) ids.push_back(p);
    const DriverResult part = run_ids<P>(sc, false, ids, 1, store);
    REQUIRE(part.paths.size() == ids.size());
    for (std::size_t i = 0; i < part.paths.size(); ++i) require_same_path(part, i, two, row++);
    merged.merge(part.bands);
  }
  CHECK(row == static_cast<std::size_t>(n));
  CHECK(merged == two.bands);
}

// `--check` (invariants every step, with the settle-only pass it needs) changes no result.
template <class P>
void check_changes_nothing(const Scenario& sc) {
  const DriverResult plain = run_ids<P>(sc, false, first_ids(3), 2);
  const DriverResult checked = run_ids<P>(sc, true, first_ids(3), 2);
  CHECK(events_seen(plain) > 0);
  require_identical(plain, checked);
}

// Three paths built identically (same scenario, seed and path id): `engine` runs the engine's own
// step; `simd` and `scalar` run ProtocolPath::step_with with the pass instantiated for
// kernels::DefaultArch and for agents::Scalar. `same(x, y)` compares two paths' agent columns and
// protocol state bit for bit (the protocol's own comparison). Use an agent count whose type
// ranges do not start or end on a SIMD batch (e.g. 1001), so the pass's head and tail code runs.
// Not vacuous: at least `min_acted` actions and `min_exits` exits, and the SIMD pass both skipped
// agents and evaluated some in full. The same actions are chosen with and without `--check` (its
// settle-only passes must not move what the agents see).
template <class P, class Same>
void simd_matches_scalar(const Scenario& sc, std::int64_t steps, Same same, std::uint64_t min_acted,
                         std::uint64_t min_exits) {
  std::uint64_t acted_unchecked = 0;
  for (const bool check : {false, true}) {
    INFO("check = " << check);
    framework::ProtocolModel<P> model(sc, ModelOptions{check});
    const std::uint64_t id = 3;
    auto engine = model.make_path(id), simd = model.make_path(id), scalar = model.make_path(id);
    PathRecorder rec(model.schema(), run_shape(sc).n_records());
    std::uint64_t acted_simd = 0, acted_scalar = 0, evaluated_simd = 0, evaluated_scalar = 0, exits = 0;
    for (std::int64_t t = 0; t < steps; ++t) {
      INFO("step " << t);
      engine->step(t, rec);
      const agents::PassCounts ca = simd->template step_with<kernels::DefaultArch>(t);
      const agents::PassCounts cb = scalar->template step_with<agents::Scalar>(t);
      acted_simd += ca.acted;
      acted_scalar += cb.acted;
      for (int k = 0; k < P::kTypes; ++k) CHECK(ca.exits[k] == cb.exits[k]);
      same(*simd, *scalar);
      same(*engine, *simd);  // the twin step is the engine's step
      evaluated_simd += ca.evaluated;
      evaluated_scalar += cb.evaluated;
      for (int k = 0; k < P::kTypes; ++k) exits += ca.exits[k];
    }
    // The last step's fills.
    engine->settle();
    simd->template settle_with<kernels::DefaultArch>();
    scalar->template settle_with<agents::Scalar>();
    same(*simd, *scalar);
    same(*engine, *simd);
    CHECK(acted_simd == acted_scalar);
    if (check) CHECK(acted_simd == acted_unchecked);
    acted_unchecked = acted_simd;
    MESSAGE(std::string(P::kName) << ", check " << check << ": " << acted_simd << " actions, " << exits
                     << " exits, full evaluations SIMD " << evaluated_simd << " vs scalar " << evaluated_scalar);
    CHECK(acted_simd >= min_acted);
    CHECK(exits >= min_exits);
    CHECK(evaluated_simd > 0);
    CHECK(evaluated_simd < evaluated_scalar);
  }
}

}  // namespace protocol_test
