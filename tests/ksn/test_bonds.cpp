// ksn.md §10 cases 5–6 (bond price KS13, payouts KS15, zap KS16, debt and vesting KS17–KS20)
// and §9 invariants 6–7 for bonds.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "engine/market/pool.hpp"
#include "engine/protocols/ksn/bond_debt.hpp"
#include "engine/protocols/ksn/bond_issue.hpp"
#include "engine/protocols/ksn/bond_quote.hpp"
#include "engine/protocols/ksn/state.hpp"
#include "engine/protocols/ksn/treasury.hpp"
#include "tests/ksn/digits.hpp"

using namespace stampede::ksn;
using ksn_test::check_digits;

TEST_CASE("ksn case 5: bond price with DR = 1% and a 9450 USDC reserve bond") {
  const KsnBondParams bond;
  const BondQuote q = quote_bond(10.0, 90000.0, 9000000.0, bond);
  check_digits(q.debt_ratio, 0.01, 2);
  check_digits(q.price, 9.45, 2);
  check_digits(100.0 * q.discount, 5.5, 1);
  // d = 1 − (1 − d0)(1 + BCV·DR) exactly above the floor
  CHECK(q.discount == doctest::Approx(1.0 - 0.9 * 1.05).epsilon(1e-12));

  KsnState s = make_initial_state(KsnParams{}, 3600);
  const double cap_ksn = bond.max_payout * s.S;
  check_digits(cap_ksn, 4500.0, 0);
  const double u = cap_bond_usdc(9450.0, s.S, q.price, bond);
  CHECK(u == 9450.0);  // cap 4500 KSN = 42525 USDC not binding
  const double T0 = s.T_usdc, S0 = s.S;
  const BondIssue issue = issue_bonds(s, u, q.price, BondType::reserve, bond);
  check_digits(issue.payout, 1000.0, 6);
  CHECK(s.T_usdc == T0 + 9450.0);
  CHECK(s.S == doctest::Approx(S0 + 1000.0));
  CHECK(s.debt.debt() == doctest::Approx(1000.0));
  CHECK(s.ledger.minted_bonds == doctest::Approx(1000.0));
}

TEST_CASE("ksn case 5: KS15 valuation of 0.1% of L on the initial pool") {
  const KsnState s = make_initial_state(KsnParams{}, 3600);
  const BondValue v = lp_bond_value(0.001 * s.pool.shares(), s.pool, 1.0);
  check_digits(v.market, 20000.0, 0);
  check_digits(v.rfv, 6324.555, 3);
  check_digits(v.market / 9.45, 2116.402, 3);
}

TEST_CASE("ksn case 5: the RFV floor p_min binds at a low TWAP") {
  const BondQuote q = quote_bond(1.05, 0.0, 9000000.0, KsnBondParams{});
  check_digits(q.price, 1.0, 1);
  CHECK(q.price == 1.0);
  check_digits(100.0 * q.discount, 4.762, 3);
}

TEST_CASE("ksn case 5: vesting timeline of one 1000 KSN bond bought in the step ending at 1h") {
  const KsnParams p;
  const std::int64_t dt = 3600;
  KsnState s = make_initial_state(p, dt);
  REQUIRE(s.debt.vesting_steps() == 120);
  double bond_rem = 0.0, bond_claim = 0.0, bond_left = 0.0, liquid = 0.0;
  const double payout = 1000.0;
  for (int step = 0; step < 130; ++step) {
    const std::int64_t end = (step + 1) * dt;
    if (step == 0) {  // phase 3.5: KS17 deposit, bond_left ← T_v
      s.debt.deposit(payout);
      bond_rem += payout;
      bond_left = static_cast<double>(p.bond.vesting);
    }
    s.debt.end_step();                                                    // KS18 after deposits
    vest_bond(bond_rem, bond_claim, bond_left, static_cast<double>(dt));  // phase 4a KS19
    if (end % p.bond.claim_period == 0) claim_bond(liquid, bond_claim);   // KS20
    // Invariant 7: D equals KS18 recomputed from the ring, and from the closed form;
    // vested after τ = payout·min(1, τ/T_v).
    const double tau = static_cast<double>(end);
    const double linear = payout * std::max(0.0, 1.0 - tau / static_cast<double>(p.bond.vesting));
    CHECK(s.debt.debt() == doctest::Approx(s.debt.recomputed()).epsilon(1e-12).scale(1.0));
    CHECK(s.debt.debt() == doctest::Approx(linear).epsilon(1e-12).scale(1.0));
    CHECK(bond_rem == doctest::Approx(linear).epsilon(1e-12).scale(1.0));
    if (end == 24 * 3600) {
      check_digits(s.debt.debt(), 800.0, 0);
      check_digits(liquid, 200.0, 0);
      CHECK(bond_claim == 0.0);
    }
    if (end == 120 * 3600) {
      CHECK(s.debt.debt() == 0.0);
      CHECK(bond_rem == 0.0);
      CHECK(bond_left == 0.0);  // bond_rem = 0 when bond_left = 0
    }
  }
  CHECK(liquid + bond_claim == doctest::Approx(payout).epsilon(1e-14));
}

