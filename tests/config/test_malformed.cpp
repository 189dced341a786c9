// Every kind of bad input gives an InputError whose diagnostic names the right line and key.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "toy_protocol.hpp"

using namespace stampede;
using namespace stampede::config;

namespace {

struct Case {
  const char* what;
  std::string yaml;
  std::string key;
  int line;
  std::string fragment;
};

// Lines 1-2 of most cases; the faulty line is line 3 or later.
const std::string head = "scenario: s\nprotocol: toy\n";

std::vector<Case> cases() {
  return {
      {"yaml syntax", head + "paths: 10: 20\n", "", 3, "YAML syntax error"},
      {"unclosed flow list", head + "toy:\n  tiers: [[0, 0.03]\n", "", 5, "end of sequence flow not found"},
      {"tab indentation", head + "\tpaths: 3\n", "", 3, "tab"},
      {"empty file", "", "", 1, "empty"},
      {"comments only", "# nothing here\n", "", 1, "empty"},
      {"binary garbage", std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10), "", 1, "binary"},
      {"binary later", head + "paths: 3\xff\xfe\n", "", 3, "binary"},
      {"top-level list", "- a\n- b\n", "", 1, "top level must be a mapping"},
      {"top-level scalar", "hello\n", "", 1, "top level must be a mapping"},
      {"two documents", "scenario: s\n---\nprotocol: toy\n", "", 3, "several YAML documents"},
      {"duplicate key", head + "paths: 3\npaths: 4\n", "paths", 4, "duplicate key (first given at line 3)"},
      {"unknown top key", head + "pahts: 3\n", "pahts", 3, "did you mean 'paths'?"},
      {"unknown nested key", head + "toy:\n  treshold: 1\n", "toy.treshold", 4, "did you mean 'toy.threshold'?"},
      {"misplaced key", head + "sd: 5\n", "sd", 3, "did you mean 'market.demand.sd'?"},
      {"string for integer", head + "paths: ten\n", "paths", 3, "expected an integer, got ten"},
      {"quoted number", head + "toy:\n  threshold: \"1.0\"\n", "toy.threshold", 4, "expected a number, got text"},
      {"mapping for scalar", head + "paths: {a: 1}\n", "paths", 3, "got a mapping"},
      {"list for mapping", head + "market: [1, 2]\n", "market", 3, "expected a mapping"},
      {"scalar for section", head + "toy: 5\n", "toy", 3, "expected a mapping"},
      {"above range", head + "toy:\n  threshold: 5\n", "toy.threshold", 4, "must be in (0, 2], got 5"},
      {"open lower end", head + "toy:\n  threshold: 0\n", "toy.threshold", 4, "must be in (0, 2], got 0"},
      {"infinity", head + "toy:\n  threshold: .inf\n", "toy.threshold", 4, "finite"},
      {"nan", head + "market:\n  factor:\n    mu: .nan\n", "market.factor.mu", 5, "finite"},
      {"overflowing real", head + "toy:\n  supply: 1e400\n", "toy.supply", 4, "finite"},
      {"huge integer", head + "paths: 123456789012345678901234\n", "paths", 3, "too large"},
      {"too many paths", head + "paths: 1e8\n", "paths", 3, "must be in [1, 10000000], got 1e8"},
      {"negative count", head + "agents:\n  count: -5\n", "agents.count", 4, "must be in [1, 100000000], got -5"},
      {"fractional integer", head + "paths: 2.5\n", "paths", 3, "whole number"},
      {"null value", head + "paths:\n", "paths", 3, "has no value"},
      {"zero duration", head + "step: 0h\n", "step", 3, "must be positive"},
      {"negative duration", head + "step: -1h\n", "step", 3, "must be positive"},
      {"malformed duration", head + "horizon: 90 days\n", "horizon", 3, "malformed duration"},
      {"duration without unit", head + "step: 3600\n", "step", 3, "unit"},
      {"horizon not multiple of step", head + "step: 7h\n", "horizon", 3, "90d is not a whole multiple of step 7h"},
      {"period not multiple of step", head + "toy:\n  round: 90m\n", "toy.round", 4,
       "90m is not a whole multiple of step 1h"},
      {"unknown dist", head + "agents:\n  init:\n    wealth: {dist: gauss, mean: 1}\n", "agents.init.wealth.dist", 5,
       "unknown distribution"},
      {"missing dist", head + "agents:\n  init:\n    wealth: {mean: 1}\n", "agents.init.wealth", 5, "missing 'dist'"},
      {"missing dist param", head + "agents:\n  init:\n    wealth: {dist: normal, mean: 1, min: 0}\n",
       "agents.init.wealth.sd", 5, "missing parameter"},
      {"extra dist param", head + "agents:\n  init:\n    wealth: {dist: lognormal, sigma: 1, shape: 2}\n",
       "agents.init.wealth.shape", 5, "unknown parameter"},
      {"negative sigma", head + "agents:\n  init:\n    wealth: {dist: lognormal, sigma: -1}\n",
       "agents.init.wealth.sigma", 5, "must be >= 0, got -1"},
      {"beta a <= 0", head + "agents:\n  init:\n    wealth: {dist: beta, a: 0, b: 1}\n", "agents.init.wealth.a", 5,
       "must be > 0"},
      {"low > high", head + "toy:\n  age: {dist: uniform, low: 10d, high: 1d}\n", "toy.age.high", 4, "low"},
      {"draws outside support", head + "agents:\n  init:\n    wealth: {dist: normal, mean: 1, sd: 1}\n",
       "agents.init.wealth", 5, "draws must lie in [0, inf)"},
      {"time dist without units", head + "toy:\n  age: {dist: uniform, low: 0, high: 60}\n", "toy.age.low", 4,
       "unit"},
      {"integer dist", head + "toy:\n  months: {dist: normal, mean: 6, sd: 1}\n", "toy.months", 4, "whole numbers"},
      {"missing required key", "protocol: toy\npaths: 3\n", "scenario", 1, "missing required key"},
      {"unknown protocol", "scenario: s\nprotocol: tyo\n", "protocol", 2, "did you mean 'toy'?"},
      {"missing protocol", "scenario: s\npaths: 3\n", "protocol", 1, "missing required key"},
      {"table row width", head + "toy:\n  tiers: [[0, 0.03], [1e6]]\n", "toy.tiers", 4, "row 2"},
      {"table not ascending", head + "toy:\n  tiers:\n    - [0, 0.03]\n    - [0, 0.02]\n", "toy.tiers", 6, "ascending"},
      {"table cell range", head + "toy:\n  tiers: [[0, 0.5]]\n", "toy.tiers", 4, "must be in [0, 0.1], got 0.5"},
      {"shock at and rate", head + "market:\n  shocks:\n    - {at: 1d, rate: 2, kind: crash, size: -0.4}\n",
       "market.shocks[0]", 5, "exactly one of 'at'"},
      {"shock size by kind", head + "market:\n  shocks:\n    - {at: 1d, kind: crash, size: -1.5}\n",
       "market.shocks[0].size", 5, "must be in (-1, inf) for a crash shock"},
      {"shock kind excluded", head + "market:\n  shocks:\n    - {at: 1d, kind: reserve_depeg, size: -0.1}\n",
       "market.shocks[0].kind", 5, "must be one of"},
      {"shock field typo", head + "market:\n  shocks:\n    - {at: 1d, kidn: crash, size: -0.1}\n",
       "market.shocks[0].kidn", 5, "did you mean 'kind'?"},
      {"shock missing size", head + "market:\n  shocks:\n    - at: 1d\n      kind: demand\n",
       "market.shocks[0].size", 5, "missing required field"},
      {"shock after horizon", head + "market:\n  shocks:\n    - {at: 100d, kind: crash, size: -0.4}\n",
       "market.shocks[0].at", 5, "not before the horizon 90d"},
      {"cross-key rule", head + "toy:\n  supply: 10\n  staked: 20\n", "toy.staked", 5, "exceeds supply"},
      {"bad boolean", head + "toy:\n  enabled: maybe\n", "toy.enabled", 4, "expected true or false"},
      {"bad choice", head + "toy:\n  mode: tierd\n", "toy.mode", 4, "did you mean 'tiered'?"},
  };
}

}  // namespace

