// Round event (kai.md K1–K14) properties beyond the §10 cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "engine/protocols/kai/initial_state.hpp"
#include "engine/protocols/kai/round.hpp"
#include "engine/protocols/kai/tiers.hpp"
#include "kai/kai_fixtures.hpp"

using namespace stampede::kai;
using doctest::Approx;
using kai_test::kExact;
using kai_test::make_state;

namespace {
constexpr double kNoTrade = 0.999999;
}

TEST_CASE("K5 cap_tier never increases over random supply paths") {
  KaiParams p;
  p.issuance_mode = IssuanceMode::tiered;
  std::mt19937_64 gen(20261122);
  std::lognormal_distribution<double> jump(0.0, 0.4);
  std::uniform_real_distribution<double> twap(0.9, 1.1);
  for (int path = 0; path < 50; ++path) {
    auto s = make_state(std::uniform_real_distribution<double>(5e5, 6e7)(gen));
    s.cap_tier = tier(s.S, p.tiers);
    double min_tier = s.cap_tier;  // independent expectation: running min of tier(S) at round starts
    for (std::int64_t r = 0; r < 200; ++r) {
      s.S = std::clamp(s.S * jump(gen), 1e5, 1e8);  // bonds burn, mints raise, arbitrarily
      min_tier = std::min(min_tier, tier(s.S, p.tiers));
      const double before = s.cap_tier;
      const RoundOutcome o = run_round(s, p, twap(gen), r, kNoTrade);
      CHECK(s.cap_tier <= before);
      CHECK(s.cap_tier == min_tier);
      CHECK(o.rate <= s.cap_tier);
    }
  }
}

TEST_CASE("K3/K11 contraction rounds have E = BB = 0 and mint nothing") {
  const KaiParams p;
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> twap(0.5, 0.99499);
  for (int i = 0; i < 100; ++i) {
    auto s = make_state(1e7, 1e5 * (i % 3), 2e5 * (i % 5));
    const double S0 = s.S, A0 = s.A, rps0 = s.RPS, bb0 = s.bb_kai;
    const RoundOutcome o = run_round(s, p, twap(gen), i, kNoTrade);
    CHECK(o.phase == Phase::contraction);
    CHECK(o.E == 0.0);
    CHECK(o.BB == 0.0);
    CHECK(s.S == S0);
    CHECK(s.A == A0);
    CHECK(s.RPS == rps0);
    CHECK(s.bb_kai == bb0);
    CHECK(s.contraction_left == Approx(0.03 * S0).epsilon(kExact));
    CHECK(s.ledger.minted_total() == 0.0);
  }
}

