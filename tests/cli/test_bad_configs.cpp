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
    INFO("case: " << c.name << "\nstderr: " << r.err);
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
