// Clearing on totals: K16 redemption, K17/K21 liquidity (the pool's add/remove), K18 arbitrage,
// K19 bond purchase.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "engine/market/pool.hpp"
#include "engine/protocols/kai/arbitrage.hpp"
#include "engine/protocols/kai/bond.hpp"
#include "engine/protocols/kai/redemption.hpp"
#include "engine/protocols/kai/round.hpp"
#include "kai/kai_fixtures.hpp"

using namespace stampede::kai;
namespace market = stampede::market;
using doctest::Approx;
using kai_test::kExact;
using kai_test::make_state;

TEST_CASE("K19 fills never exceed contraction_left nor the debt cap") {
  std::mt19937_64 gen(42);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int mode = 0; mode < 2; ++mode) {
    KaiParams p;
    p.debt_cap_base = mode == 0 ? DebtCapBase::circulation : DebtCapBase::supply;
    for (int i = 0; i < 300; ++i) {
      auto s = make_state(1e7, 5e5 * u(gen), 4e6 * u(gen));
      run_round(s, p, 0.9, i, 0.999999);
      const double round_cap = p.contraction_cap * s.S;  // §9: Σ K19 per round ≤ 3%·S at round start
      double filled = 0.0;
      for (int k = 0; k < 5; ++k) {
        const double base = mode == 0 ? s.C() : s.S;
        const double left = s.contraction_left, B0 = s.B;
        const double q = 2e5 * u(gen);
        const BondFill f = purchase_bonds(s, p, q);
        filled += f.fill;
        CHECK(f.fill <= left);
        CHECK(f.fill <= q);
        CHECK(s.B <= std::max(B0, p.max_debt_ratio * base) * (1 + kExact));
        CHECK(s.contraction_left >= 0.0);
        CHECK(f.phi >= 0.0);
        CHECK(f.phi <= 1.0);
        // debt_cap_hit ⇔ requests unfilled because of the debt room, not the round allowance.
        const double room = std::max(0.0, p.max_debt_ratio * base - B0);
        CHECK(f.debt_cap_hit == (q > std::min(left, room) && room < left));
      }
      CHECK(filled <= round_cap * (1 + kExact));
    }
  }
}

TEST_CASE("K19 nothing fills in expansion rounds") {
  const KaiParams p;
  auto s = make_state(1e7);
  run_round(s, p, 1.0, 0, 0.999999);
  const double S = s.S;
  const BondFill f = purchase_bonds(s, p, 1e5);
  CHECK(f.fill == 0.0);
  CHECK(s.S == S);
  CHECK(s.B == 0.0);
}

TEST_CASE("K16 redemption at peg never pays more than A") {
  const KaiParams p;
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 500; ++i) {
    auto s = make_state(1e7, 1e5 * u(gen), 2e5);
    s.twap_r = 1.0 + 0.1 * u(gen);
    const double A0 = s.A, S0 = s.S;
    const double q = 2e5 * u(gen);
    const Redemption rd = redeem_bkai(s, p, q);
    CHECK(rd.kai_paid <= A0);
    CHECK(rd.kai_paid == Approx(rd.phi * q).epsilon(kExact));
    CHECK(s.A >= 0.0);
    CHECK(s.A == Approx(A0 - rd.kai_paid).epsilon(kExact));
    CHECK(s.S == S0);
    CHECK(rd.treasury_short == (q > A0));
  }
}

TEST_CASE("K16 the [0.995, 1) band redeems at the penalty rate") {
  const KaiParams p;
  auto s = make_state(1e7, 1e6, 1e5);
  s.twap_r = 0.997;
  const Redemption rd = redeem_bkai(s, p, 1000.0);
  CHECK(rd.kai_paid == 0.0);
  CHECK(rd.kai_minted == Approx(900.0).epsilon(kExact));
  CHECK(s.A == 1e6);
}

