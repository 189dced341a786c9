// kai.md §10 validation cases 1–10, to the digits the spec shows. Expected values are the spec's
// (hand-computed there), never outputs of the code under test.
#include <doctest/doctest.h>

#include <array>

#include "engine/market/twap.hpp"
#include "engine/protocols/kai/bkai_lp.hpp"
#include "engine/protocols/kai/bond.hpp"
#include "engine/protocols/kai/redemption.hpp"
#include "engine/protocols/kai/risk_events.hpp"
#include "engine/protocols/kai/round.hpp"
#include "engine/protocols/kai/tiers.hpp"
#include "kai/kai_fixtures.hpp"

using namespace stampede::kai;
using doctest::Approx;
using kai_test::kExact;
using kai_test::make_state;

namespace {
constexpr double kNoTrade = 0.999999;  // u_trade above trade_probability: no K14 trade
}

TEST_CASE("kai.md §10.1 tier table and ratchet") {
  const KaiParams p;
  // Table entries are returned as stored: exact comparisons.
  CHECK(tier(999'999.0, p.tiers) == 0.03);
  CHECK(tier(1e6, p.tiers) == 0.02);
  CHECK(tier(1'999'999.0, p.tiers) == 0.02);
  CHECK(tier(2e6, p.tiers) == 0.015);
  CHECK(tier(4.99e6, p.tiers) == 0.015);
  CHECK(tier(5e6, p.tiers) == 0.01);
  CHECK(tier(1e7, p.tiers) == 0.005);
  CHECK(tier(2e7, p.tiers) == 0.0025);
  CHECK(tier(5e7, p.tiers) == 0.001);

  // Ratchet: S = 5.2e6 (cap 1%), then bonds burn S to 4.9e6: the cap stays 1%.
  KaiParams tp;
  tp.issuance_mode = IssuanceMode::tiered;
  auto s = make_state(5.2e6);
  s.cap_tier = tier(s.S, tp.tiers);
  CHECK(s.cap_tier == 0.01);
  run_round(s, tp, 0.90, 0, kNoTrade);  // contraction: bonds on sale
  const BondFill f = purchase_bonds(s, tp, 300'000.0);
  CHECK(f.fill == Approx(156'000.0).epsilon(kExact));  // 3% of 5.2e6
  s.S = 4.9e6;  // further burns (the spec's figure)
  run_round(s, tp, 0.90, 1, kNoTrade);
  CHECK(s.cap_tier == 0.01);
  s.A = s.B;  // no debt, so the tiered rule applies
  // An expansion at twap 1.2 asks 0.3·0.2 = 6%: capped at the ratcheted 1%, not tier(4.9e6) = 1.5%.
  const RoundOutcome o = run_round(s, tp, 1.2, 2, kNoTrade);
  CHECK(s.cap_tier == 0.01);
  CHECK(o.rate == 0.01);
}

TEST_CASE("kai.md §10.2 buyback example (seed)") {
  const KaiParams p;  // fixed mode
  {
    auto s = make_state(1e7);  // C = 1e7, no debt
    const RoundOutcome o = run_round(s, p, 1.05, 0, kNoTrade);
    CHECK(o.E == Approx(10'000.0).epsilon(kExact));
    CHECK(o.BB == Approx(50'000.0).epsilon(kExact));  // max(3,000, 1e7·min(0.03, 0.005))
    CHECK(o.BB / o.circulation == Approx(0.005).epsilon(kExact));
  }
  {
    auto s = make_state(1e7);
    const RoundOutcome o = run_round(s, p, 1.002, 0, kNoTrade);
    CHECK(o.BB == Approx(3'000.0).epsilon(kExact));  // the minimum 30% of E
  }
  {
    auto s = make_state(1e7);
    const RoundOutcome o = run_round(s, p, 1.5, 0, kNoTrade);
    CHECK(o.BB == Approx(300'000.0).epsilon(kExact));  // 3% cap
  }
}

TEST_CASE("kai.md §10.3 fixed split and reward per share over two rounds") {
  const KaiParams p;
  auto s = make_state(1e7, 0.0, 0.0, 1000.0);
  // Stakers a (600) and b (400); K22: earned_i += st_i·(RPS − snap_i); snap_i = RPS.
  std::array<double, 3> st{600.0, 400.0, 0.0}, snap{0.0, 0.0, 0.0}, earned{0.0, 0.0, 0.0};
  auto accrue = [&] {
    for (int i = 0; i < 3; ++i) {
      earned[i] += st[i] * (s.RPS - snap[i]);
      snap[i] = s.RPS;
    }
  };

  const RoundOutcome o1 = run_round(s, p, 1.0, 0, kNoTrade);
  CHECK(o1.E == Approx(10'000.0).epsilon(kExact));
  CHECK(o1.team == Approx(1'000.0).epsilon(kExact));
  CHECK(o1.stakers == Approx(9'000.0).epsilon(kExact));
  CHECK(o1.BB == Approx(3'000.0).epsilon(kExact));
  CHECK(s.RPS == Approx(9.0).epsilon(kExact));
  accrue();
  CHECK(earned[0] == Approx(5'400.0).epsilon(kExact));
  CHECK(earned[1] == Approx(3'600.0).epsilon(kExact));

  // c stakes 1,000 afterwards (K20): it earns nothing of round 0.
  st[2] = 1000.0;
  s.staked += 1000.0;
  CHECK(s.C() == Approx(1e7 + 13'000.0).epsilon(kExact));  // round 0 raised C by E + BB

  const RoundOutcome o2 = run_round(s, p, 1.0, 1, kNoTrade);
  CHECK(o2.E == Approx(10'013.0).epsilon(kExact));
  CHECK(o2.team == Approx(1'001.3).epsilon(kExact));
  CHECK(o2.stakers == Approx(9'011.7).epsilon(kExact));
  CHECK(s.RPS - 9.0 == Approx(4.50585).epsilon(kExact));
  accrue();
  CHECK(earned[2] == Approx(4'505.85).epsilon(kExact));
  CHECK(earned[0] == Approx(8'103.51).epsilon(kExact));
  CHECK(earned[1] == Approx(5'402.34).epsilon(kExact));
  // The boardroom holds exactly what the stakers earned.
  CHECK(s.board_unclaimed == Approx(earned[0] + earned[1] + earned[2]).epsilon(kExact));
}

TEST_CASE("kai.md §10.4 tiered issuance") {
  KaiParams p;
  p.issuance_mode = IssuanceMode::tiered;
  auto s = make_state(3.05e6, 5e4);  // C = 3e6, A ≥ B: no debt
  s.cap_tier = tier(s.S, p.tiers);
  CHECK(s.cap_tier == 0.015);
  const RoundOutcome o = run_round(s, p, 1.02, 0, kNoTrade);
  CHECK(o.rate == Approx(0.006).epsilon(kExact));  // min(0.3·0.02, 0.015)
  CHECK(o.E == Approx(18'000.0).epsilon(kExact));
  CHECK(o.team == Approx(1'800.0).epsilon(kExact));
  CHECK(o.stakers == Approx(16'200.0).epsilon(kExact));
  CHECK(o.BB == Approx(6'000.0).epsilon(kExact));  // max(5,400, 6,000)
}

TEST_CASE("kai.md §10.5 debt phase") {
  const KaiParams p;
  auto s = make_state(1.01e7, 1e5, 1e6);  // C = 1e7, A < B
  const RoundOutcome o = run_round(s, p, 1.01, 0, kNoTrade);
  CHECK(o.debt);
  CHECK(o.E == Approx(300'000.0).epsilon(kExact));
  CHECK(o.board == Approx(105'000.0).epsilon(kExact));
  CHECK(o.team == Approx(10'500.0).epsilon(kExact));
  CHECK(o.stakers == Approx(94'500.0).epsilon(kExact));
  CHECK(o.treasury == Approx(195'000.0).epsilon(kExact));
  CHECK(s.A == Approx(295'000.0).epsilon(kExact));
  CHECK(o.BB == Approx(90'000.0).epsilon(kExact));  // max(90,000, 10,000)
}

TEST_CASE("kai.md §10.6 earn rate and its hold") {
  const BkaiLpParams lp;
  const double C = 1e7;
  CHECK(contraction_earn_rate(0.0, C, lp) == 7.0);
  CHECK(contraction_earn_rate(0.01 * C, C, lp) == 7.0);  // 4.5 clamped
  CHECK(contraction_earn_rate(0.02667 * C, C, lp) == Approx(7.0005).epsilon(kExact));  // "7.0"
  CHECK(contraction_earn_rate(4.0 / 150.0 * C, C, lp) == Approx(7.0).epsilon(kExact));
  CHECK(contraction_earn_rate(0.1 * C, C, lp) == Approx(18.0).epsilon(kExact));
  CHECK(contraction_earn_rate(0.2 * C, C, lp) == Approx(33.0).epsilon(kExact));
  CHECK(contraction_earn_rate(0.35 * C, C, lp) == 40.0);  // 55.5 clamped

  // Hold: contraction, then expansion rounds 1 and 2 keep the rate, round 3 sets it to 0.
  const KaiParams p;
  auto s = make_state(1e7, 0.0, 1e6);  // B/C = 0.1 → 18
  run_round(s, p, 0.97, 0, kNoTrade);
  CHECK(s.earn_rate == Approx(18.0).epsilon(kExact));
  s.A = 2e6;  // repaid reserve: no debt in the expansion rounds (irrelevant to the hold)
  run_round(s, p, 1.0, 1, kNoTrade);
  CHECK(s.earn_rate == Approx(18.0).epsilon(kExact));
  run_round(s, p, 1.0, 2, kNoTrade);
  CHECK(s.earn_rate == Approx(18.0).epsilon(kExact));
  run_round(s, p, 1.0, 3, kNoTrade);
  CHECK(s.earn_rate == 0.0);
}

TEST_CASE("kai.md §10.7 contraction fill capped by the debt ratio") {
  const KaiParams p;
  auto s = make_state(1e7, 1e5, 3.4e6);  // C = 9.9e6
  run_round(s, p, 0.97, 0, kNoTrade);
  CHECK(s.contraction_left == Approx(300'000.0).epsilon(kExact));
  const double qa = 150'000.0, qb = 50'000.0;
  const BondFill f = purchase_bonds(s, p, qa + qb);
  CHECK(f.cap == Approx(65'000.0).epsilon(kExact));  // min(300,000, 0.35·9.9e6 − 3.4e6)
  CHECK(f.fill == Approx(65'000.0).epsilon(kExact));
  CHECK(f.phi == Approx(0.325).epsilon(kExact));
  CHECK(f.phi * qa == Approx(48'750.0).epsilon(kExact));
  CHECK(f.phi * qb == Approx(16'250.0).epsilon(kExact));
  CHECK(f.debt_cap_hit);
  CHECK(s.S == Approx(9'935'000.0).epsilon(kExact));
  CHECK(s.B == Approx(3'465'000.0).epsilon(kExact));
  CHECK(s.contraction_left == Approx(235'000.0).epsilon(kExact));
  // After the burn B/C = 3,465,000/9,835,000 = 0.3523 > 0.35: the cap read C before the purchase.
  CHECK(s.B / s.C() == Approx(0.3523).epsilon(1e-4));
}

TEST_CASE("kai.md §10.8 redemption at and below peg") {
  const KaiParams p;
  {
    auto s = make_state(1e7, 50'000.0, 1e5);
    s.twap_r = 1.01;
    const double qa = 60'000.0, qb = 20'000.0;
    const Redemption rd = redeem_bkai(s, p, qa + qb);
    CHECK(rd.phi == Approx(0.625).epsilon(kExact));
    CHECK(rd.phi * qa == Approx(37'500.0).epsilon(kExact));
    CHECK(rd.phi * qb == Approx(12'500.0).epsilon(kExact));
    CHECK(s.A == 0.0);
    CHECK(s.B == Approx(50'000.0).epsilon(kExact));  // 1e5 − 50,000
    CHECK(s.S == 1e7);                               // treasury KAI, not minted
    CHECK(rd.treasury_short);
  }
  {
    auto s = make_state(1e7, 50'000.0, 1e5);
    s.twap_r = 0.98;
    const Redemption rd = redeem_bkai(s, p, 10'000.0);
    CHECK(rd.kai_minted == Approx(9'000.0).epsilon(kExact));
    CHECK(s.B == Approx(90'000.0).epsilon(kExact));
    CHECK(s.S == Approx(1e7 + 9'000.0).epsilon(kExact));
    CHECK(s.A == 50'000.0);
    CHECK(s.ledger.minted_in(MintChannel::redeem_mint) == Approx(9'000.0).epsilon(kExact));
  }
}

TEST_CASE("kai.md §10.9 expansion threshold and the 15-minute TWAP") {
  const KaiParams p;
  {
    auto s = make_state(1e7);
    CHECK(run_round(s, p, 0.995, 0, kNoTrade).phase == Phase::expansion);
    CHECK(s.contraction_left == 0.0);
  }
  {
    auto s = make_state(1e7);
    CHECK(run_round(s, p, 0.99499, 0, kNoTrade).phase == Phase::contraction);
    CHECK(s.contraction_left == Approx(0.03 * 1e7).epsilon(kExact));
  }
  // dt = 15m, hourly round: the round's TWAP is the oracle's window just closed (KaiPath::round_event).
  stampede::market::TwapOracle twap(900, 3600, 1.0);
  for (double price : {1.00, 0.98, 0.96, 0.94}) twap.accumulate(price);
  CHECK(twap.twap_last_closed(3600) == Approx(0.97).epsilon(kExact));
}

TEST_CASE("kai.md §10.10 depeg after 24 consecutive rounds below 0.95") {
  const KaiMetricParams m;
  DepegObserver d(m.depeg_level, m.depeg_rounds);
  const std::int64_t steps_per_round = 4;  // e.g. dt = 15m: first_step is the 24th round's step
  std::int64_t r = 0;
  for (int i = 0; i < 23; ++i, ++r) CHECK_FALSE(d.observe_round(0.94, r, r * steps_per_round));
  CHECK_FALSE(d.observe_round(0.951, r, r * steps_per_round));
  ++r;
  CHECK(d.first_round() == -1);
  const std::int64_t first = r;
  for (int i = 0; i < 23; ++i, ++r) CHECK_FALSE(d.observe_round(0.94, r, r * steps_per_round));
  CHECK(d.first_step() == -1);
  CHECK(d.observe_round(0.94, r, r * steps_per_round));  // the 24th
  CHECK(d.first_round() == first + 23);
  CHECK(d.first_step() == (first + 23) * steps_per_round);
  CHECK_FALSE(d.observe_round(0.94, r + 1, (r + 1) * steps_per_round));  // fires once
  CHECK(d.first_round() == first + 23);
}