TEST_CASE("malformed scenarios are refused with file, line and key") {
  const Registry reg = toy::registry();
  const auto all = cases();
  CHECK(all.size() >= 30);
  for (const auto& c : all) {
    const std::string what = c.what;
    CAPTURE(what);
    bool threw = false;
    try {
      (void)load_text(c.yaml, "bad.yaml", {}, reg);
    } catch (const InputError& e) {
      threw = true;
      bool found = false;
      for (const auto& d : e.diagnostics()) {
        if (d.key == c.key && d.line == c.line && d.file == "bad.yaml" &&
            d.message.find(c.fragment) != std::string::npos)
          found = true;
      }
      if (!found) MESSAGE("diagnostics were:\n" << std::string(e.what()));
      CHECK(found);
    }
    CHECK(threw);
  }
}

TEST_CASE("a required key inside a section is reported at its enclosing mapping") {
  Schema s;
  s.real("pool.fee", 0.003, Bounds::closed(0, 0.1));
  s.real("pool.size", 1, Bounds::above(0)).required();
  try {
    (void)load_text("x: 1\npool:\n  fee: 0.01\n", "f.yaml", {}, s);
    FAIL("no error");
  } catch (const InputError& e) {
    // Two problems, both reported: the unknown key x (line 1) and pool.size (at `pool:`, line 2).
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(e.diagnostics()[0].key == "x");
    CHECK(e.diagnostics()[1].key == "pool.size");
    CHECK(e.diagnostics()[1].line == 2);
    CHECK(e.diagnostics()[1].column == 1);
  }
  try {
    (void)load_text("other: 1\n", "f.yaml", {}, s);
    FAIL("no error");
  } catch (const InputError& e) {
    bool at_top = false;
    for (const auto& d : e.diagnostics()) at_top = at_top || (d.key == "pool.size" && d.line == 1);
    CHECK(at_top);
  }
}
