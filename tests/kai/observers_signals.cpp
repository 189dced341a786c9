// kai.md §8 observers (trailing windows, bank runs, trackers) and §6 signals.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/core/trailing_window.hpp"
#include "engine/market/twap.hpp"
#include "engine/protocols/kai/risk_events.hpp"
#include "engine/protocols/kai/signals.hpp"
#include "kai/kai_fixtures.hpp"

using namespace stampede::kai;
using stampede::TrailingWindow;
using stampede::window_steps;
using stampede::market::TwapOracle;
using doctest::Approx;
using kai_test::kExact;
using kai_test::make_state;

TEST_CASE("trailing window: sum of the last n steps and the base at its start") {
  TrailingWindow w(3);
  CHECK(w.base_at_window_start() == 0.0);
  w.push(1.0, 10.0);
  w.push(2.0, 20.0);
  CHECK(w.sum() == 3.0);
  CHECK(w.base_at_window_start() == 10.0);
  w.push(3.0, 30.0);
  CHECK(w.sum() == 6.0);
  CHECK(w.base_at_window_start() == 10.0);
  w.push(4.0, 40.0);
  CHECK(w.sum() == 9.0);
  CHECK(w.base_at_window_start() == 20.0);
  w.push(5.0, 50.0);
  CHECK(w.sum() == 12.0);
  CHECK(w.base_at_window_start() == 30.0);
  CHECK(w.size() == 3);
}

TEST_CASE("bank_run_boardroom fires when 24h withdrawals reach 20% of Σst at the window start") {
  const KaiMetricParams m;
  BankRunObserver b(m, 24);
  double staked = 1000.0;
  for (std::int64_t t = 0; t < 30; ++t) {
    b.observe_step(t, 10.0, staked, 0.0, 3e6);
    staked -= 10.0;
  }
  CHECK(b.boardroom_first_step() == 19);  // 20 × 10 = 200 = 0.2 × 1000
  CHECK(b.liquidity_first_step() == -1);
  CHECK(b.first_step() == 19);
}

TEST_CASE("bank_run_boardroom: a slow steady drain never fills the 24h window") {
  const KaiMetricParams m;
  BankRunObserver b(m, 24);
  for (std::int64_t t = 0; t < 500; ++t) b.observe_step(t, 8.0, 1000.0, 0.0, 3e6);  // 192 < 200
  CHECK(b.boardroom_first_step() == -1);
  BankRunObserver e(m, 24);
  for (std::int64_t t = 0; t < 50; ++t) e.observe_step(t, 0.0, 0.0, 0.0, 3e6);  // empty boardroom
  CHECK(e.first_step() == -1);
}

TEST_CASE("bank_run_liquidity fires when 24h LP KUSDT removals reach 30% of pool KUSDT") {
  const KaiMetricParams m;
  BankRunObserver b(m, 96);  // dt = 15m
  double y = 3e6;
  for (std::int64_t t = 0; t < 20; ++t) {
    b.observe_step(t, 0.0, 1000.0, 1e5, y);
    y -= 1e5;
  }
  CHECK(b.liquidity_first_step() == 8);  // 9 × 1e5 = 0.3 × 3e6
  CHECK(b.first_step() == 8);
}

TEST_CASE("trackers: min_twap, hours_below_099, max debt ratio, first debt_cap_hit and treasury_short") {
  const KaiMetricParams m;
  KaiTrackers k(m, 1.0);
  for (double t : {1.0, 0.98, 0.995, 0.97, 0.99}) k.observe_round(t);
  CHECK(k.min_twap() == 0.97);
  CHECK(k.hours_below() == 2.0);
  KaiTrackers q(m, 0.25);  // 15-minute rounds count a quarter hour each
  q.observe_round(0.9);
  CHECK(q.hours_below() == 0.25);
  k.observe_debt_ratio(1e6, 1e7);
  k.observe_debt_ratio(3e6, 1e7);
  k.observe_debt_ratio(2e6, 1e7);
  CHECK(k.max_debt_ratio() == Approx(0.3).epsilon(kExact));
  k.observe_bond_fill(false, 3, 12);
  k.observe_bond_fill(true, 5, 20);
  k.observe_bond_fill(true, 6, 24);
  CHECK(k.debt_cap_hit_round() == 5);
  CHECK(k.debt_cap_hit_step() == 20);
  k.observe_redemption(false, 1);
  k.observe_redemption(true, 7);
  k.observe_redemption(true, 9);
  CHECK(k.treasury_short_step() == 7);
}