TEST_CASE("K8 no stakers: board and team are not minted, E and BB are") {
  const KaiParams p;
  auto s = make_state(1e7, 0.0, 0.0, /*staked=*/0.0);
  const RoundOutcome o = run_round(s, p, 1.0, 0, kNoTrade);
  CHECK(o.E == Approx(10'000.0).epsilon(kExact));
  CHECK_FALSE(o.board_minted);
  CHECK(o.team == 0.0);
  CHECK(o.stakers == 0.0);
  CHECK(s.RPS == 0.0);
  CHECK(s.team_kai == 0.0);
  CHECK(o.BB == Approx(3'000.0).epsilon(kExact));
  CHECK(s.S == Approx(1e7 + 3'000.0).epsilon(kExact));
}

TEST_CASE("K3/K5/K7 bootstrap rounds expand at the bootstrap rate with the full board share") {
  KaiParams p;
  p.bootstrap_rounds = 21;
  auto s = make_state(1e7, 0.0, 1e5);  // in debt (A < B)
  const RoundOutcome o = run_round(s, p, 0.90, 20, kNoTrade);
  CHECK(o.phase == Phase::expansion);
  CHECK(o.rate == 0.03);
  CHECK(o.board == o.E);  // debt split only from round bootstrap_rounds on
  const RoundOutcome o2 = run_round(s, p, 0.90, 21, kNoTrade);
  CHECK(o2.phase == Phase::contraction);
}

TEST_CASE("K5 code debt mode: min(0.3·(twap − peg), 3%), 0 at or below peg") {
  KaiParams p;
  p.debt_issuance_mode = DebtIssuanceMode::code;
  auto a = make_state(1e7, 0.0, 1e5);
  CHECK(run_round(a, p, 1.01, 0, kNoTrade).rate == Approx(0.003).epsilon(kExact));
  auto b = make_state(1e7, 0.0, 1e5);
  CHECK(run_round(b, p, 1.5, 0, kNoTrade).rate == 0.03);
  auto c = make_state(1e7, 0.0, 1e5);
  const RoundOutcome o = run_round(c, p, 0.996, 0, kNoTrade);  // expansion band, below peg
  CHECK(o.phase == Phase::expansion);
  CHECK(o.E == 0.0);
  CHECK(o.BB == 0.0);  // 30% of E = 0 and twap < 1.003
}

TEST_CASE("K10 keeper reward is minted to ext_kai in expansion rounds only") {
  KaiParams p;
  p.keeper_reward = 50.0;
  auto s = make_state(1e7);
  run_round(s, p, 1.0, 0, kNoTrade);
  CHECK(s.ext_kai == 50.0);
  run_round(s, p, 0.9, 1, kNoTrade);
  CHECK(s.ext_kai == 50.0);
  CHECK(s.ledger.minted_in(MintChannel::keeper) == 50.0);
}

TEST_CASE("K13 sKAI emission accrues to bKAI holders; dust bKAI gets none") {
  const KaiParams p;
  auto s = make_state(1e7, 0.0, 1e6);  // B/C = 0.1 → earn rate 18 %
  s.skai_supply = 1e5;
  const RoundOutcome o = run_round(s, p, 0.97, 0, kNoTrade);
  CHECK(o.skai_emitted == Approx(1.8).epsilon(kExact));  // 10·18/100
  CHECK(s.RPS_lp == Approx(1.8 / 1e6).epsilon(kExact));
  CHECK(s.skai_supply == Approx(1e5 + 1.8).epsilon(kExact));
  auto d = make_state(1e7, 0.0, 5e-7);
  CHECK(run_round(d, p, 0.97, 0, kNoTrade).skai_emitted == 0.0);
  CHECK(d.RPS_lp == 0.0);
}

TEST_CASE("K14 buyback intent: sell above 1.05, buy below 0.99, only with its probability") {
  const KaiParams p;
  const BuybackParams& b = p.buyback;
  CHECK(buyback_intent(1.06, 20'000.0, 5e5, b, 0.1).kind == BuybackKind::sell_kai);
  CHECK(buyback_intent(1.06, 20'000.0, 5e5, b, 0.1).amount == 10'000.0);
  CHECK(buyback_intent(1.05, 5'000.0, 5e5, b, 0.1).amount == 5'000.0);
  CHECK(buyback_intent(0.99, 0.0, 5e5, b, 0.1).kind == BuybackKind::buy_kai);
  CHECK(buyback_intent(0.99, 0.0, 5e5, b, 0.1).amount == 10'000.0);
  BuybackParams lp = b;
  lp.lp_fraction = 0.7;
  CHECK(buyback_intent(0.98, 0.0, 1e4, lp, 0.1).amount == Approx(3'000.0).epsilon(kExact));
  CHECK(buyback_intent(1.0, 2e4, 5e5, b, 0.1).kind == BuybackKind::none);
  CHECK(buyback_intent(1.06, 2e4, 5e5, b, 0.25).kind == BuybackKind::none);  // u ≥ probability
  CHECK(buyback_intent(0.98, 2e4, 0.0, b, 0.1).kind == BuybackKind::none);   // nothing to spend

  // run_round decides after K9, so this round's BB can be sold.
  auto s = make_state(1e7);
  const RoundOutcome o = run_round(s, p, 1.06, 0, 0.01);
  CHECK(o.BB == Approx(60'000.0).epsilon(kExact));  // 1e7·0.1·0.06
  CHECK(o.buyback.kind == BuybackKind::sell_kai);
  CHECK(o.buyback.amount == 10'000.0);
}

TEST_CASE("K14 executed buy burns the KAI bought; a sale moves bb_kai to KUSDT") {
  const KaiParams p;
  auto s = make_state(1e7);
  s.pool = kai_test::make_pool(2e6, 1.8e6);
  s.bb_kusdt = 5e5;
  const double fees0 = s.pool.fees_value();
  const SwapFill f = execute_buyback(s, {BuybackKind::buy_kai, 10'000.0});
  const double expected_out = 10'000.0 * 0.997 * 2e6 / (1.8e6 + 10'000.0 * 0.997);  // market.md
  CHECK(p.pool.fee == 0.003);
  CHECK(f.amount_in == 10'000.0);
  CHECK(f.amount_out == Approx(expected_out).epsilon(kExact));
  CHECK(s.S == Approx(1e7 - expected_out).epsilon(kExact));
  CHECK(s.ledger.burned_in(BurnChannel::bb_burn) == Approx(expected_out).epsilon(kExact));
  CHECK(s.bb_kusdt == 490'000.0);
  CHECK(s.pool.token_reserve() == Approx(2e6 - expected_out).epsilon(kExact));
  CHECK(s.pool.quote_reserve() == 1.81e6);
  CHECK(s.pool.fees_value() - fees0 == Approx(30.0).epsilon(kExact));  // the fee stays in the pool

  s.bb_kai = 4'000.0;
  const double S1 = s.S, x1 = s.pool.token_reserve(), y1 = s.pool.quote_reserve(), bb_kusdt1 = s.bb_kusdt;
  const SwapFill g = execute_buyback(s, {BuybackKind::sell_kai, 10'000.0});
  CHECK(g.amount_in == 4'000.0);  // capped by holdings
  CHECK(g.amount_out == Approx(4'000.0 * 0.997 * y1 / (x1 + 4'000.0 * 0.997)).epsilon(kExact));
  CHECK(s.bb_kai == 0.0);
  CHECK(s.bb_kusdt == Approx(bb_kusdt1 + g.amount_out).epsilon(kExact));
  CHECK(s.S == S1);
}

TEST_CASE("§3 initial state at the defaults: ext_kai = 3.5e6, L_0 = 3e6, cap_tier = tier(1e7)") {
  const KaiParams p;
  const KaiState s = initial_state(p);
  CHECK(s.ext_kai == 3.5e6);  // 1e7 − 3e6 − 3e6 − 5e5 (kai.md §3)
  CHECK(s.pool.shares() == 3e6);
  CHECK(s.L_out == 1.5e6);
  CHECK(s.cap_tier == 0.005);
  CHECK(s.twap_r == 1.0);
  CHECK(s.C() == 1e7);
  // The KAI identity of §9 holds at t = 0 with the agents' 3e6.
  CHECK(p.initial.agent_kai + s.pool.token_reserve() + s.A + s.board_unclaimed + s.team_kai + s.bb_kai + s.ext_kai + s.arb_kai == s.S);
}