TEST_CASE("K21 LP add fills per side at the current price") {
  // p = 2: x = 1e6 KAI, y = 2e6 KUSDT. Intents ΣΔy = 1000 KUSDT, ΣΔx = 400 KAI → the KAI side binds.
  const double x = 1e6, y = 2e6, L = std::sqrt(2e12);
  auto pool = kai_test::make_pool(x, y);
  REQUIRE(pool.shares() == Approx(L).epsilon(kExact));
  const double dy_intent = 1000.0, dx_intent = 400.0;
  const market::LiquidityAdded a = pool.add_liquidity(dx_intent, dy_intent);
  CHECK(a.quote == Approx(800.0).epsilon(kExact));
  CHECK(a.token == Approx(400.0).epsilon(kExact));
  CHECK(a.shares == Approx(L * 800.0 / 2e6).epsilon(kExact));
  // The per-side fill ratios each agent's intent is scaled by (KaiPath::clear).
  const double fill_kusdt = a.quote / dy_intent, fill_kai = a.token / dx_intent;
  const double share_per_kusdt = a.shares / dy_intent;
  CHECK(fill_kusdt == Approx(0.8).epsilon(kExact));
  CHECK(fill_kai == Approx(1.0).epsilon(kExact));
  CHECK(share_per_kusdt * 1000.0 == Approx(a.shares).epsilon(kExact));
  // The add keeps the price and the value per share.
  CHECK(pool.spot() == Approx(2.0).epsilon(kExact));
  CHECK(pool.quote_reserve() / pool.shares() == Approx(y / L).epsilon(kExact));
  CHECK(pool.token_reserve() == Approx(x + 400.0).epsilon(kExact));
  CHECK(pool.quote_reserve() == Approx(y + 800.0).epsilon(kExact));
  // KUSDT side binds.
  auto q = kai_test::make_pool(x, y);
  const market::LiquidityAdded b = q.add_liquidity(400.0, 100.0);
  CHECK(b.quote == 100.0);
  CHECK(b.token == Approx(50.0).epsilon(kExact));
  CHECK(b.token / 400.0 == Approx(0.125).epsilon(kExact));
  // Nothing on one side: nothing added.
  auto e = kai_test::make_pool(x, y);
  CHECK(e.add_liquidity(400.0, 0.0).shares == 0.0);
  CHECK(e.shares() == Approx(L).epsilon(kExact));
}

TEST_CASE("K17 LP removal takes reserves pro rata") {
  auto pool = kai_test::make_pool(1e6, 2e6);
  const double L = pool.shares();
  const market::LiquidityRemoved r = pool.remove_liquidity(L / 4, L / 4);  // a quarter of the shares
  CHECK(r.shares == L / 4);
  CHECK(r.token == Approx(2.5e5).epsilon(kExact));
  CHECK(r.quote == Approx(5e5).epsilon(kExact));
  CHECK(pool.shares() == Approx(0.75 * L).epsilon(kExact));
  CHECK(pool.spot() == Approx(2.0).epsilon(kExact));  // pro rata: the price does not move
  // Capped at the shares held.
  auto held = kai_test::make_pool(1e6, 2e6);
  CHECK(held.remove_liquidity(L / 2, L / 4).shares == L / 4);
  // Capped at L less the pool's locked residue (1e-12·L0): the reserves stay positive.
  auto all = kai_test::make_pool(1e6, 2e6);
  const market::LiquidityRemoved w = all.remove_liquidity(2 * L, 2 * L);
  CHECK(w.shares == Approx(L).epsilon(kExact));
  CHECK(w.shares < L);
  CHECK(all.shares() == Approx(market::ConstantProductPool::kLockedShareFraction * L).epsilon(1e-6));
  CHECK(all.token_reserve() > 0.0);
  CHECK(all.quote_reserve() > 0.0);
}

