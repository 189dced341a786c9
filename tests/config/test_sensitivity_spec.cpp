#include <doctest/doctest.h>

#include <cmath>

#include "engine/config/sensitivity_spec.hpp"

using namespace stampede;
using namespace stampede::config;

TEST_CASE("glob_match: * and ? over key paths") {
  CHECK(glob_match("agents.*.sell.w.*", "agents.holder.sell.w.mkt_ret"));
  CHECK(glob_match("agents.*.sell.w.*", "agents.bond_buyer.sell.w.peg_dev"));
  CHECK_FALSE(glob_match("agents.*.sell.w.*", "agents.holder.buy.w.mkt_ret"));
  CHECK(glob_match("agents.holder.*", "agents.holder.temperature"));
  CHECK(glob_match("*mkt_ret", "agents.staker.withdraw.w.mkt_ret"));
  CHECK(glob_match("agents.?older.bias", "agents.holder.bias"));
  CHECK_FALSE(glob_match("agents.holder", "agents.holder.bias"));
  CHECK(glob_match("*", ""));
}

TEST_CASE("sensitivity block: keys, steps, errors located in the file") {
  const std::string head = "scenario: s\nprotocol: kai\n";
  CHECK_FALSE(sensitivity_from_text(head, "f.yaml").present);
  const auto s = sensitivity_from_text(head + "sensitivity:\n  params: [\"agents.*.sell.w.*\"]\n  step: 0.1\n  finals: [min_twap]\n",
                                       "f.yaml");
  CHECK(s.present);
  CHECK(s.patterns == std::vector<std::string>{"agents.*.sell.w.*"});
  CHECK(s.step == 0.1);
  CHECK(s.abs_step == 0.0);
  CHECK(s.finals == std::vector<std::string>{"min_twap"});
  const auto bare = sensitivity_from_text(head + "sensitivity:\n", "f.yaml");
  CHECK(bare.present);
  CHECK(bare.patterns.empty());
  try {
    sensitivity_from_text(head + "sensitivity:\n  stepp: 0.1\n  step: 2\n", "f.yaml");
    FAIL("accepted");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(e.diagnostics()[0].str().rfind("f.yaml:4:3: sensitivity.stepp: unknown key", 0) == 0);
    CHECK(e.diagnostics()[1].key == "sensitivity.step");
  }
  CHECK_THROWS_AS(sensitivity_from_cli(SensitivitySpec{}, {}, -0.5, std::nullopt, {}), InputError);
  const auto cli = sensitivity_from_cli(s, {"agents.holder.*"}, std::nullopt, 0.5, {});
  CHECK(cli.patterns == std::vector<std::string>{"agents.holder.*"});
  CHECK(cli.step == 0.1);
  CHECK(cli.abs_step == 0.5);
}

TEST_CASE("sensitivity values: relative around non-zero values, zero-valued only with abs_step") {
  SensitivitySpec s;
  s.step = 0.25;
  const auto v = sensitivity_values(s, -5.0);
  REQUIRE(v);
  CHECK(v->first == -6.25);
  CHECK(v->second == -3.75);
  CHECK_FALSE(sensitivity_values(s, 0.0));
  s.abs_step = 0.5;
  CHECK(sensitivity_values(s, 0.0)->first == -0.5);
}

namespace {

// A schema with behaviour keys of every distribution kind, and keys that are not behaviour
// parameters (the initial wealth, whole-number and time-valued distributions).
Schema behaviour_schema() {
  Schema s;
  s.real("agents.x.temperature", 1.0, Bounds::above(0));
  s.distribution("agents.x.attention", Distribution::uniform(0.05, 0.25), {Bounds::closed(0, 1)});
  s.distribution("agents.x.sensitivity", Distribution::lognormal(0.0, 0.5), {Bounds::at_least(0)});
  s.distribution("agents.x.sell.bias", Distribution::normal(-8.0, 1.0));
  s.distribution("agents.x.sell.fraction", Distribution::beta(2.0, 5.0), {Bounds::closed(0, 1)});
  s.distribution("agents.x.claim.fraction", Distribution::constant(1.0), {Bounds::closed(0, 1)});
  s.distribution("agents.x.size", Distribution::pareto(2.0, 10.0), {Bounds::above(0)});
  s.distribution("agents.x.months", Distribution::uniform_int(1, 3), DistSpec{Bounds::closed(1, 12), false, true});
  s.distribution("agents.x.wait", Distribution::constant(3600), DistSpec{Bounds::above(0), true, false});
  s.distribution("agents.init.wealth", Distribution::lognormal(0.0, 1.0), {Bounds::above(0)});
  s.distribution("market.noise", Distribution::normal(0.0, 1.0));
  return s;
}

Values load_with(const Schema& s, const std::string& yaml, const std::vector<NodeOverride>& point = {}) {
  LoadOptions o;
  o.point_overrides = point;
  return load_text(yaml, "t.yaml", {}, s, o);
}

}  // namespace

