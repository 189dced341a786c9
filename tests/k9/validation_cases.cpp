// k9.md §10 validation cases 1–11 and the §9 schedule invariants, driven through the rule
// functions step by step. Expected values are the spec's (its rounded digits are the exact
// fractions written beside them), never outputs of the code under test.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <vector>

#include "agents/fixed_sum.hpp"
#include "engine/core/errors.hpp"
#include "engine/protocols/k9/rules.hpp"

using namespace stampede::k9;
using doctest::Approx;

namespace {

constexpr double kTight = 1e-12;  // figures the spec states exactly, after many vesting steps
constexpr double kHour = 3600.0;
constexpr double kT = 180 * kDay;  // 15,552,000 s
constexpr double kInf = std::numeric_limits<double>::infinity();

// N11 over [from, to] in steps of dt (events at step starts); u + converted is constant between events.
void advance(Position& p, double from, double to, double dt) {
  const auto steps = std::llround((to - from) / dt);
  REQUIRE(from + static_cast<double>(steps) * dt == to);
  for (long long k = 0; k < steps; ++k) {
    const double t = from + static_cast<double>(k) * dt;
    const double before = p.unvested + p.converted;
    vest(p, t, t + dt);
    CHECK(p.unvested >= 0.0);
    CHECK(p.unvested + p.converted == Approx(before).epsilon(1e-14));
  }
}

// Case 1's agent: 10,000 KNINE locked for 12 months at day 0, 4,000 staked without a lock.
Rys case1_rys() {
  Rys r;
  lock(r, 10'000.0, 12, 0.0);
  r.staked = 4'000.0;
  return r;
}

// Cases 2–6 in order, every figure they state, for one step length.
struct Schedule {
  double es_max0 = 0, rv0 = 0, reward0 = 0, rate0 = 0;
  double c30 = 0, paid30 = 0, burned30 = 0, u30 = 0;
  double c60 = 0, u60 = 0, excl60 = 0, u60_after = 0, rv60 = 0, end60 = 0, rate60 = 0;
  double c90 = 0, u90 = 0, es_max90 = 0, paid90 = 0, u90_after = 0, end90 = 0, rate90 = 0, rv90 = 0;
  double paid120 = 0, returned120 = 0, forfeit120 = 0;
  double knine_paid = 0, es_burned = 0, es_returned = 0, es_deposited = 0;
};

Schedule run_cases_2_to_6(double dt, RecalcRule rule = RecalcRule::seed) {
  const Settings s;
  Rys rys = case1_rys();
  Position p;
  Schedule out;
  const auto pay = [&](const Claim& c) {
    out.knine_paid += c.knine;
    out.es_burned += c.es_burned;
  };

  // Case 2: deposit 7,000 at day 0.
  CHECK(can_deposit(rys, 0.0, s, 180 * kDay, false));
  out.es_max0 = es_max(rys, p, s);
  pay(claim(p, 1.0));
  deposit(p, 7'000.0, 0.0, s);
  out.es_deposited += 7'000.0;
  out.rv0 = p.b * p.unvested;
  out.reward0 = p.v * p.unvested;
  out.rate0 = p.rate;
  CHECK(s.backing_ratio * p.unvested <= rys.locked + rys.staked);  // §9 collateral after N10
  CHECK(rys.lock_end >= p.end);

  // Case 3: claim at day 30.
  advance(p, 0.0, 30 * kDay, dt);
  out.c30 = p.v * p.converted;
  const Claim c30 = claim(p, 1.0);
  pay(c30);
  out.paid30 = c30.knine;
  out.burned30 = c30.es_burned;
  out.u30 = p.unvested;
  CHECK(p.converted == 0.0);

  // Case 4: unstake the non-locked 4,000 at day 60 (nothing claimed since day 30).
  advance(p, 30 * kDay, 60 * kDay, dt);
  out.c60 = p.v * p.converted;
  out.u60 = p.unvested;
  const double end_before = p.end;
  const Recalc r = recalculate(p, rys.staked, rys.locked, 60 * kDay, rule);
  rys.staked = 0.0;
  CHECK(r.recalculated);
  CHECK(p.end == end_before);  // N5 never moves e_i
  out.excl60 = r.excluded;
  out.es_returned += r.excluded;
  out.u60_after = p.unvested;
  out.rv60 = p.b * p.unvested;
  out.end60 = p.end;
  out.rate60 = p.rate;
  CHECK(p.b * p.unvested <= rys.locked);  // §9 collateral after N5

  // Case 5: top-up of 1,000 at day 90, after claiming.
  advance(p, 60 * kDay, 90 * kDay, dt);
  out.c90 = p.v * p.converted;
  out.u90 = p.unvested;
  out.es_max90 = es_max(rys, p, s);
  CHECK(can_deposit(rys, 90 * kDay, s, 180 * kDay, false));
  const Claim c90 = claim(p, 1.0);
  pay(c90);
  out.paid90 = c90.knine;
  deposit(p, 1'000.0, 90 * kDay, s);
  out.es_deposited += 1'000.0;
  out.u90_after = p.unvested;
  out.end90 = p.end;
  out.rate90 = p.rate;
  out.rv90 = p.b * p.unvested;
  CHECK(s.backing_ratio * p.unvested <= rys.locked + rys.staked);
  CHECK(rys.lock_end >= p.end);

  // Case 6: emergency stop at day 120.
  advance(p, 90 * kDay, 120 * kDay, dt);
  const StopPayout st = stop(p, 1.0);
  out.paid120 = st.knine_paid;
  out.returned120 = st.es_returned;
  out.forfeit120 = st.forfeit_knine;
  out.knine_paid += st.knine_paid;
  out.es_burned += st.es_burned;
  out.es_returned += st.es_returned;
  CHECK(p.unvested == 0.0);
  CHECK(p.rate == 0.0);
  CHECK(p.converted == 0.0);
  CHECK(vest(p, 120 * kDay, 120 * kDay + dt) == 0.0);  // no accrual after the stop
  return out;
}

}  // namespace

TEST_CASE("k9.md §10.1 limit: esMax = 7,000, and 5,000 with locked_only") {
  const Rys rys = case1_rys();
  CHECK(rys.lock_end == 360 * kDay);
  CHECK(rys.lock_k == 12);
  const Position empty;
  Settings s;
  CHECK(es_max(rys, empty, s) == 7'000.0);
  s.locked_only = true;
  CHECK(es_max(rys, empty, s) == 5'000.0);
}

TEST_CASE("k9.md §10.2 deposit 7,000 at day 0") {
  const Schedule r = run_cases_2_to_6(kHour);
  CHECK(r.es_max0 == 7'000.0);
  CHECK(r.rv0 == 14'000.0);
  CHECK(r.reward0 == 7'000.0);
  CHECK(r.rate0 == Approx(7'000.0 / kT).epsilon(kTight));
  CHECK(r.rate0 == Approx(4.5010288e-4).epsilon(1e-8));       // the spec's 8 digits
  CHECK(r.rate0 * kDay == Approx(7'000.0 / 180).epsilon(kTight));  // 38.8889 per day
}

TEST_CASE("k9.md §10.3 day 30: claim 1,166.6667, u = 5,833.3333") {
  const Schedule r = run_cases_2_to_6(kHour);
  CHECK(r.c30 == Approx(7'000.0 / 6).epsilon(kTight));
  CHECK(r.paid30 == Approx(7'000.0 / 6).epsilon(kTight));
  CHECK(r.burned30 == Approx(7'000.0 / 6).epsilon(kTight));
  CHECK(r.u30 == Approx(35'000.0 / 6).epsilon(kTight));
}

TEST_CASE("k9.md §10.4 day 60: unstake 4,000 excludes 2,000, end kept") {
  const Schedule r = run_cases_2_to_6(kHour);
  CHECK(r.c60 == Approx(7'000.0 / 6).epsilon(kTight));
  CHECK(r.u60 == Approx(14'000.0 / 3).epsilon(kTight));     // 4,666.6667
  CHECK(r.excl60 == Approx(2'000.0).epsilon(kTight));       // min(4,666.67, 4,000/2)
  CHECK(r.u60_after == Approx(8'000.0 / 3).epsilon(kTight)); // 2,666.6667
  CHECK(r.rv60 == Approx(16'000.0 / 3).epsilon(kTight));    // 5,333.3333 ≤ Lk
  CHECK(r.end60 == 180 * kDay);
  CHECK(r.rate60 * kDay == Approx(200.0 / 9).epsilon(kTight));  // 22.2222 per day
}

TEST_CASE("k9.md §10.5 day 90: top-up of 1,000 after claiming 1,833.3333") {
  const Schedule r = run_cases_2_to_6(kHour);
  CHECK(r.c90 == Approx(5'500.0 / 3).epsilon(kTight));
  CHECK(r.u90 == Approx(2'000.0).epsilon(kTight));
  CHECK(r.es_max90 == Approx(3'000.0).epsilon(kTight));  // (10,000 − 2·2,000)/2, St = 0 now
  CHECK(r.paid90 == Approx(5'500.0 / 3).epsilon(kTight));
  CHECK(r.u90_after == Approx(3'000.0).epsilon(kTight));
  CHECK(r.end90 == 270 * kDay);
  CHECK(r.rate90 * kDay == Approx(50.0 / 3).epsilon(kTight));  // 16.6667 per day
  CHECK(r.rv90 == Approx(6'000.0).epsilon(kTight));
}

TEST_CASE("k9.md §10.6 emergency stop at day 120 and the totals") {
  const Schedule r = run_cases_2_to_6(kHour);
  CHECK(r.paid120 == Approx(500.0).epsilon(kTight));
  CHECK(r.returned120 == Approx(2'500.0).epsilon(kTight));
  CHECK(r.forfeit120 == Approx(2'500.0).epsilon(kTight));  // v·u at the stop
  CHECK(r.knine_paid == Approx(3'500.0).epsilon(kTight));
  CHECK(r.es_burned == Approx(3'500.0).epsilon(kTight));
  CHECK(r.es_returned == Approx(4'500.0).epsilon(kTight));
  CHECK(r.es_deposited == 8'000.0);
  CHECK(r.es_burned + r.es_returned == Approx(r.es_deposited).epsilon(kTight));
}

TEST_CASE("k9.md §10.7 vesting ratio 0.5: 1,000 esKNINE give 500 KNINE") {
  Settings s;
  s.vesting_ratio = 0.5;
  Position p;
  deposit(p, 1'000.0, 0.0, s);
  CHECK(p.v * p.unvested == 500.0);  // rewardKnine
  CHECK(p.v * p.rate == Approx(500.0 / kT).epsilon(kTight));
  advance(p, 0.0, 90 * kDay, kHour);
  const Claim c = claim(p, 1.0);
  CHECK(c.knine == Approx(250.0).epsilon(kTight));
  CHECK(c.es_burned == Approx(500.0).epsilon(kTight));
  CHECK(p.unvested == Approx(500.0).epsilon(kTight));
}

TEST_CASE("k9.md §10.8 dt independence of cases 2–6 (1h, 1d, 15m)") {
  const Schedule h = run_cases_2_to_6(kHour);
  for (const double dt : {kDay, 900.0}) {
    CAPTURE(dt);
    const Schedule o = run_cases_2_to_6(dt);
    const double a[] = {h.rv0, h.rate0, h.c30, h.paid30, h.u30, h.c60, h.u60, h.excl60, h.u60_after, h.rate60,
                        h.c90, h.u90, h.es_max90, h.paid90, h.u90_after, h.rate90, h.rv90, h.paid120, h.returned120,
                        h.knine_paid, h.es_burned, h.es_returned};
    const double b[] = {o.rv0, o.rate0, o.c30, o.paid30, o.u30, o.c60, o.u60, o.excl60, o.u60_after, o.rate60,
                        o.c90, o.u90, o.es_max90, o.paid90, o.u90_after, o.rate90, o.rv90, o.paid120, o.returned120,
                        o.knine_paid, o.es_burned, o.es_returned};
    for (std::size_t k = 0; k < std::size(a); ++k) {
      CAPTURE(k);
      CHECK(b[k] == Approx(a[k]).epsilon(1e-9));
    }
    CHECK(o.end60 == h.end60);
    CHECK(o.end90 == h.end90);
  }
}

TEST_CASE("k9.md §10.9 eligibility: lock days left and min_lock") {
  const double min_lock = 180 * kDay;
  Settings s;
  Rys twelve;
  lock(twelve, 1'000.0, 12, 0.0);
  CHECK(can_deposit(twelve, 180 * kDay, s, min_lock, false));   // 180 days left
  CHECK(!can_deposit(twelve, 190 * kDay, s, min_lock, false));  // 170 < 180
  s.vesting_period = 90 * kDay;
  Rys five;
  lock(five, 1'000.0, 5, 0.0);
  CHECK(five.lock_end == 150 * kDay);
  CHECK(!can_deposit(five, 0.0, s, min_lock, false));  // 150 ≥ 90 days left, but 5·30 < 180
  Rys six;
  lock(six, 1'000.0, 6, 0.0);
  CHECK(can_deposit(six, 30 * kDay, s, min_lock, false));  // 150 days left ≥ 90, 6·30 ≥ 180
  CHECK(!can_deposit(six, 30 * kDay, s, min_lock, true));  // never after a stop
  CHECK(!can_deposit(Rys{}, 0.0, s, min_lock, false));     // no lock
}

TEST_CASE("k9.md §10.10 admin change backing_ratio 4.0 at day 10") {
  Settings s;
  Rys rys = case1_rys();
  Position p;
  deposit(p, 2'000.0, 0.0, s);
  advance(p, 0.0, 10 * kDay, kHour);
  s.backing_ratio = 4.0;  // N1
  CHECK(p.b == 2.0);      // the day-0 position keeps its snapshot
  advance(p, 10 * kDay, 20 * kDay, kHour);
  const double u20 = 16'000.0 / 9;  // 2,000·160/180
  REQUIRE(p.unvested == Approx(u20).epsilon(kTight));
  // esMax with the current b = 4: (14,000 − 4·u)/4, not the snapshot's (14,000 − 2·u)/2.
  CHECK(es_max(rys, p, s) == Approx(3'500.0 - u20).epsilon(kTight));
  claim(p, 1.0);
  deposit(p, 1'000.0, 20 * kDay, s);  // the top-up re-snapshots the whole position
  CHECK(p.b == 4.0);
  CHECK(p.unvested == Approx(u20 + 1'000.0).epsilon(kTight));
  CHECK(p.end == 200 * kDay);
  CHECK(4.0 * p.unvested <= rys.locked + rys.staked);
  advance(p, 20 * kDay, 30 * kDay, kHour);
  const Recalc r = recalculate(p, rys.staked, rys.locked, 30 * kDay, RecalcRule::seed);
  CHECK(r.excluded == Approx(1'000.0).epsilon(kTight));  // X/b_i with b_i = 4 now
  // A later locked_only switch changes esMax only: the position's a_i stays accepted.
  s.locked_only = true;
  CHECK(p.a);
  CHECK(es_max(rys, p, s) == Approx(std::max(0.0, (rys.locked - 4.0 * p.unvested) / 4.0)).epsilon(kTight));
}

TEST_CASE("k9.md §10.11 a lock top-up never shortens; recalc_rule uncovered excludes nothing in case 4") {
  Rys rys;
  lock(rys, 10'000.0, 12, 0.0);
  Position p;
  deposit(p, 5'000.0, 0.0, Settings{});
  CHECK(p.end == 180 * kDay);
  lock(rys, 500.0, 1, 10 * kDay);
  CHECK(rys.lock_end == 360 * kDay);
  CHECK(rys.lock_k == 12);
  CHECK(rys.locked == 10'500.0);
  CHECK(rys.lock_end >= p.end);

  const Schedule u = run_cases_2_to_6(kHour, RecalcRule::uncovered);
  CHECK(u.u60 == Approx(14'000.0 / 3).epsilon(kTight));
  CHECK(u.excl60 == 0.0);  // max(0, 4,666.67 − 10,000/2)
  CHECK(u.u60_after == u.u60);
  CHECK(u.rate60 * kDay == Approx(7'000.0 / 180).epsilon(kTight));  // same end, same amount: same rate
}

TEST_CASE("§9 schedule: with no events the KNINE claimed is v·x and u reaches 0 exactly at e") {
  for (const double dt : {kHour, 7'000.0, kDay}) {
    CAPTURE(dt);
    Settings s;
    s.vesting_ratio = 0.5;
    const double x = 7'000.0, t0 = 5 * kDay;  // e = 185 days, exact in float
    Position p;
    deposit(p, x, t0, s);
    REQUIRE(p.end == t0 + kT);
    double claimed = 0.0, next_claim = t0 + kDay;
    double t = t0;
    while (p.unvested > 0.0) {
      vest(p, t, t + dt);
      t += dt;
      if (t < p.end) CHECK(p.unvested > 0.0);  // not emptied before e
      if (t >= next_claim) {
        claimed += claim(p, 1.0).knine;
        next_claim += kDay;
      }
      // u + converted + claimed/v stays the deposit between events.
      CHECK(p.unvested + p.converted + claimed / p.v == Approx(x).epsilon(kTight));
      REQUIRE(t <= p.end + dt);
    }
    CHECK(t >= p.end);
    CHECK(t - dt < p.end);  // emptied in the step that reaches e
    claimed += claim(p, 1.0).knine;
    CHECK(p.unvested == 0.0);
    CHECK(p.converted == 0.0);
    CHECK(claimed == Approx(s.vesting_ratio * x).epsilon(kTight));
  }
}

TEST_CASE("N5 recalculation: end already passed, not accepted, empty") {
  Settings s;
  Position p;
  deposit(p, 1'000.0, 0.0, s);
  p.unvested = 600.0;  // left unvested past e (the kernel would have emptied it)
  p.converted = 100.0;
  const Recalc r = recalculate(p, 400.0, 10'000.0, 200 * kDay, RecalcRule::seed);
  CHECK(r.recalculated);
  CHECK(r.excluded == 200.0);  // X/b
  CHECK(p.unvested == 0.0);
  CHECK(p.converted == 500.0);  // the rest converts at once
  CHECK(p.rate == 0.0);
  CHECK(p.end == 180 * kDay);

  s.locked_only = true;
  Position locked_only;
  deposit(locked_only, 1'000.0, 0.0, s);
  const Position before = locked_only;
  const Recalc none = recalculate(locked_only, 400.0, 10'000.0, kDay, RecalcRule::seed);
  CHECK(!none.recalculated);
  CHECK(none.excluded == 0.0);
  CHECK(locked_only.unvested == before.unvested);
  CHECK(locked_only.rate == before.rate);

  Position empty;
  empty.a = true;
  CHECK(!recalculate(empty, 400.0, 0.0, kDay, RecalcRule::seed).recalculated);

  // Unstaking more than backs the position excludes all of it.
  Position all;
  deposit(all, 1'000.0, 0.0, Settings{});
  const Recalc whole = recalculate(all, 5'000.0, 0.0, kDay, RecalcRule::seed);
  CHECK(whole.excluded == 1'000.0);
  CHECK(all.unvested == 0.0);
  CHECK(all.rate == 0.0);
}

TEST_CASE("N4 claim share with a finite stock; N2 leaves the unpaid part claimable") {
  CHECK(claim_share(kInf, 2'000.0) == 1.0);
  CHECK(claim_share(500.0, 0.0) == 1.0);
  CHECK(claim_share(500.0, 2'000.0) == 0.25);
  CHECK(claim_share(3'000.0, 2'000.0) == 1.0);
  CHECK(claim_share(0.0, 2'000.0) == 0.0);

  Position p;
  Settings s;
  s.vesting_ratio = 0.5;
  deposit(p, 1'000.0, 0.0, s);
  p.converted = 400.0;
  const Claim c = claim(p, 0.25);
  CHECK(c.es_burned == 100.0);
  CHECK(c.knine == 50.0);
  CHECK(p.converted == 300.0);

  const double u = p.unvested;
  const StopPayout st = stop(p, 0.5);
  CHECK(st.es_burned == 150.0);
  CHECK(st.knine_paid == 75.0);
  CHECK(st.es_returned == u);
  CHECK(st.forfeit_knine == 0.5 * u);
  CHECK(p.converted == 150.0);  // still claimable
  CHECK(p.unvested == 0.0);
  CHECK(p.rate == 0.0);
}

TEST_CASE("N6/N7 locks: top-up, expiry, withdrawal and relock") {
  Rys r;
  lock(r, 1'000.0, 6, 0.0);
  CHECK(r.lock_end == 180 * kDay);
  CHECK(r.lock_k == 6);
  lock(r, 500.0, 12, 100 * kDay);  // a longer top-up extends and raises k
  CHECK(r.lock_end == 460 * kDay);
  CHECK(r.lock_k == 12);
  CHECK(!lock_expired(r, 459 * kDay));
  CHECK(lock_expired(r, 460 * kDay));

  // After expiry (not withdrawn) a lock is a new one: lock_k = k.
  lock(r, 100.0, 3, 500 * kDay);
  CHECK(r.lock_k == 3);
  CHECK(r.lock_end == 590 * kDay);
  CHECK(r.locked == 1'600.0);

  CHECK(withdraw_lock(r) == 1'600.0);
  CHECK(r.locked == 0.0);
  CHECK(r.lock_k == 0);
  CHECK(!lock_expired(r, 600 * kDay));  // nothing locked
  lock(r, 200.0, 2, 600 * kDay);
  CHECK(r.lock_k == 2);
  CHECK(r.lock_end == 660 * kDay);

  CHECK(lock_multiplier(0, 2.0) == 1.0);
  CHECK(lock_multiplier(6, 2.0) == 1.5);
  CHECK(lock_multiplier(12, 2.0) == 2.0);
  CHECK(lock_multiplier(3, 5.0) == 2.0);
}

TEST_CASE("N9 esMax is never negative") {
  Settings s;
  Rys r = case1_rys();
  Position p;
  deposit(p, 7'000.0, 0.0, s);
  CHECK(es_max(r, p, s) == 0.0);  // exactly at the limit
  s.locked_only = true;
  CHECK(es_max(r, p, s) == 0.0);  // over the limit: (10,000 − 14,000)/2 < 0
  s.backing_ratio = 100.0;
  CHECK(es_max(r, p, s) == 0.0);
  r.locked = 0.0;
  r.staked = 0.0;
  CHECK(es_max(r, Position{}, s) == 0.0);
}

TEST_CASE("N14 RYS APR") {
  CHECK(rys_apr(10'000.0, 0.0, 0.03) == 0.0);
  CHECK(rys_apr(10'000.0, 1e8, 0.03) == Approx(365.0 * 10'000.0 / 3e6).epsilon(kTight));
}

TEST_CASE("float_time: ends are float-exact and never later than asked") {
  CHECK(float_time(270 * kDay) == 270 * kDay);  // above 2^24 but even: exact
  const double t = 16'777'219.0;                // 2^24 + 3: a float would round it up to 2^24 + 4
  CHECK(float_time(t) == 16'777'218.0);
  Position p;
  deposit(p, 1'000.0, t - kT, Settings{});
  CHECK(p.end == 16'777'218.0);
  CHECK(p.end <= t);
  CHECK(static_cast<double>(static_cast<float>(p.end)) == p.end);
  CHECK(p.rate == 1'000.0 / (p.end - (t - kT)));
}

TEST_CASE("N15 initial vesting: Σu = total exactly, u ∝ Lk·e, r = u/e; refuses u_i > Lk_i/b") {
  const Settings s;
  std::mt19937_64 rng(15);
  std::lognormal_distribution<double> wealth(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (const std::size_t n : {1u, 7u, 1'000u, 4'096u, 5'003u, 9'001u}) {
    CAPTURE(n);
    std::vector<double> locked(n), remaining(n), uniform(n), u(n), e(n), r(n);
    for (std::size_t i = 0; i < n; ++i) {
      locked[i] = 4e4 * wealth(rng);
      remaining[i] = kDay * (1.0 + 364.0 * unit(rng));
      uniform[i] = 1.0 - unit(rng);  // (0, 1]
    }
    const double total = 1e3 * static_cast<double>(n) * (0.5 + unit(rng));
    initial_vesting(locked.data(), remaining.data(), uniform.data(), n, total, s, u.data(), e.data(), r.data());
    // Exact in the engine's fixed order and in plain reverse order.
    CHECK(stampede::agents::fixed_sum(u.data(), 0, n) == total);
    double reverse = 0.0;
    for (std::size_t i = n; i-- > 0;) reverse += u[i];
    CHECK(reverse == total);
    const double k0 = u[0] / (locked[0] * e[0]);
    for (std::size_t i = 0; i < n; ++i) {
      CAPTURE(i);
      CHECK(e[i] > 0.0);
      CHECK(e[i] <= std::min(kT, remaining[i]));
      CHECK(e[i] >= uniform[i] * std::min(kT, remaining[i]) * (1.0 - 2.4e-7));  // one float ulp down
      CHECK(static_cast<double>(static_cast<float>(e[i])) == e[i]);
      CHECK(u[i] / (locked[i] * e[i]) == Approx(k0).epsilon(1e-9));
      CHECK(r[i] == u[i] / e[i]);
      CHECK(u[i] <= locked[i] / s.backing_ratio);
    }
  }

  const std::size_t n = 100;
  std::vector<double> locked(n, 1e4), remaining(n, 90 * kDay), uniform(n, 0.5), u(n), e(n), r(n);
  CHECK_NOTHROW(initial_vesting(locked.data(), remaining.data(), uniform.data(), n, 5e5, s, u.data(), e.data(),
                                r.data()));  // u_i = Lk_i/b exactly: allowed
  // More vesting than the locks back: a config error naming the key.
  bool refused = false;
  try {
    initial_vesting(locked.data(), remaining.data(), uniform.data(), n, 5.1e5, s, u.data(), e.data(), r.data());
  } catch (const stampede::InputError& err) {
    refused = true;
    REQUIRE(!err.diagnostics().empty());
    CHECK(err.diagnostics()[0].key == "k9.initial.vesting");
  }
  CHECK(refused);

  // Nothing locked cannot back any vesting; nothing to vest is fine.
  std::vector<double> none(n, 0.0);
  CHECK_THROWS_AS(initial_vesting(none.data(), remaining.data(), uniform.data(), n, 1.0, s, u.data(), e.data(),
                                  r.data()),
                  stampede::InputError);
  initial_vesting(none.data(), remaining.data(), uniform.data(), n, 0.0, s, u.data(), e.data(), r.data());
  CHECK(stampede::agents::fixed_sum(u.data(), 0, n) == 0.0);
  CHECK(r[7] == 0.0);
}