TEST_CASE("K18 arbitrage moves the price to the band edge within the stated overshoot") {
  const double fee = KaiParams{}.pool.fee, peg = 1.0, band = 0.005;
  REQUIRE(fee == 0.003);
  SUBCASE("below the band: buys KAI with KUSDT") {
    const double x = 3.2e6, y = 2.8e6;  // p = 0.875
    auto pool = kai_test::make_pool(x, y);
    double arb_kai = 0.0, arb_kusdt = 1e6;
    const ArbTrade t = arbitrage(pool, arb_kai, arb_kusdt, peg, band);
    REQUIRE(t.kind == ArbKind::buy_kai);
    const double p_star = peg - band;
    const double d = t.amount_in;
    CHECK(d * (1 - fee) == Approx(std::sqrt(x * y * p_star) - y).epsilon(1e-9));
    CHECK(t.amount_out == Approx(d * (1 - fee) * x / (y + d * (1 - fee))).epsilon(kExact));
    const double p_after = (y + d) / (x - t.amount_out);
    CHECK(pool.spot() == Approx(p_after).epsilon(kExact));
    const double overshoot = 1 + fee * d / (y + d * (1 - fee));  // K18's stated factor
    CHECK(p_after >= p_star * (1 - 1e-12));
    CHECK(p_after == Approx(p_star * overshoot).epsilon(1e-10));
    CHECK(p_after <= peg + band);
    CHECK(arb_kusdt == Approx(1e6 - d).epsilon(kExact));
    CHECK(arb_kai == t.amount_out);
  }
  SUBCASE("above the band: sells KAI for KUSDT") {
    const double x = 2.7e6, y = 3.3e6;
    auto pool = kai_test::make_pool(x, y);
    double arb_kai = 1e6, arb_kusdt = 0.0;
    const ArbTrade t = arbitrage(pool, arb_kai, arb_kusdt, peg, band);
    REQUIRE(t.kind == ArbKind::sell_kai);
    const double p_star = peg + band;
    const double q = t.amount_in;
    const double x_star = std::sqrt(x * y / p_star);
    CHECK(q * (1 - fee) == Approx(x_star - x).epsilon(1e-9));
    const double p_after = (y - t.amount_out) / (x + q);
    CHECK(pool.spot() == Approx(p_after).epsilon(kExact));
    CHECK(p_after <= p_star * (1 + 1e-12));
    CHECK(p_after == Approx(p_star / (1 + q * fee / x_star)).epsilon(1e-10));
    CHECK(arb_kai == Approx(1e6 - q).epsilon(kExact));
    CHECK(arb_kusdt == t.amount_out);
  }
  SUBCASE("capital-limited: spends exactly the stock and stops short of the band") {
    const double x = 3.2e6, y = 2.8e6;
    auto s = make_state(1e7);
    s.pool = kai_test::make_pool(x, y);
    s.arb_kusdt = 5e4;
    s.arb_kai = 0.0;
    const ArbTrade t = arbitrage(s.pool, s.arb_kai, s.arb_kusdt, peg, band);
    CHECK(t.amount_in == 5e4);
    CHECK(s.arb_kusdt == 0.0);
    CHECK(s.arb_kai == Approx(t.amount_out).epsilon(kExact));
    CHECK(s.pool.spot() < peg - band);
    CHECK(s.pool.k() >= x * y);  // fees stay in the pool
  }
  SUBCASE("inside the band or without stock: no trade") {
    const auto none = [&](double x, double y, double ak, double au) {
      auto pool = kai_test::make_pool(x, y);
      double a = ak, b = au;
      const ArbTrade t = arbitrage(pool, a, b, peg, band);
      CHECK(a == ak);  // stocks and reserves untouched
      CHECK(b == au);
      CHECK(pool.token_reserve() == x);
      CHECK(pool.quote_reserve() == y);
      return t.kind == ArbKind::none;
    };
    CHECK(none(3e6, 3.01e6, 1e6, 1e6));
    CHECK(none(3.2e6, 2.8e6, 1e6, 0.0));
    CHECK(none(2.7e6, 3.3e6, 0.0, 1e6));
  }
  SUBCASE("random pools: never spends more than the stocks") {
    std::mt19937_64 gen(11);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < 1000; ++i) {
      const double x = 1e6 + 5e6 * u(gen), y = 1e6 + 5e6 * u(gen);
      const double ak = 1e6 * u(gen), au = 1e6 * u(gen);
      auto pool = kai_test::make_pool(x, y);
      double a = ak, b = au;
      const ArbTrade t = arbitrage(pool, a, b, peg, band);
      if (t.kind == ArbKind::buy_kai) CHECK(t.amount_in <= au);
      if (t.kind == ArbKind::sell_kai) CHECK(t.amount_in <= ak);
      CHECK(t.amount_in >= 0.0);
      CHECK(a >= 0.0);
      CHECK(b >= 0.0);
    }
  }
}
