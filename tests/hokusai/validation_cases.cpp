// hokusai.md §10 validation cases 1–9 and the §9 curve, vesting and reward invariants, driven
// through the rule functions. Expected values are the spec's (to the digits it states) or closed
// forms written beside them, never outputs of the code under test.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "engine/core/errors.hpp"
#include "engine/protocols/hokusai/access.hpp"
#include "engine/protocols/hokusai/curve.hpp"
#include "engine/protocols/hokusai/rewards.hpp"
#include "engine/protocols/hokusai/vesting_slots.hpp"

using namespace stampede::hokusai;
using doctest::Approx;

namespace {

constexpr double kTight = 1e-12;
constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;
constexpr double kInf = std::numeric_limits<double>::infinity();

// The spec's figure to the decimals it states (half a unit of its last digit).
Approx spec_digits(double stated, int decimals) {
  return Approx(stated).epsilon(0.5 * std::pow(10.0, -decimals) / std::fabs(stated));
}

CurveParams no_fee() {
  CurveParams p;
  p.trade_fee = 0.0;
  return p;
}

// H17 over [from, to] in steps of dt; returns the tokens released.
double release_over(Slot& slot, double from, double to, double dt) {
  const auto steps = std::llround((to - from) / dt);
  REQUIRE(from + static_cast<double>(steps) * dt == to);
  double released = 0.0;
  for (long long k = 1; k <= steps; ++k) {
    const double delta = release(slot, from + static_cast<double>(k) * dt);
    CHECK(delta >= 0.0);
    released += delta;
  }
  return released;
}

}  // namespace

