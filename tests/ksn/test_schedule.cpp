// ksn.md §4 schedule: periods in steps, config errors naming both keys, event timing.
#include <doctest/doctest.h>

#include <string>

#include "engine/protocols/ksn/schedule.hpp"

using namespace stampede;
using namespace stampede::ksn;

TEST_CASE("ksn schedule: default periods at dt = 1h") {
  const KsnSchedule s = make_schedule(KsnParams{}, 3600);
  CHECK(s.rebase_steps == 12);
  CHECK(s.potp_update_steps == 24);
  CHECK(s.claim_steps == 24);
  CHECK(s.vesting_steps == 120);
  CHECK(s.window_steps == 168);
  CHECK(s.window_rebases == 14);
  CHECK(s.bank_run_steps == 72);
  CHECK(s.below_backing_steps == 24);
  // First rebase at the end of the step ending at 12h (step index 11).
  CHECK_FALSE(KsnSchedule::due(10, s.rebase_steps));
  CHECK(KsnSchedule::due(11, s.rebase_steps));
  CHECK(KsnSchedule::due(23, s.rebase_steps));
}

TEST_CASE("ksn schedule: a period that is not a multiple of dt is a config error naming both") {
  CHECK(check_schedule(KsnParams{}, 3600).empty());
  // dt = 5h divides none of 12h, 24h, 120h? 120h = 24·5h divides; 72h, 12h, 24h do not.
  const std::vector<Diagnostic> d = check_schedule(KsnParams{}, 5 * 3600);
  REQUIRE(d.size() == 5);  // rebase.period, update_period, claim_period, bank_run.window, below_backing
  CHECK(d[0].key == "ksn.rebase.period");
  CHECK(d[0].message.find("dt (5h)") != std::string::npos);
  CHECK(d[0].message.find("12h") != std::string::npos);
  KsnParams p;
  p.policy.window = 30 * 3600;  // 30h is not a multiple of the 12h rebase period
  const std::vector<Diagnostic> w = check_schedule(p, 3600);
  REQUIRE(w.size() == 1);
  CHECK(w[0].key == "ksn.policy.window");
  CHECK(w[0].message.find("ksn.rebase.period (12h)") != std::string::npos);
  CHECK_THROWS_AS(make_schedule(p, 3600), InputError);
}
