// ConstantProductPool: Uniswap v2 invariants and the spec's validation cases (market.md,
// ksn.md §10 case 6). Expected values are closed forms written out here, not the pool's output.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>

#include "engine/core/errors.hpp"
#include "engine/market/pool.hpp"

using stampede::market::ConstantProductPool;

namespace {
// Deterministic spread of swap sizes (a tiny LCG; the values only need to vary).
struct Lcg {
  std::uint64_t s = 12345;
  double next01() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(s >> 11) * 0x1.0p-53;
  }
};
}  // namespace

TEST_CASE("pool: creation mints sqrt(x*y) shares, spot is y/x") {
  ConstantProductPool pool(1e6, 1e7, 0.003);
  CHECK(pool.shares() == doctest::Approx(3162277.6601683795).epsilon(1e-15));
  CHECK(pool.spot() == 10.0);
  CHECK_THROWS_AS(ConstantProductPool(0.0, 1.0, 0.003), stampede::RuntimeFailure);
  CHECK_THROWS_AS(ConstantProductPool(1.0, 1.0, 1.0), stampede::RuntimeFailure);
}

TEST_CASE("pool: k never decreases on swaps with a fee, and is kept with fee 0") {
  for (double fee : {0.003, 0.0005, 0.0}) {
    ConstantProductPool pool(3e6, 3e6, fee);
    Lcg rng;
    for (int i = 0; i < 2000; ++i) {
      const double k0 = pool.k();
      const double size = 1e6 * rng.next01() * rng.next01();  // up to 1/3 of a reserve
      if (rng.next01() < 0.5)
        pool.swap_token_in(size);
      else
        pool.swap_quote_in(size);
      if (fee > 0.0) {
        REQUIRE(pool.k() >= k0);
      } else {
        REQUIRE(std::abs(pool.k() / k0 - 1.0) < 1e-13);
      }
      REQUIRE(pool.token_reserve() > 0.0);
      REQUIRE(pool.quote_reserve() > 0.0);
    }
  }
}

TEST_CASE("pool: a swap's output follows out = in(1-f)y/(x + in(1-f))") {
  ConstantProductPool pool(1000.0, 2000.0, 0.003);
  const double out = pool.swap_token_in(100.0);
  // 100·0.997·2000/(1000 + 99.7) = 199400/1099.7
  CHECK(out == doctest::Approx(199400.0 / 1099.7).epsilon(1e-14));
  CHECK(pool.token_reserve() == 1100.0);  // the whole input (fee included) stays in the pool
  CHECK(pool.quote_reserve() == doctest::Approx(2000.0 - 199400.0 / 1099.7).epsilon(1e-14));
  CHECK(pool.fees_token() == doctest::Approx(0.3).epsilon(1e-14));
  CHECK(pool.fees_quote() == 0.0);
  CHECK(pool.swap_quote_in(0.0) == 0.0);
  CHECK(pool.swap_quote_in(-5.0) == 0.0);
  CHECK_THROWS_AS(pool.swap_quote_in(std::nan("")), stampede::RuntimeFailure);
}

TEST_CASE("pool: reserves stay strictly positive for huge inputs") {
  ConstantProductPool pool(1.0, 1e6, 0.003);
  const double out = pool.swap_token_in(1e300);
  CHECK(pool.quote_reserve() > 0.0);
  CHECK(out <= 1e6);
  const double out2 = pool.swap_quote_in(1e300);
  CHECK(pool.token_reserve() > 0.0);
  CHECK(std::isfinite(out2));
  ConstantProductPool p2(1e6, 1.0, 0.0);
  p2.swap_quote_in(1e20);  // output rounds to the whole reserve in floating point
  CHECK(p2.token_reserve() > 0.0);
  CHECK(p2.token_reserve() == doctest::Approx(1e6 / (1.0 + 1e20)).epsilon(1e-12));
}

