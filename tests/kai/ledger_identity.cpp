// kai.md §9: S(t) − S(0) = Σ minted[k] − Σ burned[k] over any mix of rounds and clearings.
#include <doctest/doctest.h>

#include <random>

#include "engine/protocols/kai/bond.hpp"
#include "engine/protocols/kai/buyback.hpp"
#include "engine/protocols/kai/redemption.hpp"
#include "engine/protocols/kai/round.hpp"
#include "kai/kai_fixtures.hpp"

using namespace stampede::kai;
using doctest::Approx;
using kai_test::make_state;

TEST_CASE("ledger: S − S0 = Σ minted − Σ burned after rounds, bonds, redemptions and buybacks") {
  KaiParams p;
  p.keeper_reward = 50.0;
  std::mt19937_64 gen(99);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto s = make_state(1e7, 0.0, 0.0, 5e4);
  s.bb_kusdt = 5e5;
  const double S0 = s.S;
  int expansions = 0, contractions = 0, bb_burns = 0, redeem_mints = 0;
  for (std::int64_t r = 0; r < 500; ++r) {
    const double twap = 0.93 + 0.14 * u(gen);
    const RoundOutcome o = run_round(s, p, twap, r, u(gen));
    (o.phase == Phase::expansion ? expansions : contractions) += 1;
    if (o.buyback.kind != BuybackKind::none) {
      execute_buyback(s, o.buyback);
      bb_burns += o.buyback.kind == BuybackKind::buy_kai;
    }
    if (s.contraction()) purchase_bonds(s, p, 1e5 * u(gen));
    if (s.B > 0.0) {
      redeem_bkai(s, p, s.B * u(gen));
      redeem_mints += s.twap_r < p.peg;
    }
    // Keep the pool near 1 so the buyback's trades stay small (the pool itself is not the test).
    s.pool = kai_test::make_pool(3e6, 3e6);
  }
  REQUIRE(expansions > 50);
  REQUIRE(contractions > 50);
  REQUIRE(bb_burns > 0);
  REQUIRE(redeem_mints > 0);
  const double net = s.ledger.minted_total() - s.ledger.burned_total();
  // §9's tolerance for the KAI identity: relative 1e−12 (of S).
  CHECK(std::abs((s.S - S0) - net) <= 1e-12 * s.S);
  // Each channel saw flows.
  for (auto k : {MintChannel::board, MintChannel::team, MintChannel::treasury, MintChannel::buyback,
                 MintChannel::redeem_mint, MintChannel::keeper})
    CHECK(s.ledger.minted_in(k) > 0.0);
  CHECK(s.ledger.burned_in(BurnChannel::bond) > 0.0);
  CHECK(s.ledger.burned_in(BurnChannel::bb_burn) > 0.0);
  CHECK(s.A >= 0.0);
  CHECK(s.B >= 0.0);
}

TEST_CASE("ledger: exact on dyadic amounts") {
  // With amounts that are exact binary fractions every sum is exact, so the identity is bitwise.
  KaiParams p;
  p.fixed_rate = 1.0 / 1024.0;
  p.buyback.min_share = 0.25;
  p.team_share = 0.125;
  p.contraction_cap = 1.0 / 32.0;
  p.redeem_penalty = 0.9375;  // 15/16, inside the allowed [0.9, 1]
  auto s = make_state(1024.0 * 1024.0 * 8.0, 0.0, 0.0, 64.0);
  const double S0 = s.S;
  run_round(s, p, 1.0, 0, 0.999999);  // E = 8192, team 1024, stakers 7168, BB 2048
  CHECK(s.S - S0 == 8192.0 + 2048.0);
  run_round(s, p, 0.9, 1, 0.999999);
  purchase_bonds(s, p, 4096.0);
  s.twap_r = 0.9;
  redeem_bkai(s, p, 1024.0);  // 960 minted
  CHECK(s.S - S0 == s.ledger.minted_total() - s.ledger.burned_total());
  CHECK(s.S - S0 == 8192.0 + 2048.0 - 4096.0 + 960.0);
  CHECK(s.ledger.burned_in(BurnChannel::bond) == 4096.0);
}