TEST_CASE("TWAP window: expected price mid-round and a one-step window") {
  // kai.md §7: the reference TWAP is the last closed window (KaiPath::round_event reads it from
  // the oracle); the live "expected price" is the TWAP since the round start.
  TwapOracle t(1800, 3600, 1.0);
  t.accumulate(1.0);
  CHECK(t.twap_since(0) == 1.0);
  t.accumulate(0.9);
  CHECK(t.twap_last_closed(3600) == Approx(0.95).epsilon(kExact));
  TwapOracle one(3600, 3600, 1.0);  // step = round: one sample
  one.accumulate(0.98);
  CHECK(one.twap_last_closed(3600) == 0.98);
  one.accumulate(0.96);
  CHECK(one.twap_last_closed(3600) == 0.96);
}

TEST_CASE("signals: mom and vol from the price history") {
  KaiSignalHistory h(24, 1.0);
  CHECK(h.vol() == 0.0);
  CHECK(h.mom() == 0.0);
  // p_t = 1.01^t: mom = t·ln 1.01 in the first day, then 24·ln 1.01.
  for (int t = 0; t < 10; ++t) h.begin_step(std::pow(1.01, t));
  CHECK(h.mom() == Approx(9 * std::log(1.01)).epsilon(1e-10));
  for (int t = 10; t < 40; ++t) h.begin_step(std::pow(1.01, t));
  CHECK(h.mom() == Approx(24 * std::log(1.01)).epsilon(1e-10));
  CHECK(h.vol() == Approx(0.0).scale(1e-6));  // constant returns

  // Alternating ±0.02 log returns: population sd 0.02 per step; at dt = 15m, /sqrt(0.25).
  KaiSignalHistory v(96, 0.25);
  for (int t = 0; t < 200; ++t) v.begin_step(std::exp(t % 2 == 0 ? 0.0 : 0.02));
  CHECK(v.vol() == Approx(0.02 / 0.5).epsilon(1e-9));
  KaiSignalHistory two(24, 1.0);
  two.begin_step(1.0);
  two.begin_step(1.1);
  CHECK(two.vol() == 0.0);  // one return: 0 before 2 returns
}

TEST_CASE("signals: board_apr, bkai_lp_apr, bond_gain, cover, debt_ratio, lp_apr") {
  const KaiParams p;
  KaiSignalHistory h(24, 1.0);
  auto s = make_state(1e7, 5e5, 1e6, 5e4);
  s.twap_r = 1.0;
  h.begin_step(1.0);
  // No round yet: s̄ = 0.
  CHECK(h.signals(s, p).board_apr_raw == 0.0);
  h.on_round(9000.0);
  h.on_round(0.0);  // a contraction round counts with 0
  h.on_round(18000.0);
  for (int i = 0; i < 24; ++i) h.end_step(100.0);
  KaiSignals g = h.signals(s, p);
  CHECK(g.peg_dev == 0.0);
  CHECK(g.board_apr_raw == Approx(8760.0 * 9000.0 / (5e4 * 100.0)).epsilon(kExact));  // s̄ = 9000
  CHECK(g.board_apr == Approx(std::log(1.0 + 15.768)).epsilon(kExact));
  CHECK(g.debt_ratio == Approx(1e6 / 9.5e6).epsilon(kExact));
  CHECK(g.cover == Approx(0.5).epsilon(kExact));
  CHECK(g.bond_gain == 0.0);  // expansion
  CHECK(g.bkai_lp_apr_raw == 0.0);
  CHECK(g.lp_apr == Approx(2400.0 * 365.0 / 6e6).epsilon(kExact));

  // The mean uses the last 24 rounds only.
  for (int i = 0; i < 24; ++i) h.on_round(1000.0);
  CHECK(h.stakers_mean() == 1000.0);

  s.phase = Phase::contraction;
  s.earn_rate = 18.0;
  s.A = 3e6;
  s.twap_r = 0.9;
  KaiSignalHistory c(24, 1.0);
  c.begin_step(0.8);
  g = c.signals(s, p);
  CHECK(g.peg_dev == Approx(-0.1).epsilon(kExact));
  CHECK(g.bond_gain == Approx(0.25).epsilon(kExact));
  CHECK(g.bkai_lp_apr_raw == Approx(8760.0 * 1.8 * 100.0 / 1e6).epsilon(kExact));
  CHECK(g.cover == 1.0);  // clipped
  s.B = 0.0;
  s.A = 0.0;
  g = c.signals(s, p);
  CHECK(g.bkai_lp_apr_raw == Approx(8760.0 * 1.8 * 100.0).epsilon(kExact));  // max(B, 1)
  CHECK(g.cover == 0.0);
  s.staked = 0.0;
  CHECK(c.signals(s, p).board_apr == 0.0);
}

TEST_CASE("window_steps: 24h windows at common steps") {
  CHECK(window_steps(86400.0, 3600.0) == 24);
  CHECK(window_steps(86400.0, 900.0) == 96);
  CHECK(window_steps(86400.0, 86400.0 * 2) == 1);
}