TEST_CASE("pool: a token->quote->token round trip loses exactly the fees") {
  const double x = 2e6, y = 3e6, a = 50000.0;
  for (double f : {0.003, 0.01, 0.0}) {
    ConstantProductPool pool(x, y, f);
    const double q = pool.swap_token_in(a);
    const double back = pool.swap_quote_in(q);
    // Closed form: g = 1 − f, q = a·g·y/(x + a·g); then with x1 = x + a, y1 = y − q:
    // back = q·g·x1/(y1 + q·g) = q·g·(x + a)/(y − q·f). With f = 0, back = a exactly.
    const double g = 1.0 - f;
    const double q_exp = a * g * y / (x + a * g);
    const double back_exp = q_exp * g * (x + a) / (y - q_exp * f);
    CHECK(q == doctest::Approx(q_exp).epsilon(1e-13));
    CHECK(back == doctest::Approx(back_exp).epsilon(1e-13));
    if (f == 0.0)
      CHECK(back == doctest::Approx(a).epsilon(1e-13));
    else
      CHECK(back < a);
    // The loss stays in the pool: reserves grew by exactly what the trader lost.
    CHECK(pool.token_reserve() - x == doctest::Approx(a - back).epsilon(1e-9));
    CHECK(pool.quote_reserve() == doctest::Approx(y).epsilon(1e-14));
    CHECK(pool.fees_token() == doctest::Approx(a * f).epsilon(1e-14));
    CHECK(pool.fees_quote() == doctest::Approx(q * f).epsilon(1e-14));
  }
}

TEST_CASE("pool: sub-swap pieces") {
  // Without a fee the constant product is path independent: pieces give the single-swap output.
  ConstantProductPool a(1e6, 1e7, 0.0), b(1e6, 1e7, 0.0);
  const double single = a.swap_token_in(1e5);
  const double split = b.swap_token_in(1e5, 4);
  CHECK(single == doctest::Approx(1e7 * 1e5 / 1.1e6).epsilon(1e-13));
  CHECK(split == doctest::Approx(single).epsilon(1e-13));
  // With a fee: two pieces of 500 by hand, g = 0.997, pool (1000, 1000).
  ConstantProductPool c(1000.0, 1000.0, 0.003);
  const double out = c.swap_token_in(1000.0, 2);
  const double o1 = 500 * 0.997 * 1000 / (1000 + 500 * 0.997);
  const double o2 = 500 * 0.997 * (1000 - o1) / (1500 + 500 * 0.997);
  CHECK(out == doctest::Approx(o1 + o2).epsilon(1e-14));
  CHECK(c.fees_token() == doctest::Approx(3.0).epsilon(1e-14));
}

TEST_CASE("pool: proportional add and pro-rata remove") {
  ConstantProductPool pool(1000.0, 2000.0, 0.003);  // p = 2
  const double L0 = std::sqrt(2e6);
  // Quote side binding: min(5000, 100·2) = 200 quote, 100 tokens, shares L·200/2000.
  auto add = pool.add_liquidity(100.0, 5000.0);
  CHECK(add.quote == doctest::Approx(200.0).epsilon(1e-15));
  CHECK(add.token == doctest::Approx(100.0).epsilon(1e-15));
  CHECK(add.shares == doctest::Approx(0.1 * L0).epsilon(1e-14));
  CHECK(pool.spot() == doctest::Approx(2.0).epsilon(1e-15));
  // Token side binding: min(60, 1000·2) = 60 quote, 30 tokens.
  auto add2 = pool.add_liquidity(1000.0, 60.0);
  CHECK(add2.quote == doctest::Approx(60.0).epsilon(1e-15));
  CHECK(add2.token == doctest::Approx(30.0).epsilon(1e-15));
  CHECK(add2.shares == doctest::Approx(1.1 * L0 * 60.0 / 2200.0).epsilon(1e-14));
  CHECK(pool.shares() == doctest::Approx(L0 * (1.1 + 0.03)).epsilon(1e-14));
  // Removing the first add's shares returns (x·s/L, y·s/L) = its own deposit (no trades between).
  auto rem = pool.remove_liquidity(add.shares, add.shares);
  CHECK(rem.token == doctest::Approx(100.0).epsilon(1e-13));
  CHECK(rem.quote == doctest::Approx(200.0).epsilon(1e-13));
  // Capped by the shares held.
  auto rem2 = pool.remove_liquidity(1e9, 10.0);
  CHECK(rem2.shares == 10.0);
  CHECK(rem2.token == doctest::Approx(1030.0 * 10.0 / (L0 * 1.03)).epsilon(1e-13));
  // Withdrawing everything leaves a positive locked residue.
  auto all = pool.remove_liquidity(1e12, 1e12);
  CHECK(all.shares > 0.0);
  CHECK(pool.shares() == doctest::Approx(ConstantProductPool::kLockedShareFraction * L0).epsilon(1e-6));
  CHECK(pool.token_reserve() > 0.0);
  CHECK(pool.quote_reserve() > 0.0);
  CHECK(pool.spot() == doctest::Approx(2.0).epsilon(1e-9));
}

