// The protocol framework on its worked example (toyvault.hpp, docs/adding-a-protocol.md): what a
// protocol declares becomes keys, defaults and a Model; the fused pass's SIMD form equals its
// scalar twin; --check neither changes results nor misses a broken invariant; results do not
// depend on the thread count.
#include <doctest/doctest.h>

#include <string>

#include "engine/config/registry.hpp"
#include "framework/toyvault.hpp"
#include "support/protocol_runs.hpp"

using namespace stampede;
using toyvault::ToyVault;

namespace {

const char* kScenario =
    "scenario: toy\nprotocol: toyvault\nseed: 5\npaths: 4\nhorizon: 10d\nstep: 1h\nagents: {count: 997}\n"
    "market: {shocks: [{at: 3d, kind: crash, size: -0.6, duration: 1h}]}\n";

Scenario toy_scenario(const std::vector<std::string>& sets = {}) {
  return load_scenario_text(kScenario, "toy.yaml", sets, protocol_test::registry<ToyVault>());
}

}  // namespace

TEST_CASE("framework: a declaration becomes the behaviour keys with their defaults") {
  const Scenario sc = toy_scenario();
  const auto& v = *sc.values;
  CHECK(v.real("agents.mix.trader") == 0.7);
  CHECK(v.real("agents.trader.reentry") == 0.05);
  CHECK(v.real("agents.trader.sell.w.mom") == -20.0);
  CHECK(v.real("agents.trader.sell.w.exit_frac") == 30.0);
  CHECK(v.real("agents.trader.buy.w.exit_frac") == 0.0);  // every signal has a key for every action
  CHECK(v.real("agents.saver.withdraw.v.pnl") == -2.0);
  CHECK(v.distribution("agents.saver.deposit.bias").a == -4.0);
  CHECK(v.real("toyvault.yield") == 1e-4);
  // The mix must sum to 1, with the error at the first mix key.
  CHECK_THROWS_WITH_AS(toy_scenario({"agents.mix.trader=0.9"}), doctest::Contains("agents.mix"), InputError);
  // `stampede list` text comes from the same declaration.
  const std::string list = config::describe(protocol_test::registry<ToyVault>().config_registry());
  CHECK(list.find("agents.saver.withdraw.bias") != std::string::npos);
  CHECK(list.find("take f_i of the vault back") != std::string::npos);
}

TEST_CASE("framework: step coefficients fill herding signals from the exit shares") {
  const Scenario sc = toy_scenario({"agents.trader.sell.w.exit_frac=2", "agents.saver.withdraw.w.exit_frac=3"});
  const agents::Behaviour b = agents::read_behaviour(*sc.values, ToyVault::behaviour());
  const double signals[agents::kMaxSignals] = {0.0, 0.0, 99.0};  // the engine ignores a herding slot
  const double exit_share[agents::kMaxTypes] = {0.25, 0.5};
  const double lo[agents::kMaxOwn] = {-1.0}, hi[agents::kMaxOwn] = {1.0};
  agents::StepCoefficients co;
  agents::step_coefficients(b, signals, exit_share, lo, hi, co);
  CHECK(co.common[toyvault::trader][toyvault::sell] == 2 * 0.25);  // the trader's own type's share
  CHECK(co.common[toyvault::saver][toyvault::withdraw] == 3 * 0.5);
  CHECK(co.own_max[toyvault::trader][toyvault::sell] == -1.0 * -1.0);  // v = −1 at x = lo
  CHECK(co.own_max[toyvault::saver][toyvault::withdraw] == 2.0);
  CHECK(co.fixed[toyvault::trader][toyvault::sell] == 0.0);  // every toyvault signal is scaled by h_i

  // A signal declared unscaled (SignalDecl::scaled = false) goes to `fixed`, outside h_i's reach.
  agents::Behaviour unscaled = b;
  unscaled.signal[2].scaled = false;  // exit_frac
  agents::step_coefficients(unscaled, signals, exit_share, lo, hi, co);
  CHECK(co.common[toyvault::trader][toyvault::sell] == 0.0);
  CHECK(co.fixed[toyvault::trader][toyvault::sell] == 2 * 0.25);
  CHECK(co.fixed[toyvault::saver][toyvault::withdraw] == 3 * 0.5);
}

TEST_CASE("framework: toyvault runs, its invariants hold, and --check changes nothing") {
  const Scenario sc = toy_scenario();
  const auto ids = protocol_test::first_ids(4);
  const DriverResult checked = protocol_test::run_ids<ToyVault>(sc, true, ids, 2);
  const DriverResult plain = protocol_test::run_ids<ToyVault>(sc, false, ids, 2);
  protocol_test::require_identical(checked, plain);
  const DriverResult one = protocol_test::run_ids<ToyVault>(sc, false, ids, 1);
  protocol_test::require_identical(one, plain);
  int crashes = 0;
  for (const auto& p : plain.paths) crashes += p.first_step[0] >= 0;
  CHECK(crashes > 0);  // the 60% market crash at day 3 sends traders out
}

TEST_CASE("framework: the fused pass's SIMD form and its scalar twin agree bit for bit") {
  const Scenario sc = toy_scenario({"agents.trader.buy.bias={dist: normal, mean: -2, sd: 1}",
                                    "agents.saver.deposit.bias={dist: normal, mean: -2, sd: 1}"});
  framework::ProtocolModel<ToyVault> model(sc, ModelOptions{});
  auto simd = model.make_path(1), scalar = model.make_path(1);
  std::uint64_t acted = 0, evaluated_simd = 0, evaluated_scalar = 0;
  for (std::int64_t t = 0; t < 100; ++t) {
    const agents::PassCounts a = simd->step_with<kernels::DefaultArch>(t);
    const agents::PassCounts b = scalar->step_with<agents::Scalar>(t);
    REQUIRE(a.acted == b.acted);
    REQUIRE(a.exits[0] == b.exits[0]);
    acted += a.acted;
    evaluated_simd += a.evaluated;
    evaluated_scalar += b.evaluated;
  }
  simd->settle();
  scalar->settle_with<agents::Scalar>();
  const auto &x = simd->protocol().holdings(), &y = scalar->protocol().holdings();
  CHECK(protocol_test::same_column(x.toy, y.toy));
  CHECK(protocol_test::same_column(x.usd, y.usd));
  CHECK(protocol_test::same_column(x.vault, y.vault));
  CHECK(protocol_test::same_column(x.cost, y.cost));
  CHECK(protocol_test::same_column(simd->population().status, scalar->population().status));
  CHECK(acted > 1000);
  CHECK(evaluated_simd < evaluated_scalar);  // the skip settled most agents without a full evaluation
}

TEST_CASE("framework: --check names the invariant a corrupted state breaks") {
  const Scenario sc = toy_scenario();
  framework::ProtocolModel<ToyVault> model(sc, ModelOptions{true});
  auto path = model.make_path(0);
  PathRecorder rec(model.schema(), run_shape(sc).n_records());
  for (std::int64_t t = 0; t < 5; ++t) path->step(t, rec);
  path->protocol().holdings().toy[3] += 1.0;
  CHECK_THROWS_WITH_AS(path->step(5, rec), doctest::Contains("invariant broken at step 5: TOY: supply vs the holdings"),
                       RuntimeFailure);
}
