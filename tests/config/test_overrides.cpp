// Command-line overrides against the file (issue 8): the seed's full uint64 range, a file that
// is invalid even where a --set overrides it, keys of features not implemented yet, and --set
// on one item of a record list (`market.shocks[0].size=-0.3`).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/config/load.hpp"
#include "toy_protocol.hpp"

using namespace stampede;
using namespace stampede::config;

namespace {

const std::string minimal = "scenario: s\nprotocol: toy\n";
const std::string with_shock = minimal +                             // lines 1-2
                               "market:\n"                           // 3
                               "  shocks:\n"                         // 4
                               "    - {at: 1d, kind: crash, size: -0.5}\n";  // 5

std::vector<Diagnostic> errors_of(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  try {
    (void)load_text(yaml, "t.yaml", sets, toy::registry());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

bool has(const std::vector<Diagnostic>& ds, const std::string& text) {
  for (const auto& d : ds)
    if (d.str().find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("seed: the whole uint64 range, one rule for the file and --set") {
  const Registry reg = toy::registry();
  constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  const Values v = load_text(minimal + "seed: 18446744073709551615\n", "t.yaml", {}, reg);
  CHECK(v.uint64("seed") == max);
  CHECK(static_cast<std::uint64_t>(v.integer("seed")) == max);  // the bit pattern
  CHECK(v.to_yaml().find("seed: 18446744073709551615\n") != std::string::npos);
  // The resolved YAML loads back to the same seed.
  CHECK(load_text(v.to_yaml(), "r.yaml", {}, reg).uint64("seed") == max);
  CHECK(load_text(minimal, "t.yaml", {"seed=18446744073709551615"}, reg).uint64("seed") == max);
  CHECK(load_text(minimal, "t.yaml", {"seed=9223372036854775808"}, reg).uint64("seed") == 9223372036854775808ull);
  CHECK(load_text(minimal, "t.yaml", {"seed=0"}, reg).uint64("seed") == 0);
  CHECK(load_text(minimal, "t.yaml", {"seed=1e6"}, reg).uint64("seed") == 1000000);

  const std::string rule = "seed: must be a whole number in [0, 18446744073709551615], got ";
  auto ds = errors_of(minimal, {"seed=18446744073709551616"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "--set: " + rule + "18446744073709551616");
  ds = errors_of(minimal, {"seed=-1"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "--set: " + rule + "-1");
  ds = errors_of(minimal + "seed: -1\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "t.yaml:3:7: " + rule + "-1");
  CHECK(errors_of(minimal + "seed: 1.5\n")[0].message.find("[0, 18446744073709551615]") != std::string::npos);
  CHECK(errors_of(minimal + "seed: many\n")[0].message == "expected an integer, got many");
}

TEST_CASE("a file's own invalid value is reported even when a --set overrides it") {
  auto ds = errors_of(minimal + "paths: -5\n", {"paths=3"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "t.yaml:3:8: paths: must be in [1, 10000000], got -5");
  ds = errors_of(minimal + "paths: many\n", {"paths=3"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "t.yaml:3:8: paths: expected an integer, got many");
  // Overridden twice: the file's value is still the one judged, once.
  ds = errors_of(minimal + "seed: -1\n", {"seed=3", "seed=4"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].file == "t.yaml");
  // A valid file value overridden by a valid --set is fine; the --set wins.
  CHECK(load_text(minimal + "paths: 5\n", "t.yaml", {"paths=3", "paths=4"}, toy::registry()).integer("paths") == 4);
}

TEST_CASE("the sweep block is left to the sweep parser; --set cannot set it; stop keys are checked") {
  CHECK_NOTHROW(load_text(minimal + "sweep:\n  grid: {toy.threshold: [1, 1.1]}\n", "t.yaml", {}, toy::registry()));
  auto ds = errors_of(minimal, {"sweep=1"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].key == "sweep");
  CHECK(ds[0].message.find("a sweep block belongs in the scenario file") != std::string::npos);
  CHECK(ds[0].message.find("did you mean") == std::string::npos);
  // A precision target: the half-width in (0, 0.5], max_paths at least paths.
  ds = errors_of(minimal + "stop:\n  ci_half_width: 0.7\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].key == "stop.ci_half_width");
  ds = errors_of(minimal + "paths: 50\nstop:\n  ci_half_width: 0.05\n  max_paths: 10\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].key == "stop.max_paths");
  CHECK(ds[0].message.find("must be at least paths (50") != std::string::npos);
  CHECK(load_text(minimal, "t.yaml", {"stop.ci_half_width=0.02"}, toy::registry()).optional_real("stop.ci_half_width") ==
        0.02);
  // Other unknown keys keep their did-you-mean.
  CHECK(errors_of(minimal, {"stpe=1h"})[0].message == "unknown key; did you mean 'step'?");
}

TEST_CASE("--set list[i].field=value changes one item of a record list, validated like the file") {
  const Registry reg = toy::registry();
  Values v = load_text(with_shock, "t.yaml", {"market.shocks[0].size=-0.3"}, reg);
  REQUIRE(v.records("market.shocks").size() == 1);
  const Record& r = v.records("market.shocks")[0];
  CHECK(r.real("size") == -0.3);
  CHECK(r.where("size").file == "--set");
  CHECK(r.text("kind") == "crash");  // the rest of the item is the file's
  CHECK(r.where("kind").line == 5);
  CHECK(r.duration_s("duration") == 3600);  // defaults still filled in
  CHECK(v.to_yaml().find("{at: 1d, kind: crash, size: -0.3, duration: 1h}") != std::string::npos);

  // The whole item, and an optional field removed (`rate=` with no value) in favour of `at`.
  v = load_text(with_shock, "t.yaml",
                {"market.shocks[0]={rate: 2, kind: demand, size: 5}", "market.shocks[0].rate=",
                 "market.shocks[0].at=2d"},
                reg);
  CHECK(v.records("market.shocks")[0].text("kind") == "demand");
  CHECK_FALSE(v.records("market.shocks")[0].has("rate"));
  CHECK(v.records("market.shocks")[0].duration_s("at") == 2 * 86400);
  // Applied after a --set of the whole list.
  v = load_text(minimal, "t.yaml",
                {"market.shocks=[{at: 1d, kind: crash, size: -0.5}, {at: 2d, kind: demand, size: 1}]",
                 "market.shocks[1].size=2"},
                reg);
  CHECK(v.records("market.shocks")[1].real("size") == 2.0);

  // Refusals: each located as --set and naming the item's path.
  auto ds = errors_of(with_shock, {"market.shocks[0].size=-1.5"});  // cross-key rule (size by kind)
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "--set: market.shocks[0].size: must be in (-1, inf) for a crash shock, got -1.5");
  ds = errors_of(with_shock, {"market.shocks[0].size=big"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "--set: market.shocks[0].size: expected a number, got big");
  ds = errors_of(with_shock, {"market.shocks[1].size=-0.3"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str().rfind("--set: market.shocks[1].size: index 1 is past the end of market.shocks (1 item, index 0)",
                          0) == 0);
  ds = errors_of(minimal, {"market.shocks[0].size=-0.3"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message.find("past the end of market.shocks (an empty list)") != std::string::npos);
  ds = errors_of(with_shock, {"market.shocks[0].sise=-0.3"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "--set: market.shocks[0].sise: unknown field; did you mean 'size'?");
  ds = errors_of(with_shock, {"market.shocks[0].kind=meteor"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].key == "market.shocks[0].kind");
  CHECK(ds[0].message.find("must be one of") != std::string::npos);
  ds = errors_of(with_shock, {"market.shocks[0]={at: 1d, kind: crash}"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str() == "--set: market.shocks[0].size: missing required field");
  ds = errors_of(with_shock, {"market.shocks[-1].size=1"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message.find("whole-number index") != std::string::npos);
  ds = errors_of(with_shock, {"market.shocks[0]size=1"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message.find("whole-number index") != std::string::npos);
  ds = errors_of(minimal, {"paths[0]=1"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].str().rfind("--set: paths: is an integer, not a list of records", 0) == 0);
  ds = errors_of(minimal, {"market.shokcs[0].size=1"});
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message == "unknown key; did you mean 'market.shocks'?");
  // Several problems at once are all reported.
  ds = errors_of(with_shock, {"market.shocks[0].kind=meteor", "market.shocks[3].size=1"});
  CHECK(ds.size() == 2);
  CHECK(has(ds, "index 3 is past the end"));
}