TEST_CASE("pool: KS16 zap matches ksn.md section 10 case 6") {
  ConstantProductPool pool(1e6, 1e7, 0.003);
  const double L0 = pool.shares();
  auto z = pool.zap_quote(10000.0);
  CHECK(z.swapped == doctest::Approx(5006.260017).epsilon(1e-10));
  CHECK(z.bought == doctest::Approx(498.875123).epsilon(1e-9));
  CHECK(z.added.shares == doctest::Approx(1578.369066).epsilon(1e-9));
  // Nothing is lost: the whole USDC and all KSN bought went into the pool (up to rounding dust).
  CHECK(z.added.quote + z.swapped == doctest::Approx(10000.0).epsilon(1e-12));
  CHECK(z.added.token == doctest::Approx(z.bought).epsilon(1e-12));
  CHECK(pool.shares() == doctest::Approx(L0 + 1578.369066).epsilon(1e-12));
  // Token-side zap is the mirror image: zapping into the mirrored pool gives the same numbers.
  ConstantProductPool mirror(1e7, 1e6, 0.003);
  auto zt = mirror.zap_token(10000.0);
  CHECK(zt.swapped == doctest::Approx(5006.260017).epsilon(1e-10));
  CHECK(zt.added.shares == doctest::Approx(1578.369066).epsilon(1e-9));
}

TEST_CASE("pool: input to reach a target price (kai.md K18)") {
  // Fee 0: lands on the target exactly.
  ConstantProductPool a(1e6, 0.9e6, 0.0);
  const double d = a.quote_in_to_reach(0.99);
  CHECK(d == doctest::Approx(std::sqrt(0.9e12 * 0.99) - 0.9e6).epsilon(1e-12));
  a.swap_quote_in(d);
  CHECK(a.spot() == doctest::Approx(0.99).epsilon(1e-13));
  CHECK(a.quote_in_to_reach(0.5) == 0.0);  // already above: nothing to buy
  // With a fee the spot overshoots by 1 + f·d/(y + d(1 − f)).
  ConstantProductPool b(1e6, 0.9e6, 0.003);
  const double db = b.quote_in_to_reach(0.99);
  b.swap_quote_in(db);
  CHECK(b.spot() == doctest::Approx(0.99 * (1 + 0.003 * db / (0.9e6 + db * 0.997))).epsilon(1e-12));
  // Token side, from above.
  ConstantProductPool c(1e6, 1.2e6, 0.0);
  const double q = c.token_in_to_reach(1.01);
  c.swap_token_in(q);
  CHECK(c.spot() == doctest::Approx(1.01).epsilon(1e-13));
  CHECK(c.token_in_to_reach(2.0) == 0.0);
}