TEST_CASE("ksn KS18: overlapping vintages decay independently and the ring slot is reused") {
  BondDebt debt(4);
  debt.deposit(400.0);  // step 0
  debt.end_step();
  CHECK(debt.debt() == doctest::Approx(300.0));
  debt.deposit(100.0);  // step 1
  debt.deposit(100.0);  // a second bond in the same step joins the vintage
  debt.end_step();      // 400·2/4 + 200·3/4
  CHECK(debt.debt() == doctest::Approx(350.0));
  debt.end_step();  // step 2: 400·1/4 + 200·2/4
  debt.end_step();  // step 3: 0 + 200·1/4
  CHECK(debt.debt() == doctest::Approx(50.0));
  debt.deposit(80.0);  // step 4 uses step 0's slot, whose vintage has expired
  debt.end_step();     // 200·0 + 80·3/4
  CHECK(debt.debt() == doctest::Approx(60.0));
  CHECK(debt.recomputed() == doctest::Approx(60.0));
}

TEST_CASE("ksn case 6: zap 10000 USDC into the initial pool and the LP bond it buys") {
  KsnState s = make_initial_state(KsnParams{}, 3600);
  const stampede::market::ConstantProductPool before = s.pool;
  stampede::market::ConstantProductPool pool = s.pool;  // the zap alone, on a copy
  const stampede::market::Zap z = pool.zap_quote(10000.0);
  check_digits(z.swapped, 5006.260017, 6);
  check_digits(z.bought, 498.875123, 6);
  check_digits(z.added.shares, 1578.369066, 6);
  // The added pair has the post-swap pool ratio, so both sides mint the same shares.
  const double x1 = before.token_reserve() - z.bought, y1 = before.quote_reserve() + z.swapped;
  CHECK(z.added.quote / z.bought == doctest::Approx(y1 / x1).epsilon(1e-12));
  CHECK(z.bought * before.shares() / x1 == doctest::Approx(z.added.quote * before.shares() / y1).epsilon(1e-12));
  // What is added is the whole input: the KSN bought goes back in, the USDC not swapped with it.
  CHECK(z.added.token == doctest::Approx(z.bought).epsilon(1e-12));
  CHECK(z.added.quote == doctest::Approx(10000.0 - z.swapped).epsilon(1e-12));

  const KsnBondParams bond;
  const double T_lp0 = s.T_lp;
  const BondIssue issue = issue_bonds(s, 10000.0, 9.45, BondType::lp, bond);
  const BondValue v = lp_bond_value(issue.lp_minted, s.pool, 1.0);  // pool after the zap
  check_digits(v.market, 9987.47997, 5);
  check_digits(v.rfv, 3156.74050, 5);
  check_digits(issue.payout, 1056.87619, 5);
  check_digits(10000.0 / 9.45, 1058.20106, 5);
  CHECK(issue.payout < 10000.0 / 9.45);
  CHECK(s.T_lp == doctest::Approx(T_lp0 + 1578.369066));
  CHECK(s.pool.token_reserve() == before.token_reserve());  // the KSN bought goes back in
  CHECK(s.pool.quote_reserve() == doctest::Approx(before.quote_reserve() + 10000.0));
  CHECK(s.pool.shares() == doctest::Approx(before.shares() + 1578.369066));
  CHECK(s.T_usdc == 8000000.0);  // an LP bond does not add USDC reserves
}

TEST_CASE("ksn invariant 6: p_b >= p_min, payout_i <= pi_max·S, D <= D_max·S at the fill, E not lowered") {
  std::mt19937_64 gen(99);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const KsnBondParams bond;
  for (int k = 0; k < 500; ++k) {
    KsnState s = make_initial_state(KsnParams{}, 3600);
    // Spot 0.5 … 20.5; the treasury keeps its share of the (recreated) pool's L.
    const double L_before = s.pool.shares();
    s.pool = stampede::market::ConstantProductPool(s.pool.token_reserve(), s.pool.quote_reserve() * (0.05 + 2.0 * u01(gen)),
                                                   s.pool.fee());
    s.T_lp *= s.pool.shares() / L_before;
    const double S = s.S;
    const double D = bond.max_debt * S * 1.2 * u01(gen);  // sometimes above the cap
    const double twap = 0.5 + 20.0 * u01(gen);
    const BondQuote q = quote_bond(twap, D, S, bond);
    CHECK(q.price >= bond.min_price);
    // Ten agents' requests, capped per agent, then filled pro rata.
    double u[10], sum_e = 0.0;
    for (double& ui : u) {
      ui = cap_bond_usdc(1e5 * u01(gen), S, q.price, bond);
      CHECK(ui / q.price <= bond.max_payout * S * (1.0 + 1e-12));
      sum_e += ui / q.price;
    }
    const double f_b = bond_fill_fraction(sum_e, D, S, bond);
    CHECK(f_b >= 0.0);
    CHECK(f_b <= 1.0);
    double sum_u = 0.0;
    for (double& ui : u) sum_u += (ui *= f_b);
    const double E0 = value_treasury(s, KsnTreasuryParams{}, 0.0).excess;
    const BondType type = k % 2 == 0 ? BondType::reserve : BondType::lp;
    s.debt.deposit(D);  // outstanding debt before this step's bonds
    const BondIssue issue = issue_bonds(s, sum_u, q.price, type, bond);
    for (double ui : u) CHECK(issue.payout_per_usdc * ui <= bond.max_payout * S * (1.0 + 1e-12));
    if (D <= bond.max_debt * S)
      CHECK(s.debt.debt() <= bond.max_debt * S * (1.0 + 1e-12));
    else
      CHECK(issue.payout == 0.0);
    // Each bond adds RFV ≥ payout·p_min (the mint of `payout` is matched), so E never falls.
    const double E1 = value_treasury(s, KsnTreasuryParams{}, 0.0).excess;
    CHECK(E1 >= E0 - 1e-6);
  }
}
