#include <doctest/doctest.h>

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
