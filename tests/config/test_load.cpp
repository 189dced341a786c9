// Defaults, overrides, did-you-mean text, all errors at once, to_yaml round trip, describe().
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "engine/config/common_schema.hpp"
#include "engine/config/load.hpp"
#include "engine/config/suggest.hpp"
#include "toy_protocol.hpp"

using namespace stampede;
using namespace stampede::config;

namespace {

const std::string minimal = "scenario: s\nprotocol: toy\n";

std::vector<Diagnostic> errors_of(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  try {
    (void)load_text(yaml, "t.yaml", sets, toy::registry());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST_CASE("bounds print as the specs write them") {
  CHECK(Bounds::open_closed(0, 2).str() == "(0, 2]");
  CHECK(Bounds::at_least(0).str() == "[0, inf)");
  CHECK(Bounds::above(-1).str() == "(-1, inf)");
  CHECK(Bounds::closed(1, 1e7).str() == "[1, 10000000]");
  CHECK(Bounds::closed(0, 0.1).str() == "[0, 0.1]");
  CHECK(Bounds{}.str() == "any");
  CHECK(Bounds::open_closed(0, 2).contains(2));
  CHECK_FALSE(Bounds::open_closed(0, 2).contains(0));
  CHECK_FALSE(Bounds::closed(0, 1).contains(std::nan("")));
}

TEST_CASE("edit distance and suggestions") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("pahts", "paths") == 1);  // one swap
  CHECK(edit_distance("", "abc") == 3);
  CHECK(closest("horizn", {"horizon", "step", "seed"}) == std::optional<std::string>("horizon"));
  CHECK_FALSE(closest("zzzzzz", {"horizon", "step"}).has_value());
  CHECK_FALSE(closest("ab", {"xy"}).has_value());  // short words need a near match
}

TEST_CASE("defaults fill every key not given") {
  const Values v = load_text(minimal, "t.yaml", {}, toy::registry());
  CHECK(v.text("scenario") == "s");
  CHECK(v.text("protocol") == "toy");
  CHECK(v.integer("seed") == 1);
  CHECK(v.integer("paths") == 100);
  CHECK(v.duration_s("horizon") == 90 * 86400);
  CHECK(v.duration_s("step") == 3600);
  CHECK(v.integer("agents.count") == 10000);
  const Distribution& w = v.distribution("agents.init.wealth");
  CHECK(w.kind == DistKind::lognormal);
  CHECK(w.a == 0.0);
  CHECK(w.b == 1.0);
  CHECK_FALSE(v.is_set("output.record_every"));
  CHECK(v.duration_s("output.record_every") == 0);
  CHECK(v.integer("output.store_paths") == 16);
  CHECK_FALSE(v.optional_real("stop.ci_half_width").has_value());  // no precision target: exactly `paths`
  CHECK(v.integer("stop.batch") == 100);
  CHECK(v.integer("stop.max_paths") == 100000);
  CHECK(v.integer("market.sub_swaps") == 1);
  CHECK(v.real("market.factor.sigma") == 0.8);
  CHECK(v.real("market.factor.jump_rate") == 4.0);
  CHECK(v.real("market.factor.jump_mu") == -0.05);
  CHECK(v.real("market.factor.jump_sigma") == 0.10);
  CHECK(v.real("market.demand.theta") == 0.05);
  CHECK(v.real("market.demand.sd") == 3000.0);
  CHECK(v.real("market.demand.mean_per_circ") == 4.5e-4);  // the toy protocol's own default
  CHECK(v.boolean("market.demand.scale_with_factor"));
  CHECK(v.records("market.shocks").empty());
  CHECK(v.real("toy.threshold") == 0.995);
  CHECK(v.text("toy.mode") == "fixed");
  CHECK(v.table("toy.tiers") == Table{{0, 0.03}, {1e6, 0.02}});
  CHECK(v.distribution("toy.age").b == 60.0 * 86400);
  CHECK(v.integer("toy.lockup") == 4);
  CHECK(v.given("scenario"));
  CHECK_FALSE(v.given("paths"));
  CHECK(v.where("scenario").line == 1);
  CHECK(v.where("paths").line == 1);  // a default: top of the file
  CHECK_THROWS_AS((void)v.real("paths"), std::logic_error);     // wrong kind
  CHECK_THROWS_AS((void)v.real("no.such"), std::logic_error);  // not in the schema
}

TEST_CASE("given values are typed and located") {
  const std::string yaml = minimal +
                           "paths: 1e6\n"
                           "step: 30m\n"
                           "horizon: 2w\n"
                           "toy:\n"
                           "  threshold: 1.5\n"
                           "  age: {dist: uniform, low: \"0d\", high: \"60d\"}\n"
                           "  months: {dist: uniform_int, low: 6, high: 12}\n"
                           "  tiers: [[0, 0.03], [2e6, 0.015]]\n"
                           "agents:\n"
                           "  init:\n"
                           "    wealth: {dist: lognormal, median: 100, sigma: 0.5, max: 1e6}\n"
                           "market:\n"
                           "  shocks:\n"
                           "    - {at: 3d, kind: crash, size: -0.4}\n"
                           "    - {rate: 2, kind: demand, size: -5e5, duration: 1d}\n";
  const Values v = load_text(yaml, "t.yaml", {}, toy::registry());
  CHECK(v.integer("paths") == 1000000);
  CHECK(v.duration_s("step") == 1800);
  CHECK(v.duration_s("horizon") == 14 * 86400);
  CHECK(v.real("toy.threshold") == 1.5);
  CHECK(v.where("toy.threshold").line == 7);
  CHECK(v.where("toy.threshold").column == 3);
  const auto& age = v.distribution("toy.age");
  CHECK(age.kind == DistKind::uniform);
  CHECK(age.a == 0.0);
  CHECK(age.b == 60.0 * 86400);
  CHECK(v.distribution("toy.months").kind == DistKind::uniform_int);
  const auto& w = v.distribution("agents.init.wealth");
  CHECK(w.a == doctest::Approx(std::log(100.0)).epsilon(1e-15));
  CHECK(w.max == 1e6);
  CHECK(std::isinf(w.min));
  CHECK(v.table("toy.tiers")[1][0] == 2e6);
  const auto& shocks = v.records("market.shocks");
  REQUIRE(shocks.size() == 2);
  CHECK(shocks[0].duration_s("at") == 3 * 86400);
  CHECK(shocks[0].text("kind") == "crash");
  CHECK(shocks[0].real("size") == -0.4);
  CHECK(shocks[0].duration_s("duration") == 1800);  // defaults to step
  CHECK_FALSE(shocks[0].has("rate"));
  CHECK(shocks[1].real("rate") == 2.0);
  CHECK(shocks[1].duration_s("duration") == 86400);
  CHECK(shocks[1].where("size").line == 17);
}

TEST_CASE("--set overrides are validated like the file and located as --set") {
  const Registry reg = toy::registry();
  const Values v = load_text(minimal + "paths: 5\n", "t.yaml",
                             {"paths=500", "toy.threshold=1.25", "agents.init.wealth={dist: normal, mean: 5, sd: 1, min: 0}",
                              "market.demand={sd: 10, theta: 0.1}", "market.shocks=[{at: 1d, kind: whale_exit, size: 0.1}]"},
                             reg);
  CHECK(v.integer("paths") == 500);
  CHECK(v.where("paths").file == "--set");
  CHECK(v.real("toy.threshold") == 1.25);
  CHECK(v.distribution("agents.init.wealth").kind == DistKind::normal);
  CHECK(v.distribution("agents.init.wealth").min == 0.0);
  CHECK(v.real("market.demand.sd") == 10.0);
  CHECK(v.real("market.demand.theta") == 0.1);
  CHECK(v.records("market.shocks").size() == 1);

  auto ds = errors_of(minimal, {"toy.threshold=5"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "--set: toy.threshold: must be in (0, 2], got 5");
  ds = errors_of(minimal, {"pahts=3"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "--set: pahts: unknown key; did you mean 'paths'?");
  ds = errors_of(minimal, {"toy.treshold=1"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message == "unknown key; did you mean 'toy.threshold'?");
  ds = errors_of(minimal, {"paths"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message.find("expected key.path=value") != std::string::npos);
  // Both periods that no longer divide are named, the defaults included.
  ds = errors_of(minimal, {"step=7h"});
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].file == "--set");
  CHECK(ds[0].key == "horizon");
  CHECK(ds[0].message == "90d is not a whole multiple of step 7h");
  CHECK(ds[1].key == "toy.round");
  CHECK(ds[1].message == "1h is not a whole multiple of step 7h");
}

TEST_CASE("--set protocol picks the protocol's keys") {
  const Values v = load_text(minimal, "t.yaml", {"protocol=other"}, toy::registry());
  CHECK(v.text("protocol") == "other");
  CHECK(v.real("other.rate") == 0.5);
  CHECK(v.real("market.demand.mean_per_circ") == 0.0);  // toy's default no longer applies
  CHECK(v.schema().find("toy.threshold") == nullptr);
}

TEST_CASE("all errors of a file are reported, in file order") {
  const std::string yaml = minimal +
                           "pahts: 3\n"                   // 3
                           "toy:\n"                       // 4
                           "  threshold: 7\n"             // 5
                           "  mode: tierd\n"              // 6
                           "step: 0h\n";                  // 7
  const auto ds = errors_of(yaml, {"seed=-1"});
  REQUIRE(ds.size() == 5);
  CHECK(ds[0].str() == "t.yaml:3:1: pahts: unknown key; did you mean 'paths'?");
  CHECK(ds[1].line == 5);
  CHECK(ds[1].key == "toy.threshold");
  CHECK(ds[2].str() == "t.yaml:6:9: toy.mode: must be one of: fixed, tiered; got 'tierd'; did you mean 'tiered'?");
  CHECK(ds[3].str() == "t.yaml:7:7: step: must be positive, got 0h");
  CHECK(ds[4].str() == "--set: seed: must be a whole number in [0, 18446744073709551615], got -1");
  try {
    (void)load_text(yaml, "t.yaml", {}, toy::registry());
  } catch (const InputError& e) {
    const std::string what = e.what();
    CHECK(what.find("pahts") != std::string::npos);
    CHECK(what.find("toy.mode") != std::string::npos);
    CHECK(what.find("step") != std::string::npos);
  }
}

TEST_CASE("an unknown protocol still reports the common keys' errors") {
  const auto ds = errors_of("scenario: s\nprotocol: kia\npaths: 0\nkia:\n  x: 1\n");
  REQUIRE(ds.size() == 2);  // the kia section itself is not judged
  CHECK(ds[0].key == "protocol");
  CHECK(ds[0].message.find("one of: toy, other") != std::string::npos);
  CHECK(ds[1].key == "paths");
}

TEST_CASE("to_yaml writes every key and loads back to the same values") {
  const std::string yaml = minimal +
                           "seed: 42\n"
                           "step: 15m\n"
                           "output:\n  record_every: 1h\n"
                           "toy:\n"
                           "  threshold: 0.1\n"
                           "  staked: 1.0000000000000002\n"
                           "  supply: 3e-7\n"
                           "  age: {dist: normal, mean: 1d, sd: 2h, min: 0d}\n"
                           "  tiers: [[0, 0.03], [1e6, 0.02], [2.5e6, 1e-5]]\n"
                           "agents:\n  init:\n    wealth: {dist: pareto, alpha: 1.5, scale: 0.3}\n"
                           "market:\n  shocks:\n    - {at: 0d, kind: crash, size: -0.4, target: pool}\n"
                           "    - {rate: 0.5, kind: whale_exit, size: 1, duration: 6h}\n";
  const auto reg = toy::registry();
  // staked > supply here: use a supply override so the scenario is valid.
  const Values v = load_text(yaml, "t.yaml", {"toy.supply=2"}, reg);
  const std::string out = v.to_yaml();
  CHECK(out.find("horizon: 90d") != std::string::npos);
  CHECK(out.find("paths: 100") != std::string::npos);
  CHECK(out.find("sub_swaps: 1") != std::string::npos);
  CHECK(out.find("record_every: 1h") != std::string::npos);
  const Values back = load_text(out, "resolved.yaml", {}, reg);
  CHECK(back.same_as(v));
  CHECK(back.real("toy.staked") == 1.0000000000000002);
  CHECK(back.given("paths"));  // every key is written
  CHECK(back.records("market.shocks")[0].text("target") == "pool");
  CHECK(back.records("market.shocks")[0].duration_s("duration") == 900);
  // The defaults alone round-trip too, and an unset duration stays unset.
  const Values d = load_text(minimal, "t.yaml", {}, reg);
  const Values d2 = load_text(d.to_yaml(), "r.yaml", {}, reg);
  CHECK(d2.same_as(d));
  CHECK_FALSE(d2.is_set("output.record_every"));
  CHECK_FALSE(d2.same_as(v));
}

TEST_CASE("load reads a file and names it in diagnostics") {
  const std::string path = std::string(STAMPEDE_BINARY_DIR) + "/test_config_tmp.yaml";
  {
    std::ofstream f(path);
    f << "scenario: file\nprotocol: toy\npaths: -3\n";
  }
  try {
    (void)load(path, {}, toy::registry());
    FAIL("no error");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].str() == path + ":3:8: paths: must be in [1, 10000000], got -3");
  }
  {
    std::ofstream f(path);
    f << "scenario: file\nprotocol: toy\n";
  }
  CHECK(load(path, {}, toy::registry()).text("scenario") == "file");
  std::remove(path.c_str());
  CHECK_THROWS_AS((void)load(path, {}, toy::registry()), InputError);
}

TEST_CASE("describe lists every protocol's keys from the schema") {
  const std::string text = describe(toy::registry());
  auto has = [&](const std::string& s) { return text.find(s) != std::string::npos; };
  CHECK(has("Protocol toy: a fake protocol for tests"));
  CHECK(has("Protocol other"));
  CHECK(has("toy.threshold"));
  CHECK(has("0.995"));
  CHECK(has("(0, 2]"));
  CHECK(has("[KUSDT]"));
  CHECK(has("expansion threshold"));
  CHECK(has("multiple of step"));
  CHECK(has("{dist: lognormal, mu: 0, sigma: 1}"));
  CHECK(has("one of: fixed, tiered"));
  CHECK(has("(common: 0)"));  // toy changes market.demand.mean_per_circ
  CHECK(has("other.rate"));
  // The protocol's line for mean_per_circ shows its own default.
  const auto toy_at = text.find("Protocol toy");
  const auto line_at = text.find("market.demand.mean_per_circ", toy_at);
  REQUIRE(line_at != std::string::npos);
  CHECK(text.substr(line_at, text.find('\n', line_at) - line_at).find("0.00045") != std::string::npos);
  // Keys a protocol leaves alone are listed once, under the common keys.
  CHECK(text.find("market.demand.theta", toy_at) == std::string::npos);
  CHECK(describe(Registry{}).find("No protocols registered") != std::string::npos);
}

TEST_CASE("common keys") {
  Schema s;
  add_common_keys(s, {"kai", "ksn"});
  CHECK(s.find("market.shocks") != nullptr);
  CHECK(s.find("market.demand.scale_with_factor") != nullptr);
  CHECK(s.find("protocol")->choices() == std::vector<std::string>{"kai", "ksn"});
  CHECK(s.find("horizon")->multiple_of() == "step");
  CHECK(shock_kinds() == std::vector<std::string>{"crash", "demand", "whale_exit", "liquidity_drain", "reserve_depeg",
                                                  "carbon_crash"});
  CHECK_THROWS_AS(s.real("paths", 1), std::logic_error);           // declared twice
  CHECK_THROWS_AS(s.real("paths.x", 1), std::logic_error);         // below a key
  CHECK_THROWS_AS(s.param("step").set_default(1.0), std::logic_error);  // wrong kind
  CHECK_THROWS_AS(s.real("x.y", 3, Bounds::closed(0, 1)), std::logic_error);  // default out of range
  // A protocol narrowing a common choice (KSN: ref ma7d | backing).
  s.param("market.demand.ref").set_choices({"ma7d", "backing"}).set_default("ma7d");
  CHECK(std::get<std::string>(s.find("market.demand.ref")->default_value()) == "ma7d");
  s.param("market.sub_swaps").set_default(4);
  CHECK(std::get<std::int64_t>(s.find("market.sub_swaps")->default_value()) == 4);
  s.param("step").set_default("12h");
  CHECK(std::get<std::int64_t>(s.find("step")->default_value()) == 12 * 3600);
}

TEST_CASE("a bare number or duration is a constant distribution") {
  const Values v = load_text(minimal + "toy:\n  months: 7\n  age: 2d\nagents:\n  init:\n    wealth: 3.5\n", "t.yaml",
                             {}, toy::registry());
  CHECK(v.distribution("toy.months").is_constant());
  CHECK(v.distribution("toy.months").a == 7.0);
  CHECK(v.distribution("toy.age").a == 2.0 * 86400);
  CHECK(v.distribution("agents.init.wealth").a == 3.5);
  // Truncation that keeps the draws allowed makes an otherwise unbounded distribution valid.
  const Values t = load_text(minimal + "agents:\n  init:\n    wealth: {dist: normal, mean: 1, sd: 2, min: 0.1}\n",
                             "t.yaml", {}, toy::registry());
  CHECK(t.distribution("agents.init.wealth").min == 0.1);
  CHECK(std::isinf(t.distribution("agents.init.wealth").max));
}