TEST_CASE("hokusai.md §10.1 round trip: buy 10,000 USDC at P = 0.25, sell the tokens back") {
  const CurveParams p;
  Curve c{1e5, 2e6, true};
  CHECK(spot(p, c.R, c.S) == 0.25);
  const Buy b = buy(p, c, 10'000.0);
  CHECK(b.reserve_in == Approx(9'970.0).epsilon(kTight));
  CHECK(b.fee == Approx(30.0).epsilon(kTight));
  CHECK(b.tokens == spec_digits(38'378.5505, 4));
  CHECK(b.tokens == Approx(2e6 * (std::pow(1.0997, 0.2) - 1.0)).epsilon(kTight));
  CHECK(c.R == Approx(109'970.0).epsilon(kTight));
  CHECK(c.S == spec_digits(2'038'378.5505, 4));
  CHECK(spot(p, c.R, c.S) == spec_digits(0.26974872, 8));
  CHECK(p.crr * spot(p, c.R, c.S) * c.S == Approx(c.R).epsilon(kTight));  // w·P·S = R on the curve

  const Sell s = sell(p, c, b.tokens);
  CHECK(s.gross == Approx(9'970.0).epsilon(kTight));
  CHECK(s.net == Approx(9'940.09).epsilon(kTight));
  CHECK(s.net == Approx(10'000.0 * 0.997 * 0.997).epsilon(kTight));  // E·(1 − f)²
  CHECK(b.fee + s.fee == Approx(59.91).epsilon(kTight));             // treasury
  CHECK(c.R == Approx(1e5).epsilon(kTight));
  CHECK(c.S == Approx(2e6).epsilon(kTight));
}

TEST_CASE("hokusai.md §10.2 fee deposit raises P by 1%; routing 5,000 USDC at infra 0.8 adds 1,000 to R") {
  const CurveParams p;
  const double R = 1e5, S = 2e6;
  CHECK(spot(p, R, S) == 0.25);
  CHECK(spot(p, R + 1'000.0, S) == Approx(0.2525).epsilon(kTight));
  const FeeRouting r = route_fees(5'000.0, 0.8);
  CHECK(r.reserve == Approx(1'000.0).epsilon(kTight));
  CHECK(r.infra == Approx(4'000.0).epsilon(kTight));
  CHECK(r.reserve + r.infra == 5'000.0);
  const FeeRouting all_infra = route_fees(5'000.0, 1.0);
  CHECK(all_infra.reserve == 0.0);
}

TEST_CASE("hokusai.md §10.3 flat launch and the graduation crossing") {
  const CurveParams p;
  Curve launch{0.0, 0.0, false};
  CHECK(spot(p, launch.R, launch.S) == 0.01);
  const Buy first = buy(p, launch, 1'000.0);
  CHECK(first.tokens == Approx(99'700.0).epsilon(kTight));
  CHECK(launch.R == Approx(997.0).epsilon(kTight));
  CHECK(launch.S == Approx(99'700.0).epsilon(kTight));
  CHECK(!launch.graduated);

  Curve c{24'000.0, 2.4e6, false};
  CHECK(spot(p, c.R, c.S) == 0.01);
  const Buy b = buy(p, c, 5'000.0);
  const double flat_part = 1'000.0 * 0.997 / 0.01;  // 99,700
  CHECK(flat_part == Approx(99'700.0).epsilon(kTight));
  CHECK(b.tokens - flat_part == spec_digits(75'100.2285, 4));  // the curve part
  CHECK(b.tokens == spec_digits(174'800.2285, 4));
  CHECK(b.fee == Approx(15.0).epsilon(kTight));
  CHECK(c.R == Approx(28'985.0).epsilon(kTight));
  CHECK(c.S == spec_digits(2.4e6 + 174'800.2285, 4));
  CHECK(c.graduated);
  CHECK(spot(p, c.R, c.S) == spec_digits(0.05628592, 8));  // the jump from 0.01

  // A buy that ends exactly at R_th is flat-priced and graduates.
  Curve edge{24'000.0, 2.4e6, false};
  const Buy to_threshold = buy(no_fee(), edge, 1'000.0);
  CHECK(to_threshold.tokens == Approx(100'000.0).epsilon(kTight));
  CHECK(edge.R == 25'000.0);
  CHECK(edge.graduated);
  // At R = R_th the curve prices (H2: flat only when R < R_th).
  CHECK(spot(p, edge.R, edge.S) == Approx(25'000.0 / (0.2 * 2.5e6)).epsilon(kTight));  // 0.05
  CHECK(sell_gross(p, edge.R, edge.S, 1e4) ==
        Approx(25'000.0 * (1.0 - std::pow(1.0 - 0.004, 5.0))).epsilon(kTight));

  // The crossing test uses the gross E (as the contract): R + E = 25,002 > R_th although
  // R + E' = 24,998.994 is not. The gross flat portion 1,000 mints 99,700, the other 2 USDC
  // (1.994 net) are priced on the curve from (R_th, S + 99,700), and R stays below R_th.
  Curve gross{24'000.0, 2.4e6, false};
  const Buy g = buy(p, gross, 1'002.0);
  CHECK(g.tokens ==
        Approx(99'700.0 + 2'499'700.0 * (std::pow(1.0 + 1.994 / 25'000.0, 0.2) - 1.0)).epsilon(kTight));
  CHECK(gross.R == Approx(24'998.994).epsilon(kTight));
  CHECK(!gross.graduated);
  CHECK(spot(p, gross.R, gross.S) == 0.01);
}

TEST_CASE("hokusai.md §10.4 max sell at R = 1e5, S = 2e6: T_max = 87,295.0004 and F = 20,000") {
  const CurveParams p;
  const double t_max = max_sell_tokens(p, 1e5, 2e6);
  CHECK(t_max == spec_digits(87'295.0004, 4));
  CHECK(t_max == Approx(2e6 * (1.0 - std::pow(0.8, 0.2))).epsilon(kTight));
  CHECK(sell_gross(p, 1e5, 2e6, t_max) == Approx(20'000.0).epsilon(kTight));
}

TEST_CASE("hokusai.md §10.5 access: 8,750 tokens/day bought by exact output and burned") {
  const CurveParams p;
  Curve c{1e5, 2e6, true};
  const double p0 = spot(p, c.R, c.S);
  const double tokens = access_tokens(10'000.0, kDay, 1.0, 0.5, 0.25, p0, p0, 1.0);
  CHECK(tokens == Approx(8'750.0).epsilon(kTight));

  const AccessCost quote = access_cost(p, c.R, c.S, tokens);
  CHECK(c.R == 1e5);  // a quote changes nothing
  CHECK(quote.reserve_in == spec_digits(2'206.7245, 4));
  CHECK(quote.gross == spec_digits(2'213.3646, 4));
  CHECK(quote.gross == Approx(quote.reserve_in / 0.997).epsilon(kTight));
  CHECK(quote.fee == Approx(quote.gross - quote.reserve_in).epsilon(kTight));

  const AccessCost paid = access_buy_pieces(p, c, tokens, 1);
  CHECK(paid.reserve_in == quote.reserve_in);
  CHECK(c.S == 2e6);  // burned at once
  CHECK(c.R == spec_digits(102'206.7245, 4));
  CHECK(spot(p, c.R, c.S) == spec_digits(0.25551681, 8));
  // The exact output: buying E' by H10 mints the same T.
  Curve check{1e5, 2e6, true};
  CHECK(buy(p, check, quote.gross).tokens == Approx(tokens).epsilon(kTight));
}

TEST_CASE("hokusai.md §10.6 reward split, the day-73 release, early withdrawal and rejections") {
  const RewardParams rp;
  const Submission ok = submit(rp, 150.0, 0.0, -kInf, 1.5e6);
  REQUIRE(ok.why == Rejection::none);
  CHECK(ok.reward == 375'000.0);

  for (const double dt : {0.0, kHour, kDay}) {
    CAPTURE(dt);
    Slot slots[4];
    const Grant g = grant(slots, 4, ok.reward, 0.0, VestingTerms{});
    CHECK(g.liquid == Approx(37'500.0).epsilon(kTight));
    CHECK(g.vesting == Approx(337'500.0).epsilon(kTight));
    CHECK(g.liquid + g.vesting == ok.reward);
    CHECK(!g.merged);
    CHECK(slots[0].used());
    CHECK(!slots[1].used());
    const double released =
        dt > 0.0 ? release_over(slots[0], 0.0, 73 * kDay, dt) : release(slots[0], 73 * kDay);
    CHECK(released == Approx(67'500.0).epsilon(kTight));
    const EarlyWithdrawal w = withdraw_early(slots, 4, 0.5);
    CHECK(w.paid == Approx(135'000.0).epsilon(kTight));
    CHECK(w.burned == Approx(135'000.0).epsilon(kTight));
    for (const Slot& s : slots) CHECK(!s.used());
  }

  CHECK(reward_for(rp, 80.0) == 0.0);
  CHECK(submit(rp, 80.0, 0.0, -kInf, 1.5e6).why == Rejection::below_min);
  CHECK(reward_for(rp, 1'200.0) == 2.5e6);  // 3e6 capped
  const Submission big = submit(rp, 1'200.0, 0.0, -kInf, 1.5e6);
  CHECK(big.why == Rejection::budget);  // whole reward > budget: no haircut
  CHECK(big.reward == 0.0);
  CHECK(submit(rp, 1'200.0, 0.0, -kInf, 2.5e6).reward == 2.5e6);  // reward = budget is accepted
}

TEST_CASE("hokusai.md §10.7 cliff 90d over 365d: the same release with dt = 1h, 1d, 5d; 30d steps") {
  const VestingTerms team{0.0, 90 * kDay, 365 * kDay};
  for (const double dt : {kHour, kDay, 5 * kDay}) {
    CAPTURE(dt);
    Slot slot[1];
    const Grant g = grant(slot, 1, 365'000.0, 0.0, team);
    REQUIRE(g.vesting == 365'000.0);
    CHECK(g.liquid == 0.0);
    double released = release_over(slot[0], 0.0, 90 * kDay - dt, dt);
    CHECK(released == 0.0);  // every step before day 90
    CHECK(slot[0].released == 0.0);
    released += release_over(slot[0], 90 * kDay - dt, 90 * kDay, dt);
    CHECK(released == Approx(90'000.0).epsilon(kTight));
    released += release_over(slot[0], 90 * kDay, 200 * kDay, dt);
    CHECK(released == Approx(200'000.0).epsilon(kTight));
    released += release_over(slot[0], 200 * kDay, 365 * kDay, dt);
    CHECK(released == Approx(365'000.0).epsilon(kTight));
    CHECK(!slot[0].used());  // freed when fully released
    CHECK(release(slot[0], 366 * kDay) == 0.0);
  }
  // dt = 30d: day 90 is a step end (90,000); days 200 and 365 are not.
  Slot slot[1];
  grant(slot, 1, 365'000.0, 0.0, team);
  CHECK(release(slot[0], 30 * kDay) == 0.0);
  CHECK(release(slot[0], 60 * kDay) == 0.0);
  CHECK(release(slot[0], 90 * kDay) == Approx(90'000.0).epsilon(kTight));
  double released = 90'000.0 + release_over(slot[0], 90 * kDay, 210 * kDay, 30 * kDay);
  CHECK(released == Approx(210'000.0).epsilon(kTight));
  released += release_over(slot[0], 210 * kDay, 390 * kDay, 30 * kDay);
  CHECK(released == Approx(365'000.0).epsilon(kTight));
  CHECK(!slot[0].used());
}

TEST_CASE("hokusai.md §10.8 initial supply by score (H1) and the config error below the minimum") {
  CHECK(initial_supply(8'000.0, 5'000.0, 1e6, 1e7) == Approx(6.4e6).epsilon(kTight));
  CHECK(initial_supply(5'000.0, 5'000.0, 1e6, 1e7) == 1e6);
  CHECK(initial_supply(10'000.0, 5'000.0, 1e6, 1e7) == 1e7);
  CHECK(initial_supply(10'000.0, 10'000.0, 1e6, 1e7) == 1e7);  // only a perfect score qualifies
  bool refused = false;
  try {
    initial_supply(4'999.0, 5'000.0, 1e6, 1e7);
  } catch (const stampede::InputError& err) {
    refused = true;
    REQUIRE(err.diagnostics().size() == 1);
    CHECK(err.diagnostics()[0].key == "hokusai.initial_supply.score_bps");
    CHECK(err.diagnostics()[0].message.find("4999") != std::string::npos);
  }
  CHECK(refused);
}

TEST_CASE("hokusai.md §10.9 redemption run: 25,000 USDC paid in 24h against R = 100,000 a day ago") {
  CHECK(redemption_run(25'000.0, 100'000.0, 0.25));
  CHECK(!redemption_run(24'999.0, 100'000.0, 0.25));
  CHECK(redemption_run(30'000.0, 100'000.0, 0.25));
  CHECK(!redemption_run(0.0, 0.0, 0.25));  // nothing paid is never a run
  CHECK(redemption_run(1.0, 0.0, 0.25));
}

TEST_CASE("§9 path independence (f = 0): a buy and the sale of its tokens restore (R, S)") {
  const CurveParams p = no_fee();
  SUBCASE("on the curve") {
    for (const double E : {1.0, 1'000.0, 1e4, 1e5}) {
      CAPTURE(E);
      Curve c{1e5, 2e6, true};
      const Buy b = buy(p, c, E);
      const Sell s = sell(p, c, b.tokens);
      CHECK(s.gross == Approx(E).epsilon(kTight));
      CHECK(c.R == Approx(1e5).epsilon(kTight));
      CHECK(c.S == Approx(2e6).epsilon(kTight));
    }
  }
  SUBCASE("in the flat phase") {
    Curve c{1'000.0, 1e5, false};
    const Buy b = buy(p, c, 5'000.0);
    CHECK(b.tokens == Approx(500'000.0).epsilon(kTight));
    const Sell s = sell(p, c, b.tokens);
    CHECK(s.gross == Approx(5'000.0).epsilon(kTight));
    CHECK(c.R == Approx(1'000.0).epsilon(kTight));
    CHECK(c.S == Approx(1e5).epsilon(kTight));
  }
  SUBCASE("a crossing buy is its flat leg to R_th then its curve leg") {
    Curve whole{24'000.0, 2.4e6, false};
    const Buy b = buy(p, whole, 5'000.0);
    Curve legs{24'000.0, 2.4e6, false};
    const double flat_tokens = buy(p, legs, 1'000.0).tokens;
    REQUIRE(legs.R == p.flat_threshold);
    const double curve_tokens = buy(p, legs, 4'000.0).tokens;
    CHECK(b.tokens == Approx(flat_tokens + curve_tokens).epsilon(kTight));
    CHECK(whole.R == legs.R);
    CHECK(whole.S == Approx(legs.S).epsilon(kTight));
    // The curve leg's sale restores the graduation point (R_th, S0 + T_f).
    sell(p, legs, curve_tokens);
    CHECK(legs.R == Approx(25'000.0).epsilon(kTight));
    CHECK(legs.S == Approx(2.4e6 + 100'000.0).epsilon(kTight));
  }
  SUBCASE("across R_th H11 prices the whole sale on the curve: the graduation jump, not a round trip") {
    // Documented departure from §9's wording: the sale starts at R ≥ R_th, so all of it is priced
    // on the curve, whose invariant through (R_th, S0 + T_f) gives R = R_th·(S0/(S0 + T_f))^(1/w).
    Curve c{24'000.0, 2.4e6, false};
    const Buy b = buy(p, c, 5'000.0);
    const Sell s = sell(p, c, b.tokens);
    CHECK(c.S == Approx(2.4e6).epsilon(kTight));
    CHECK(c.R == Approx(25'000.0 * std::pow(0.96, 5.0)).epsilon(kTight));  // 20,384.317
    CHECK(s.gross ==
          Approx(29'000.0 - 25'000.0 * std::pow(0.96, 5.0)).epsilon(kTight));  // 8,615.68 for 5,000
  }
}

TEST_CASE("pieces: a buy in n pieces keeps the curve's tokens, sums the fees and stays in its price bounds") {
  const CurveParams p;
  for (const int n : {1, 2, 7, 24, 100}) {
    CAPTURE(n);
    Curve one{1e5, 2e6, true};
    const Buy whole = buy(p, one, 2e4);
    Curve c{1e5, 2e6, true};
    const Buy b = buy_pieces(p, c, 2e4, n);
    CHECK(b.fee == Approx(2e4 * 0.003).epsilon(kTight));
    CHECK(b.reserve_in == Approx(2e4 * 0.997).epsilon(kTight));
    CHECK(b.tokens == Approx(whole.tokens).epsilon(1e-11));  // S/R^w is invariant on the curve
    CHECK(c.R == Approx(one.R).epsilon(kTight));
    const double avg = b.reserve_in / b.tokens;
    CHECK(avg > 0.25);
    CHECK(avg < spot(p, c.R, c.S));

    Curve cross{24'000.0, 2.4e6, false};
    const Buy x = buy_pieces(p, cross, 5'000.0, n);
    CHECK(x.fee == Approx(15.0).epsilon(kTight));
    CHECK(cross.R == Approx(28'985.0).epsilon(kTight));
    CHECK(x.tokens <= x.reserve_in / p.flat_price);               // no token cheaper than p_flat
    CHECK(x.tokens >= x.reserve_in / spot(p, cross.R, cross.S));  // none dearer than the final spot
    if (n == 1) CHECK(x.tokens == spec_digits(174'800.2285, 4));

    Curve s{1e5, 2e6, true};
    Curve s1{1e5, 2e6, true};
    const Sell whole_sale = sell(p, s1, 50'000.0);
    const Sell sale = sell_pieces(p, s, 50'000.0, n);
    CHECK(sale.gross == Approx(whole_sale.gross).epsilon(1e-11));
    CHECK(sale.fee == Approx(0.003 * sale.gross).epsilon(kTight));
    CHECK(sale.net + sale.fee == Approx(sale.gross).epsilon(kTight));
    CHECK(s.S == Approx(2e6 - 50'000.0).epsilon(kTight));
    CHECK(sale.gross < 0.25 * 50'000.0);               // below the starting spot
    CHECK(sale.gross > spot(p, s.R, s.S) * 50'000.0);  // above the final one

    Curve access{1e5, 2e6, true};
    const AccessCost a = access_buy_pieces(p, access, 8'750.0, n);
    CHECK(access.S == 2e6);
    CHECK(access.R == Approx(1e5 + a.reserve_in).epsilon(kTight));
    CHECK(a.gross == Approx(a.reserve_in / 0.997).epsilon(kTight));
    // Burning each piece at once keeps S, so later pieces cost more: R = R0·(1 + T/(nS))^(n/w).
    CHECK(access.R == Approx(1e5 * std::pow(1.0 + 8'750.0 / (n * 2e6), 5.0 * n)).epsilon(kTight));
  }
}

TEST_CASE("H12 access cost across R_th, and from the flat phase") {
  const CurveParams p;
  // Flat: (R_th − R)/p_flat = 100,000 tokens are flat-priced.
  const AccessCost flat = access_cost(p, 24'000.0, 2.4e6, 50'000.0);
  CHECK(flat.reserve_in == Approx(500.0).epsilon(kTight));
  const AccessCost cross = access_cost(p, 24'000.0, 2.4e6, 150'000.0);
  const double curve_part = 25'000.0 * (std::pow(1.0 + 50'000.0 / 2.5e6, 5.0) - 1.0);
  CHECK(cross.reserve_in == Approx(1'000.0 + curve_part).epsilon(kTight));
  Curve c{24'000.0, 2.4e6, false};
  access_buy_pieces(p, c, 150'000.0, 1);
  CHECK(c.graduated);
  CHECK(c.S == 2.4e6);
  CHECK(c.R == Approx(25'000.0 + curve_part).epsilon(kTight));
}

TEST_CASE("H15: a sale of T_max pays exactly max_trade_fraction·R, on the curve and flat") {
  for (const double mtf : {0.2, 0.05, 0.5}) {
    CAPTURE(mtf);
    CurveParams p;
    p.max_trade_fraction = mtf;
    for (const double S : {2e6, 3.3e5, 7.7e7}) {
      CAPTURE(S);
      Curve c{1e5, S, true};
      const double t_max = max_sell_tokens(p, c.R, c.S);
      const Sell s = sell(p, c, t_max);
      CHECK(s.gross == Approx(mtf * 1e5).epsilon(kTight));
      CHECK(sell_gross(p, 1e5, S, t_max * (1.0 + 1e-6)) > mtf * 1e5);
    }
    Curve f{20'000.0, 3e6, true};  // relapsed below R_th
    const double t_flat = max_sell_tokens(p, f.R, f.S);
    CHECK(t_flat == Approx(mtf * 20'000.0 / 0.01).epsilon(kTight));
    CHECK(sell(p, f, t_flat).gross == Approx(mtf * 20'000.0).epsilon(kTight));
  }
}

TEST_CASE("H16 slippage fill: the average at Q* is (1 − tol)·P0; small Q fills; flat phase fills to R") {
  const CurveParams p;
  const double R = 1e5, S = 2e6, P0 = 0.25;
  for (const int n : {1, 4, 24}) {
    for (const double tol : {0.02, 0.005, 0.1}) {
      CAPTURE(n);
      CAPTURE(tol);
      const double q = slippage_fill(p, R, S, 3e5, tol, n);
      REQUIRE(q < 3e5);
      REQUIRE(q > 0.0);
      Curve c{R, S, true};
      const double F = sell_pieces(p, c, q, n).gross;
      CHECK(F / q == Approx((1.0 - tol) * P0).epsilon(1e-9));
      CHECK(F / q >= (1.0 - tol) * P0);  // Q* qualifies
      Curve more{R, S, true};
      CHECK(sell_pieces(p, more, q * (1.0 + 1e-6), n).gross / (q * (1.0 + 1e-6)) < (1.0 - tol) * P0);
    }
  }
  // tol = 0.02: Q* ≈ 2·tol·S/(1/w − 1) ≈ 1% of S, paying ≈ 4.9% of R (hokusai.md H16).
  const double q = slippage_fill(p, R, S, 3e5, 0.02, 1);
  CHECK(q == Approx(20'203.053).epsilon(1e-7));
  CHECK(sell_gross(p, R, S, q) / R == Approx(0.0494975).epsilon(1e-5));

  CHECK(slippage_fill(p, R, S, 100.0, 0.02, 4) == 100.0);  // small Q: whole fill
  CHECK(slippage_fill(p, R, S, 3e5, 1.0, 4) == 3e5);       // no minimum
  CHECK(slippage_fill(p, R, S, 3e5, 0.0, 4) < 1e-6);       // any sale is below P0
  CHECK(slippage_fill(p, R, S, 0.0, 0.02, 4) == 0.0);

  // Flat phase at the step start: the average is P0 = p_flat, so Q* = min(Q, R/p_flat).
  CHECK(slippage_fill(p, 20'000.0, 3e6, 1e6, 0.02, 4) == 1e6);
  CHECK(slippage_fill(p, 20'000.0, 3e6, 5e6, 0.02, 4) == Approx(2e6).epsilon(kTight));
  Curve f{20'000.0, 3e6, true};
  CHECK(sell_pieces(p, f, 2e6, 4).gross == Approx(20'000.0).epsilon(kTight));
  CHECK(f.R == Approx(0.0).epsilon(kTight));
}

TEST_CASE("H17 merge: a grant with every slot used merges into the slot with the latest end") {
  const VestingTerms terms{0.10, 0.0, 100 * kDay};
  Slot slots[4];
  // Four grants on days 0, 10, 20, 30; the one on day 20 has a long team-like duration.
  grant(slots, 4, 1'000.0, 0.0, terms);
  grant(slots, 4, 1'000.0, 10 * kDay, terms);
  grant(slots, 4, 1'000.0, 20 * kDay, VestingTerms{0.10, 0.0, 400 * kDay});
  grant(slots, 4, 1'000.0, 30 * kDay, terms);
  for (const Slot& s : slots) REQUIRE(s.used());
  double released = 0.0;
  for (Slot& s : slots) released += release(s, 50 * kDay);
  const double vault_before = 4 * 900.0 - released;
  CHECK(slots[2].released == Approx(900.0 * 30.0 / 400.0).epsilon(kTight));

  const Grant g = grant(slots, 4, 2'000.0, 50 * kDay, terms);
  CHECK(g.merged);
  CHECK(g.liquid == Approx(200.0).epsilon(kTight));
  CHECK(g.vesting == Approx(1'800.0).epsilon(kTight));
  // Slot 2 ends on day 420, the latest: A = A_k − rel_k + new, rel = 0, s = t, D = 420 − 50 days.
  CHECK(slots[2].amount == Approx(900.0 - 900.0 * 30.0 / 400.0 + 1'800.0).epsilon(kTight));
  CHECK(slots[2].released == 0.0);
  CHECK(slots[2].start == 50 * kDay);
  CHECK(slots[2].duration == 370 * kDay);
  CHECK(slots[2].cliff == 0.0);
  CHECK(slots[3].start == 30 * kDay);  // the others are untouched
  double vault_after = 0.0;
  for (const Slot& s : slots) vault_after += s.amount - s.released;
  CHECK(vault_after == Approx(vault_before + g.vesting).epsilon(kTight));

  // When the latest end is sooner than a full duration, D = duration and the terms' cliff applies.
  Slot short_slots[2];
  grant(short_slots, 2, 1'000.0, 0.0, terms);
  grant(short_slots, 2, 1'000.0, 5 * kDay, terms);
  const VestingTerms cliffed{0.0, 10 * kDay, 100 * kDay};
  const Grant m = grant(short_slots, 2, 500.0, 60 * kDay, cliffed);
  CHECK(m.merged);
  CHECK(m.vesting == 500.0);
  CHECK(short_slots[1].duration == 100 * kDay);  // max(105 − 60 days, 100 days)
  CHECK(short_slots[1].cliff == 10 * kDay);
  CHECK(short_slots[1].amount == Approx(900.0 + 500.0).epsilon(kTight));  // nothing released yet
  CHECK(release(short_slots[1], 69 * kDay) == 0.0);                       // inside the new cliff
  CHECK(release(short_slots[1], 70 * kDay) == Approx(140.0).epsilon(kTight));

  // A freed slot is reused before any merge.
  Slot reuse[2];
  grant(reuse, 2, 1'000.0, 0.0, VestingTerms{0.0, 0.0, 10 * kDay});
  grant(reuse, 2, 1'000.0, 0.0, VestingTerms{0.0, 0.0, 100 * kDay});
  CHECK(release(reuse[0], 10 * kDay) == 1'000.0);
  CHECK(!reuse[0].used());
  const Grant r = grant(reuse, 2, 1'000.0, 10 * kDay, VestingTerms{0.0, 0.0, 100 * kDay});
  CHECK(!r.merged);
  CHECK(reuse[0].start == 10 * kDay);
}

TEST_CASE("H5 cooldown, budget and weight") {
  RewardParams rp;
  CHECK(submit(rp, 150.0, 10'000.0, 10'000.0 - 3'599.0, kInf).why == Rejection::cooldown);
  CHECK(submit(rp, 150.0, 10'000.0, 10'000.0 - 3'600.0, kInf).why == Rejection::none);
  CHECK(submit(rp, 150.0, 0.0, -kInf, kInf).reward == 375'000.0);  // never submitted, unlimited budget
  CHECK(submit(rp, 150.0, 0.0, -kInf, 374'999.0).why == Rejection::budget);
  CHECK(submit(rp, 99.0, 0.0, 0.0, kInf).why == Rejection::below_min);  // below_min is checked first
  CHECK(reward_for(rp, 100.0) == 250'000.0);                            // Δ = min_bps is accepted
  rp.weight = 0.5;
  CHECK(reward_for(rp, 150.0) == 187'500.0);
  rp.max_reward = 1e5;
  CHECK(reward_for(rp, 150.0) == 1e5);
  CHECK(reward_for(rp, std::nan("")) == 0.0);
}

TEST_CASE("H17 cliff and schedule edges of one slot") {
  Slot s{1'000.0, 0.0, 10 * kDay, 5 * kDay, 20 * kDay};
  CHECK(released_at(s, 0.0) == 0.0);
  CHECK(released_at(s, 15 * kDay - 1.0) == 0.0);
  CHECK(released_at(s, 15 * kDay) == 250.0);
  CHECK(released_at(s, 20 * kDay) == 500.0);
  CHECK(released_at(s, 30 * kDay) == 1'000.0);
  CHECK(released_at(s, 1e9) == 1'000.0);
  Slot instant{1'000.0, 0.0, 10 * kDay, 0.0, 0.0};  // D = 0: all at the start
  CHECK(released_at(instant, 10 * kDay - 1.0) == 0.0);
  CHECK(released_at(instant, 10 * kDay) == 1'000.0);
  CHECK(release(instant, 10 * kDay) == 1'000.0);
  CHECK(!instant.used());
  Slot nothing;
  CHECK(!nothing.used());
  CHECK(release(nothing, 1e9) == 0.0);
  // A grant with immediate = 1 or no slots is all liquid.
  Slot slots[1];
  const Grant all_liquid = grant(slots, 1, 500.0, 0.0, VestingTerms{1.0, 0.0, kDay});
  CHECK(all_liquid.liquid == 500.0);
  CHECK(!slots[0].used());
  CHECK(grant(slots, 0, 500.0, 0.0, VestingTerms{}).liquid == 500.0);
  // Penalty 0 pays all, 1 burns all.
  Slot a[2];
  grant(a, 2, 1'000.0, 0.0, VestingTerms{0.0, 0.0, kDay});
  const EarlyWithdrawal none_burned = withdraw_early(a, 2, 0.0);
  CHECK(none_burned.paid == 1'000.0);
  CHECK(none_burned.burned == 0.0);
  grant(a, 2, 1'000.0, 0.0, VestingTerms{0.0, 0.0, kDay});
  const EarlyWithdrawal all_burned = withdraw_early(a, 2, 1.0);
  CHECK(all_burned.paid == 0.0);
  CHECK(all_burned.burned == 1'000.0);
}

TEST_CASE("H13, H14, H20: access tokens, enterprise fees and the demand process") {
  // Elasticity 1 holds the USDC budget: twice the price, half the tokens.
  CHECK(access_tokens(10'000.0, kDay, 1.0, 0.0, 0.0, 0.25, 0.5, 1.0) == Approx(5'000.0).epsilon(kTight));
  CHECK(access_tokens(10'000.0, kDay, 1.0, 0.0, 0.0, 0.25, 0.5, 2.0) == Approx(2'500.0).epsilon(kTight));
  CHECK(access_tokens(10'000.0, kDay, 1.0, 0.0, 0.0, 0.25, 0.5, 0.0) == 10'000.0);
  CHECK(access_tokens(10'000.0, kHour, 0.8, 0.5, 0.25, 0.25, 0.25, 1.0) ==
        Approx(10'000.0 / 24 * 0.8 * 0.875).epsilon(kTight));
  CHECK(enterprise_fees(10'000.0, kDay, 0.8, 0.01) == Approx(20.0).epsilon(kTight));
  CHECK(enterprise_fees(10'000.0, kHour, 0.8, 0.01) == Approx(20.0 / 24).epsilon(kTight));
  CHECK(enterprise_fees(10'000.0, kDay, 1.0, 0.01) == 0.0);

  // The trend alone: (1 + g) per 30 days; a shock multiplies.
  const AccessDemand trend(20'000.0, 0.10, 7 * kDay, 0.0, kHour);
  CHECK(trend.level(0.0, 1.0) == Approx(20'000.0).epsilon(kTight));
  CHECK(trend.level(30 * kDay, 1.0) == Approx(22'000.0).epsilon(kTight));
  CHECK(trend.level(90 * kDay, 1.0) == Approx(20'000.0 * 1.331).epsilon(kTight));
  CHECK(trend.level(30 * kDay, 0.2) == Approx(4'400.0).epsilon(kTight));

  // The OU noise: one draw, then decay by e^{−1} over τ; exact step variance.
  const double tau = 7 * kDay, sd = 0.3;
  AccessDemand d(20'000.0, 0.0, tau, sd, kHour);
  d.advance(1.0);
  const double x1 = sd * std::sqrt(1.0 - std::exp(-2.0 * kHour / tau));
  CHECK(d.noise() == Approx(x1).epsilon(kTight));
  CHECK(d.level(kHour, 1.0) == Approx(20'000.0 * std::exp(x1)).epsilon(kTight));
  for (int k = 0; k < 7 * 24; ++k) d.advance(0.0);
  CHECK(d.noise() == Approx(x1 * std::exp(-1.0)).epsilon(1e-10));

  // Stationary sd: σ whatever the step (seeded draws; 3% is six standard errors of 2e4 nearly independent
  // samples).
  for (const double dt : {kHour, kDay}) {
    CAPTURE(dt);
    AccessDemand ou(1.0, 0.0, tau, sd, dt);
    std::mt19937_64 rng(20);
    std::normal_distribution<double> z;
    for (int k = 0; k < 1'000; ++k) ou.advance(z(rng));
    double sum2 = 0.0;
    const int n = 20'000;
    const int thin = dt == kHour ? 24 * 14 : 14;  // two noise times apart
    for (int k = 0; k < n; ++k) {
      for (int j = 0; j < thin; ++j) ou.advance(z(rng));
      sum2 += ou.noise() * ou.noise();
    }
    CHECK(std::sqrt(sum2 / n) == Approx(sd).epsilon(0.03));
  }
}

TEST_CASE("degenerate curve states never give NaN and follow the contract's fallbacks") {
  const CurveParams p;
  CHECK(spot(p, 1e5, 0.0) == p.flat_price);  // no redeemable supply on the curve
  Curve empty{1e5, 0.0, true};
  const Buy b = buy(p, empty, 100.0);
  CHECK(b.tokens == Approx(99.7 / 0.01).epsilon(kTight));  // minted at p_flat
  CHECK(sell_gross(p, 1e5, 0.0, 10.0) == 0.0);
  CHECK(max_sell_tokens(p, 1e5, 0.0) == 0.0);
  CHECK(access_cost(p, 1e5, 0.0, 100.0).reserve_in == Approx(1.0).epsilon(kTight));
  CHECK(sell_gross(p, 1e5, 2e6, 2e6) == 1e5);  // the whole supply takes the whole reserve
  CHECK(sell_gross(p, 1e5, 2e6, 3e6) == 1e5);
  CHECK(sell_gross(p, 1'000.0, 2e6, 2e6) == 1'000.0);  // flat: never more than R
  CHECK(sell_gross(p, 0.0, 2e6, 100.0) == 0.0);
  CHECK(max_sell_tokens(p, 0.0, 2e6) == 0.0);
  CHECK(slippage_fill(p, 0.0, 2e6, 100.0, 0.02, 4) == 0.0);
  Curve c{1e5, 2e6, true};
  CHECK(buy(p, c, 0.0).tokens == 0.0);
  CHECK(buy(p, c, -5.0).tokens == 0.0);
  CHECK(sell(p, c, -5.0).gross == 0.0);
  CHECK(access_cost(p, c.R, c.S, 0.0).gross == 0.0);
  CHECK(c.R == 1e5);
  CHECK(c.S == 2e6);
  const Sell all = sell(p, c, 3e6);
  CHECK(all.gross == 1e5);
  CHECK(c.R == 0.0);
  CHECK(c.S == 0.0);
  CHECK(std::isfinite(spot(p, c.R, c.S)));
  CHECK(std::isfinite(buy_pieces(p, c, 10.0, 0).tokens));  // pieces < 1 is one piece
}

// The sequences cross R_th both ways (about 10% of steps flat, a dozen relapses per start) and empty
// the reserve a few times.
TEST_CASE("§9 no negative balances: random trade sequences keep R, S, slots and payouts ≥ 0") {
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (const double r0 : {1e5, 26'000.0, 0.0}) {
    CAPTURE(r0);
    const CurveParams p;
    Curve c{r0, r0 > 0.0 ? 2e6 : 0.0, r0 >= p.flat_threshold};
    double holders = c.S;  // tokens the sellers hold
    const VestingTerms terms{0.1, 2 * kDay, 30 * kDay};
    Slot slots[3];
    double vault = 0.0;
    for (int step = 0; step < 5'000; ++step) {
      CAPTURE(step);
      const double t = step * kHour;
      const double R0 = c.R;
      const double T = std::min(holders, max_sell_tokens(p, c.R, c.S)) * 0.25 * u(rng);
      const double q = slippage_fill(p, c.R, c.S, T, 0.02, 4);
      REQUIRE(q <= T);
      const Sell s = sell_pieces(p, c, q, 4);
      holders -= q;
      CHECK(s.gross <= p.max_trade_fraction * R0 * (1.0 + 1e-12));
      CHECK(s.net >= 0.0);
      CHECK(s.fee >= 0.0);
      access_buy_pieces(p, c, 200.0 * u(rng), 4);
      if (u(rng) < 0.5) holders += buy_pieces(p, c, (2'000.0 + 0.1 * c.R) * u(rng), 4).tokens;
      if (u(rng) < 0.002) {  // a sale of every holder's tokens at once, no cap: R falls to 0
        sell(p, c, holders);
        holders = 0.0;
      }
      if (u(rng) < 0.01) vault += grant(slots, 3, 1e4 * u(rng), t, terms).vesting;
      for (Slot& slot : slots) {
        const double delta = release(slot, t + kHour);
        CHECK(delta >= 0.0);
        CHECK(slot.released <= slot.amount);
        CHECK(slot.released <= released_at(slot, t + kHour) + 1e-9);
        vault -= delta;
        c.S += delta;  // releases enter the redeemable supply (H3)
        holders += delta;
      }
      if (u(rng) < 0.002) {
        const EarlyWithdrawal w = withdraw_early(slots, 3, 0.5);
        CHECK(w.paid >= 0.0);
        CHECK(w.burned >= 0.0);
        vault -= w.paid + w.burned;
        c.S += w.paid;
        holders += w.paid;
      }
      REQUIRE(vault >= -1e-6);
      REQUIRE(c.R >= 0.0);
      REQUIRE(c.S >= 0.0);
      REQUIRE(holders >= -1e-6 * (1.0 + c.S));
      REQUIRE(std::isfinite(spot(p, c.R, c.S)));
      holders = std::max(0.0, std::min(holders, c.S));
    }
  }
}