TEST_CASE("behaviour parameters: real keys and each numeric field of a distribution under agents.") {
  const Schema schema = behaviour_schema();
  const Values v = load_with(schema, "agents:\n  x:\n    sell:\n      bias: {dist: normal, mean: -6, sd: 0}\n");
  std::vector<std::string> names;
  for (const auto& p : behaviour_params(v)) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{
                     "agents.x.temperature", "agents.x.attention.low", "agents.x.attention.high",
                     "agents.x.sensitivity.median", "agents.x.sensitivity.sigma", "agents.x.sell.bias.mean",
                     "agents.x.sell.bias.sd", "agents.x.sell.fraction.a", "agents.x.sell.fraction.b",
                     "agents.x.claim.fraction.value", "agents.x.size.alpha", "agents.x.size.scale"});
  const auto ps = behaviour_params(v);
  CHECK(ps[5].key == "agents.x.sell.bias");
  CHECK(ps[5].field == "mean");
  CHECK(ps[5].value == -6.0);
  CHECK(ps[6].value == 0.0);   // sd 0: left out unless abs_step (sensitivity_values)
  CHECK(ps[3].value == 1.0);   // lognormal by its median e^mu
  // Globs select distribution fields.
  int bias = 0;
  for (const auto& p : ps) bias += glob_match("agents.*.sell.bias*", p.name);
  CHECK(bias == 2);
}

TEST_CASE("a moved distribution field is the whole distribution with that field changed, validated on load") {
  const Schema schema = behaviour_schema();
  const std::string yaml = "agents:\n  x:\n    attention: {dist: uniform, low: 0.5, high: 0.9, max: 0.95}\n";
  const Values v = load_with(schema, yaml);
  auto param = [&](const std::string& name) {
    for (const auto& p : behaviour_params(v))
      if (p.name == name) return p;
    FAIL("no parameter " << name);
    return BehaviourParam{};
  };
  auto moved = [&](const std::string& name, double x) {
    const BehaviourParam p = param(name);
    return load_with(schema, yaml, {NodeOverride{p.key, YAML::Load(moved_value_text(v, p, x)), Location{"--params", 0, 0}}});
  };
  const BehaviourParam mean = param("agents.x.sell.bias.mean");
  CHECK(moved_value_text(v, mean, -10) == "{dist: normal, mean: -10, sd: 1}");
  const Distribution b = moved("agents.x.sell.bias.mean", -10).distribution("agents.x.sell.bias");
  CHECK(b.kind == DistKind::normal);
  CHECK(b.a == -10.0);
  CHECK(b.b == 1.0);
  // The truncation bounds are kept; the other field is unchanged.
  CHECK(moved_value_text(v, param("agents.x.attention.low"), 0.375) ==
        "{dist: uniform, low: 0.375, high: 0.9, max: 0.95}");
  CHECK(moved("agents.x.attention.low", 0.375).distribution("agents.x.attention").a == 0.375);
  // A lognormal's median scales it; its unmoved mu is written exactly.
  CHECK(moved_value_text(v, param("agents.x.sensitivity.sigma"), 0.625) == "{dist: lognormal, mu: 0, sigma: 0.625}");
  CHECK(moved("agents.x.sensitivity.median", 1.25).distribution("agents.x.sensitivity").a == doctest::Approx(std::log(1.25)));
  // Out of range: uniform low above high, draws outside [0, 1], a negative sd or beta a are not
  // valid scenarios (the sensitivity runs the baseline on that side and says so).
  CHECK_THROWS_AS(moved("agents.x.attention.low", 0.92), InputError);
  CHECK_THROWS_AS(moved("agents.x.claim.fraction.value", 1.25), InputError);
  CHECK_THROWS_AS(moved("agents.x.sell.bias.sd", -0.5), InputError);
  CHECK_THROWS_AS(moved("agents.x.sell.fraction.a", 0.0), InputError);
  CHECK(moved("agents.x.sell.bias.sd", 0.5).distribution("agents.x.sell.bias").b == 0.5);
}
