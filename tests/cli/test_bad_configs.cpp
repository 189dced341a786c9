// Malformed scenarios through the real command: each must exit with status 2, say where
// (file:line) and which key, and leave no output file behind (engine.md "Configuration",
// "Command line"; issue: a table of at least 30 malformed inputs).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_helpers.hpp"

namespace fs = std::filesystem;
using namespace stampede::testing;

namespace {

struct BadConfig {
  const char* name;
  std::string yaml;
  const char* key;   // expected in the message ("" = no key, e.g. syntax errors)
  int line;          // expected line in "file:LINE" (0 = don't check the number)
};

const std::string kHead = "scenario: bad\nprotocol: kai\npaths: 2\nhorizon: 2d\n";  // 4 lines

std::vector<BadConfig> table() {
  return {
      {"yaml syntax error", "scenario: bad\nprotocol: kai\npaths: [1, 2\n", "", 0},
      {"tab indentation / bad mapping", "scenario: bad\nprotocol: kai\n paths: 2\n  horizon: 2d\n", "", 0},
      {"empty file", "", "", 0},
      {"binary garbage", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\x89PNG\r\n\x1a\n", 18), "", 0},
      {"top level is a list", "- 1\n- 2\n", "", 0},
      {"unknown top-level key", kHead + "pahts: 3\n", "pahts", 5},
      {"unknown nested key", kHead + "kai:\n  expansion_treshold: 1.0\n", "kai.expansion_treshold", 6},
      {"unknown protocol", "scenario: bad\nprotocol: kia\n", "protocol", 2},
      {"missing protocol", "scenario: bad\npaths: 2\n", "protocol", 0},
      {"missing scenario name", "protocol: kai\npaths: 2\n", "scenario", 0},
      {"wrong type: string for number", kHead + "kai:\n  peg: one\n", "kai.peg", 6},
      {"wrong type: mapping for number", kHead + "kai:\n  peg: {a: 1}\n", "kai.peg", 6},
      {"wrong type: list for mapping", kHead + "kai: [1, 2]\n", "kai", 5},
      {"negative count", "scenario: bad\nprotocol: kai\nagents:\n  count: -5\n", "agents.count", 4},
      {"zero paths", "scenario: bad\nprotocol: kai\npaths: 0\n", "paths", 3},
      {"huge paths", "scenario: bad\nprotocol: kai\npaths: 99999999999999999999\n", "paths", 3},
      {"huge agent count", "scenario: bad\nprotocol: kai\nagents:\n  count: 1e12\n", "agents.count", 4},
      {"zero step", "scenario: bad\nprotocol: kai\nstep: 0h\n", "step", 3},
      {"malformed duration", "scenario: bad\nprotocol: kai\nhorizon: ninety days\n", "horizon", 3},
      {"horizon not a multiple of step", "scenario: bad\nprotocol: kai\nhorizon: 90d\nstep: 7h\n", "horizon", 3},
      {"round not a multiple of step", kHead + "step: 40m\nkai:\n  round: 1h\n", "kai.round", 7},
      {"out of range threshold", kHead + "kai:\n  expansion_threshold: 5\n", "kai.expansion_threshold", 6},
      {"out of range fee", kHead + "kai:\n  pool:\n    fee: 0.5\n", "kai.pool.fee", 7},
      {"non-finite number", kHead + "kai:\n  peg: .nan\n", "kai.peg", 6},
      {"bad issuance mode", kHead + "kai:\n  issuance_mode: exponential\n", "kai.issuance_mode", 6},
      {"bad distribution kind", kHead + "agents:\n  holder:\n    attention: {dist: gaussian, mean: 0.1}\n",
       "agents.holder.attention", 0},
      {"distribution missing parameter", kHead + "agents:\n  init:\n    wealth: {dist: lognormal}\n",
       "agents.init.wealth", 0},
      {"distribution negative sigma", kHead + "agents:\n  init:\n    wealth: {dist: lognormal, mu: 0, sigma: -1}\n",
       "agents.init.wealth", 0},
      {"uniform low above high", kHead + "agents:\n  holder:\n    attention: {dist: uniform, low: 0.5, high: 0.1}\n",
       "agents.holder.attention", 0},
      {"mix does not sum to 1", kHead + "agents:\n  mix:\n    holder: 0.9\n", "agents.mix", 0},
      {"shock with unknown kind", kHead + "market:\n  shocks:\n    - {at: 1d, kind: meteor, size: -0.5}\n",
       "market.shocks", 0},
      {"shock excluded for kai", kHead + "market:\n  shocks:\n    - {at: 1d, kind: reserve_depeg, size: -0.1}\n",
       "market.shocks", 0},
      {"shock with both at and rate", kHead + "market:\n  shocks:\n    - {at: 1d, rate: 2, kind: crash, size: -0.5}\n",
       "market.shocks", 0},
      {"crash size out of range", kHead + "market:\n  shocks:\n    - {at: 1d, kind: crash, size: -1.5}\n",
       "market.shocks", 0},
      {"staked above sKAI supply", kHead + "kai:\n  initial:\n    board_staked: 2e5\n", "kai.initial.board_staked", 0},
      {"tiers not ascending", kHead + "kai:\n  tiered:\n    tiers: [[1e6, 0.02], [0, 0.03]]\n", "kai.tiered.tiers", 0},
      {"earn-rate min above max", kHead + "kai:\n  bkai_lp:\n    min: 50\n    max: 40\n", "kai.bkai_lp.min", 0},
  };
}

}  // namespace

TEST_CASE("malformed scenarios exit 2 with file:line and key, and write nothing") {
  TempDir dir("badcfg");
  int n = 0;
  for (const auto& c : table()) {
    const std::string file = dir.path("case" + std::to_string(n++) + ".yaml");
    {
      std::ofstream out(file, std::ios::binary);
      out << c.yaml;
    }
    const std::string result = dir.path("out" + std::to_string(n) + ".h5");
    const auto r = run_cli({"run", file, "-o", result, "--quiet"});
    INFO("case: " << std::string(c.name) << "\nstderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(file + ":") != std::string::npos);  // names the file (with a line)
    if (c.line > 0) CHECK(r.err.find(file + ":" + std::to_string(c.line) + ":") != std::string::npos);
    if (*c.key) CHECK(r.err.find(c.key) != std::string::npos);
    CHECK_FALSE(fs::exists(result));
    CHECK_FALSE(fs::exists(result + ".partial"));
    // validate agrees with run.
    CHECK(run_cli({"validate", file}).status == 2);
  }
  CHECK(n >= 30);
}

TEST_CASE("every error of a file is reported, not just the first") {
  TempDir dir("allerrs");
  const std::string file = dir.path("many.yaml");
  std::ofstream(file) << kHead << "kai:\n  peg: 7\n  fixed_rate: -1\n  bogus: 1\n";
  const auto r = run_cli({"validate", file});
  CHECK(r.status == 2);
  CHECK(r.err.find("kai.peg") != std::string::npos);
  CHECK(r.err.find("kai.fixed_rate") != std::string::npos);
  CHECK(r.err.find("kai.bogus") != std::string::npos);
}

TEST_CASE("--set overrides are validated like the file") {
  const auto bad = run_cli({"validate", source_path("configs/kai-smoke.yaml"), "--set", "kai.peg=9"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("kai.peg") != std::string::npos);
  CHECK(bad.err.find("--set") != std::string::npos);
  const auto unknown = run_cli({"validate", source_path("configs/kai-smoke.yaml"), "--set", "kai.pegg=1"});
  CHECK(unknown.status == 2);
  CHECK(unknown.err.find("kai.peg") != std::string::npos);  // did-you-mean
  CHECK(run_cli({"validate", source_path("configs/kai-smoke.yaml"), "--set", "kai.peg=1.01"}).status == 0);
}

// Command-line mistakes a new user makes (issue 8): each exits 2 with a message naming what is
// wrong, and writes nothing.
namespace {

struct BadArgs {
  const char* name;
  std::vector<std::string> args;   // after the executable; "OUT" is replaced by an output path
  std::vector<std::string> says;   // fragments expected on stderr
  std::vector<std::string> not_says = {};
};

std::vector<BadArgs> arg_table(const std::string& dir) {
  const std::string smoke = source_path("configs/kai-smoke.yaml");
  const std::string ksn = source_path("configs/ksn-smoke.yaml");
  const std::string range = "must be a whole number in [0, 18446744073709551615], got ";
  return {
      // 2: one rule for --seed and --set seed=: the full uint64 range, else an error.
      {"--seed -1", {"run", smoke, "-o", "OUT", "--seed", "-1"}, {"--seed: " + range + "-1"}},
      {"--seed=-1", {"run", smoke, "-o", "OUT", "--seed=-1"}, {"--seed: " + range + "-1"}},
      {"--seed past uint64", {"run", smoke, "-o", "OUT", "--seed", "18446744073709551616"},
       {"--seed: " + range + "18446744073709551616"}},
      {"--seed not a number", {"run", smoke, "-o", "OUT", "--seed", "7x"}, {"--seed: " + range + "7x"}},
      {"--set seed past uint64", {"run", smoke, "-o", "OUT", "--set", "seed=18446744073709551616"},
       {"--set: seed: " + range + "18446744073709551616"}},
      // 3
      {"--paths 0", {"run", smoke, "-o", "OUT", "--paths", "0"}, {"--paths: must be a positive integer, got 0"}},
      {"validate --paths 0", {"validate", smoke, "--paths", "0"}, {"--paths: must be a positive integer, got 0"}},
      // 4: the file's own paths: is judged even when --paths overrides it.
      {"file paths invalid, --paths given", {"run", dir + "/negative-paths.yaml", "-o", "OUT", "--paths", "2"},
       {dir + "/negative-paths.yaml:3:8: paths: must be in [1, 10000000], got -5"}},
      {"file paths not a number, --paths given", {"validate", dir + "/many-paths.yaml", "--paths", "2"},
       {dir + "/many-paths.yaml:3:8: paths: expected an integer, got many"}},
      // 6
      {"plot of a scenario file", {"plot", smoke}, {"not an HDF5 file"}, {"subcommand is required"}},
      {"sweep without a sweep block", {"sweep", smoke}, {"has no sweep: block; give --over KEY=[v1, v2, ...]"}},
      {"unknown command", {"plto", smoke},
       {"unknown command 'plto'; did you mean 'plot'?", "run, sweep, sensitivity, validate, report, merge, list, plot"}},
      {"misspelt command", {"rnu", smoke}, {"unknown command 'rnu'; did you mean 'run'?"}},
      {"no command", {}, {"a command is required", "run, sweep, sensitivity, validate, report, merge, list, plot"}},
      // 7: the sweep block and the precision target are checked like every key.
      {"malformed sweep block", {"validate", dir + "/sweep.yaml"},
       {"sweep.kai.peg: unknown key (expected grid, points, compare)"}, {"did you mean"}},
      {"sweep point value out of range", {"validate", dir + "/sweep-bad-point.yaml"},
       {dir + "/sweep-bad-point.yaml:5:37: kai.expansion_threshold: must be in"}},
      {"--over with an unknown key", {"sweep", smoke, "-o", "OUT", "--over", "kai.pegg=[1, 1.01]"},
       {"--over: kai.pegg: unknown key; did you mean 'kai.peg'?"}},
      {"--compare naming no point", {"sweep", smoke, "-o", "OUT", "--over", "kai.peg=[1, 1.01]", "--compare", "x,0"},
       {"no point named 'x'"}},
      {"--set stop.ci_half_width out of range", {"run", smoke, "-o", "OUT", "--set", "stop.ci_half_width=0.7"},
       {"--set: stop.ci_half_width: must be in (0, 0.5]"}},
      {"precision target with --shard", {"run", smoke, "-o", "OUT", "--ci-half-width", "0.1", "--shard", "1/2"},
       {"cannot be split into shards"}},
      // 8
      {"missing output directory", {"run", smoke, "-o", dir + "/no/such/dir/out.h5", "--paths", "1"},
       {"output directory " + dir + "/no/such/dir does not exist"}, {"runtime failure", "checkpoint"}},
      {"merge into a missing directory", {"merge", dir + "/a.h5", "-o", dir + "/no/such/dir/m.h5"},
       {"output directory " + dir + "/no/such/dir does not exist"}},
      // 9
      {"empty shard", {"run", smoke, "-o", "OUT", "--paths", "8", "--shard", "1/16"},
       {"--shard 1/16: shard 1 of 16 holds no paths (8 paths in 16 shards); use at most 8 shards"}},
      // 12: --set on a list item; an index past the end is an error.
      {"--set list index past the end", {"run", smoke, "-o", "OUT", "--set", "market.shocks[0].size=-0.3"},
       {"--set: market.shocks[0].size: index 0 is past the end of market.shocks (an empty list)"}},
      {"--set list item invalid", {"validate", source_path("configs/kai-crash.yaml"), "--set", "market.shocks[0].size=-1.3"},
       {"--set: market.shocks[0].size: must be in (-1, inf) for a crash shock, got -1.3"}},
      // Also: an InputError raised while a path starts (inside the TBB driver) is bad input.
      {"bad input found when a path starts", {"run", ksn, "-o", "OUT", "--paths", "1", "--set", "agents.count=1"},
       {"stampede: error: ", "agents must exist"}, {"runtime failure", "step -1"}},
  };
}

}  // namespace

TEST_CASE("command-line mistakes exit 2 with a clear message and write nothing") {
  TempDir dir("badargs");
  const std::string d = dir.path("");
  const std::string base = d.substr(0, d.size() - 1);  // without the trailing '/'
  std::ofstream(dir.path("negative-paths.yaml")) << "scenario: neg\nprotocol: kai\npaths: -5\nhorizon: 1d\n";
  std::ofstream(dir.path("many-paths.yaml")) << "scenario: many\nprotocol: kai\npaths: many\nhorizon: 1d\n";
  std::ofstream(dir.path("sweep.yaml")) << "scenario: sw\nprotocol: kai\nsweep:\n  kai.peg: [1, 1.01]\n";
  std::ofstream(dir.path("sweep-bad-point.yaml"))
      << "scenario: sw\nprotocol: kai\nsweep:\n  grid:\n    kai.expansion_threshold: [1.01, 5]\n";
  int n = 0;
  for (auto c : arg_table(base)) {
    const std::string out = dir.path("out" + std::to_string(n++) + ".h5");
    for (auto& a : c.args)
      if (a == "OUT") a = out;
    const auto r = run_cli(c.args);
    INFO("case: " << std::string(c.name) << "\nstderr: " << r.err);
    CHECK(r.status == 2);
    for (const auto& s : c.says) CHECK(r.err.find(s) != std::string::npos);
    for (const auto& s : c.not_says) CHECK(r.err.find(s) == std::string::npos);
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out + ".partial"));
    CHECK_FALSE(fs::exists(out + ".ckpt"));
  }
}

TEST_CASE("every shipped scenario in configs/ validates, and each sweep names its points") {
  std::size_t scenarios = 0, sweeps = 0;
  for (const auto& entry : fs::directory_iterator(source_path("configs"))) {
    if (entry.path().extension() != ".yaml") continue;
    const auto r = run_cli({"validate", entry.path().string()});
    INFO(entry.path().string() << "\n" << r.out << r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find(": ok (") != std::string::npos);
    ++scenarios;
    if (r.out.find("sweep: ") != std::string::npos) {
      CHECK(r.out.find("points on common random numbers") != std::string::npos);
      ++sweeps;
    }
  }
  // Five calm baselines, their smoke tests and stress cases; a stress ladder per protocol.
  CHECK(scenarios >= 25);
  CHECK(sweeps >= 5);
}
