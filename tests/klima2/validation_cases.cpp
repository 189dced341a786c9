// klima2.md §10 validation cases 1–6 (and the rule-level edge cases of 7) against the rule files,
// plus the whitepaper's Figure 7 yield curve. Expected values are the spec's or the whitepaper's
// printed figures, never outputs of the code under test.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "engine/protocols/klima2/curve.hpp"
#include "engine/protocols/klima2/incentives.hpp"
#include "engine/protocols/klima2/portfolio.hpp"
#include "engine/protocols/klima2/premium.hpp"

using namespace stampede::klima2;
using doctest::Approx;

namespace {
constexpr double kExact = 1e-9;    // values the spec states exactly
constexpr double kPrinted = 5e-6;  // values printed with 6 significant digits
}  // namespace

TEST_CASE("klima2 §10.1: whitepaper Table 2, beta per class (KL23)") {
  const std::array<double, 4> A{0.50, 0.20, 0.10, 0.05};
  const std::array<double, 4> G_initial{0.30, 0.10, 0.05, 0.01};
  const std::array<double, 4> beta2_initial{0.255, 0.038, 0.00975, 0.000995};
  for (int i = 0; i < 4; ++i) {
    const double one = beta(std::span(&A[i], 1), std::span(&G_initial[i], 1));
    CHECK(one * one == Approx(beta2_initial[i]).epsilon(kExact));
  }
  CHECK(beta(A, G_initial) == Approx(std::sqrt(0.303745)).epsilon(kExact));
  CHECK(beta(A, G_initial) == Approx(0.551131).epsilon(kPrinted));
  CHECK(std::abs(beta(A, G_initial) - 0.5511) < 1e-4);  // the table's 4 decimals

  const std::array<double, 4> G_new{0.01, 0.05, 0.10, 0.30};
  const std::array<double, 4> table_new{0.0100, 0.0195, 0.0190, 0.0255};
  for (int i = 0; i < 4; ++i) {
    const double one = beta(std::span(&A[i], 1), std::span(&G_new[i], 1));
    CHECK(std::abs(one * one - table_new[i]) < 1e-4);
  }
  const double first = beta(std::span(&A[0], 1), std::span(&G_new[0], 1));
  CHECK(first * first == Approx(0.00995).epsilon(kExact));
  CHECK(beta(A, G_new) == Approx(std::sqrt(0.07395)).epsilon(kExact));
  CHECK(beta(A, G_new) == Approx(0.271937).epsilon(kPrinted));
}

TEST_CASE("klima2 §10.2: incentive curve (KL32–KL34, KL44, KL45)") {
  const IncentiveCurve c{0.07, 24.0};
  CHECK(c.x0() == Approx(-2.58669).epsilon(kPrinted));
  CHECK(c.P(0) == Approx(0.07).epsilon(kExact));
  CHECK(c.slope(0) == Approx(0.00701639).epsilon(kPrinted));  // 0.70164 %/month
  CHECK(c.P(24) == Approx(0.5).epsilon(kExact));
  CHECK(c.P(48) == Approx(0.93).epsilon(kExact));
  // TGE: incentive_pool·P(0); the first day (Δτ = 24h/730h = 12/365 month).
  CHECK(40e6 * c.P(0) == Approx(2.8e6).epsilon(kExact));
  CHECK(c.issued(40e6, 12.0 / 365.0, 12.0 / 365.0) == Approx(9241.11).epsilon(kPrinted));
  // KL45: 0 before month 3, 1 from month 48, P's shape between.
  CHECK(c.vested(2.0, 3, 48) == 0.0);
  CHECK(c.vested(3.0, 3, 48) == 0.0);
  CHECK(c.vested(48.0, 3, 48) == Approx(1.0).epsilon(kExact));
  CHECK(c.vested(60.0, 3, 48) == 1.0);
  CHECK(c.vested(24.0, 3, 48) == Approx((0.5 - c.P(3)) / (0.93 - c.P(3))).epsilon(kExact));
}

TEST_CASE("klima2 §10.3: carbon yield (KL15)") {
  CHECK(carbon_yield_rate(0.5) == Approx(1.0 / 360).epsilon(kExact));
  CHECK(1 - std::pow(1 - carbon_yield_rate(0.5), 90) == Approx(0.221470).epsilon(kPrinted));
  CHECK(carbon_yield_rate(0.25) == Approx(0.00208333).epsilon(kPrinted));
  CHECK(carbon_yield_rate(0.4) < carbon_yield_rate(0.5));
  CHECK(carbon_yield_rate(0.6) < carbon_yield_rate(0.5));
}

TEST_CASE("klima2 §10.4: yield curve (KL1–KL10, KL28, KL42)") {
  PositionArray S = PositionArray::Zero();
  S[3] = 0.2;   // t = 4, E = 1y
  S[19] = 0.2;  // t = 20, E = 5y
  const PositionArray E = label_expiries(0.25);
  const YieldCurve c = yield_curve(S, E);
  CHECK(c.S == Approx(0.4).epsilon(kExact));
  CHECK(c.D == Approx(3.0).epsilon(kExact));
  CHECK(c.M == Approx(13.0).epsilon(kExact));
  CHECK(c.gamma.sum() == Approx(20825.0 / 1248.0).epsilon(kExact));
  for (int t = 35; t <= 40; ++t) CHECK(c.gamma[t - 1] == 0.0);
  CHECK(c.gamma[33] > 0.0);  // t = 34: E = 8.5 < 2M/D = 8.66667

  struct Row { int t; double gamma, Gamma, Z, B, Y; };
  const Row rows[] = {
      {1, 0.0809295, 0.00484994, 0.0116399, 0.997094, 3.18905e-5},
      {4, 0.294872, 0.0456182, 0.0273709, 0.973000, 7.49917e-5},
      {8, 0.512821, 0.150396, 0.0451188, 0.913714, 1.23621e-4},
      {20, 0.705128, 0.635294, 0.0762353, 0.683057, 2.08886e-4},
      {34, 0.0544872, 1.0, 0.0705882, 0.548812, 1.93411e-4},
      {40, 0.0, 1.0, 0.0600000, 0.548812, 1.64397e-4},
  };
  for (const Row& r : rows) {
    CAPTURE(r.t);
    const int k = r.t - 1;
    CHECK(c.gamma[k] == Approx(r.gamma).epsilon(kPrinted));
    CHECK(c.Gamma[k] == Approx(r.Gamma).epsilon(kPrinted));
    CHECK(c.Z[k] == Approx(r.Z).epsilon(kPrinted));
    CHECK(c.B[k] == Approx(r.B).epsilon(kPrinted));
    CHECK(c.Y[k] == Approx(r.Y).epsilon(kPrinted));
  }
  CHECK(c.Gamma[39] == 1.0);  // §9
  for (int k = 1; k < kPositions; ++k) CHECK(c.B[k] <= c.B[k - 1]);

  const double n_a = 20e6;
  const PositionArray A_t = S * n_a;
  const double R = bond_yield(c, A_t);
  CHECK(R / n_a == Approx(5.67755e-5).epsilon(kPrinted));
  CHECK(R == Approx(1135.51).epsilon(kPrinted));
  CHECK(A_t[3] * c.Y[3] == Approx(299.967).epsilon(kPrinted));
  CHECK(A_t[19] * c.Y[19] == Approx(835.543).epsilon(kPrinted));
  const double b = premium_discount(c, S);
  CHECK(b == Approx(0.759655).epsilon(kPrinted));
  const PositionArray v = bond_weights(c, S);
  CHECK(v[3] == Approx(0.264182).epsilon(kPrinted));
  CHECK(v[19] == Approx(0.735818).epsilon(kPrinted));
  CHECK(v.sum() == Approx(1.0).epsilon(kExact));

  // With Table 2's initial stakes: R_λ = b·R·β.
  const std::array<double, 4> A{0.50, 0.20, 0.10, 0.05};
  const std::array<double, 4> G{0.30, 0.10, 0.05, 0.01};
  const double r_lambda = premium(b, R, beta(A, G));
  CHECK(r_lambda / n_a == Approx(2.37701e-5).epsilon(kPrinted));
  CHECK(r_lambda == Approx(475.403).epsilon(kPrinted));

  // KL11–KL14: no AG lock → V = v/Σv, W = 0; with one, Σ(V + W) = 1.
  GovernanceWeights g = governance_weights(c, S, PositionArray::Zero());
  CHECK(g.V.sum() == Approx(1.0).epsilon(kExact));
  CHECK(g.W.sum() == 0.0);
  PositionArray ag = PositionArray::Zero();
  ag[7] = 0.1;
  g = governance_weights(c, S, ag);
  CHECK((g.V + g.W).sum() == Approx(1.0).epsilon(kExact));
  CHECK(g.W[7] > 0.0);
}

TEST_CASE("KL5/KL7: Γ stays in [0, 1] and non-decreasing, B non-increasing, when γ_40 is barely positive") {
  // The 40 rounded shares γ̂_t may sum above 1 before the last position when γ_40 is tiny (2M/D just
  // above E_40): a Γ_39 > 1 followed by Γ_40 = 1 made B_40 > B_39 on a 1000-day path. Shapes: a
  // thin uniform stake plus w at position 1; w is bisected to where γ_40 turns 0, then the doubles
  // on the positive side of that boundary are tried one by one.
  const PositionArray E = label_expiries(0.25);
  const auto shape = [](double w) {
    PositionArray S = PositionArray::Constant(0.001);
    S[0] += w;
    return S;
  };
  double lo = 0.0, hi = 0.9;  // γ_40 > 0 at lo, = 0 at hi
  for (int k = 0; k < 200; ++k) {
    const double mid = 0.5 * (lo + hi);
    (yield_curve(shape(mid), E).gamma[kPositions - 1] > 0 ? lo : hi) = mid;
  }
  int tried = 0;
  double w = lo;
  for (int k = 0; k < 4000; ++k, w = std::nextafter(w, 0.0)) {
    const YieldCurve c = yield_curve(shape(w), E);
    if (!(c.gamma[kPositions - 1] > 0)) continue;  // rounding: the boundary is not sharp in doubles
    ++tried;
    bool ok = c.Gamma[kPositions - 1] == 1.0;
    for (int t = 1; t < kPositions; ++t) ok = ok && c.Gamma[t] >= c.Gamma[t - 1] && c.Gamma[t] <= 1.0 && c.B[t] <= c.B[t - 1];
    if (!ok) FAIL("w = " << w << ": Γ or B out of order");
  }
  CHECK(tried > 1000);
}

// The whitepaper's default staking shape (its interactive model, §3.1.1): `area` spread over n
// positions along a line whose slope is 0.007·atanh(input_slope), the line cut at 0 and, when it
// would go negative inside the range, steepened into a triangle of the same area.
PositionArray const_area_linear(double area, double input_slope) {
  const int n = kPositions;
  double y1 = 0, y2 = n - 1;
  double slope = 0.007 * std::atanh(input_slope);
  double intercept = area / n;
  if (std::abs(slope) > 2 * intercept / (y2 - y1 - 1)) {
    const double shift = std::max(1.0, std::round(std::sqrt(std::abs(2 * area / slope))));
    if (slope > 0) y1 = y2 - shift; else y2 = y1 + shift;
    slope = (slope > 0 ? 1 : -1) * 2 * area / ((y2 - y1) * (y2 - y1));
    intercept = std::abs(slope) * (y2 - y1 - 1) / 2;
  }
  PositionArray s;
  for (int i = 0; i < n; ++i) s[i] = std::max(0.0, slope * (i - (y1 + y2) / 2) + intercept);
  return s;
}

TEST_CASE("klima2: whitepaper Figure 7, the yield curve of its default staking shape, to 5 decimals") {
  // Figure 7 (whitepaper source, src/res/figure-7.csv): S = 0.55 shaped with D ≈ 4.69 (the
  // model's slider maps E ∈ [0.25, 10] to [−1, 1]); per year, the stake of its four positions, the
  // yield term structure 100·Z_t and the discount curve 100·B_t at E = 1..10.
  const double stake[10] = {10.00922, 9.00717, 8.00512, 7.00307, 6.00102, 4.99898, 3.99693, 2.99488, 1.99283, 0.99078};
  const double yield[10] = {1.41392, 2.37202, 3.17633, 3.82683, 4.32353, 4.66643, 4.85552, 4.89082, 4.77231, 4.50000};
  const double discount[10] = {98.59603, 95.36672, 90.91094, 85.80669, 80.55931,
                               75.57945, 71.18510, 67.62006, 65.08293, 63.76282};
  const PositionArray S = const_area_linear(0.55, -1 + 2 * (4.69 - 0.25) / (10 - 0.25));
  const YieldCurve c = yield_curve(S, label_expiries(0.25));
  CHECK(c.S == Approx(0.55).epsilon(kExact));
  for (int y = 0; y < 10; ++y) {
    CAPTURE(y + 1);
    const int k = 4 * (y + 1) - 1;
    CHECK(std::abs(100 * S.segment<4>(k - 3).sum() - stake[y]) < 5e-6);
    CHECK(std::abs(100 * c.Z[k] - yield[y]) < 5e-6);
    CHECK(std::abs(100 * c.B[k] - discount[y]) < 5e-6);
  }
}

TEST_CASE("klima2 §10.5: portfolio pricing (KL18–KL22, KL43), whitepaper §3.4 defaults") {
  const double n_a = 2e7, c0 = 1e7;
  const Quote q = quote(0.5, 0.5);
  CHECK(q.k_b == Approx(0.46875).epsilon(kExact));
  CHECK(q.k_s == Approx(0.53125).epsilon(kExact));
  CHECK(bid(q, n_a, c0) == Approx(0.9375).epsilon(kExact));
  CHECK(ask(q, n_a, c0) == Approx(1.0625).epsilon(kExact));

  const double dA = purchase_fraction(q, c0, 100);
  CHECK(dA == Approx(4.68749e-6).epsilon(kPrinted));
  CHECK(dA * n_a == Approx(93.7498).epsilon(kPrinted));
  CHECK(purchase_fraction(q, 0.0, 100) == Approx(0.217551).epsilon(kPrinted));  // KL20
  CHECK(purchase_fraction(q, 0.0, 100) == Approx(100.0 / 101 * 0.46875 * 0.46875).epsilon(kExact));

  const double dC = retire_fraction(q, 100 / n_a);
  CHECK(dC == Approx(-9.41170e-6).epsilon(kPrinted));
  CHECK(-dC * c0 == Approx(94.1170).epsilon(kPrinted));
  CHECK(offset_cost(q, n_a, c0, 100) == Approx(106.251).epsilon(kPrinted));
  // KL43 is the exact inverse of KL21–KL22.
  const double a = offset_cost(q, n_a, c0, 12345.0);
  CHECK(-retire_fraction(q, a / n_a) * c0 == Approx(12345.0).epsilon(1e-12));

  // Round trip (WP Fig. 16) at x = 0.1.
  const double x = 0.1;
  const double ra = std::pow(1 + x, q.k_b) - 1;
  const double rc = 1 - std::pow(1 + ra, -1 / q.k_s);
  CHECK((x - rc) / x == Approx(0.193419).epsilon(kPrinted));
  CHECK(purchase_fraction(q, c0, x * c0) == Approx(ra).epsilon(1e-12));
  CHECK(-retire_fraction(q, ra) == Approx(rc).epsilon(1e-12));
}

TEST_CASE("klima2 §10.6: premium and incentive shares (KL24–KL26, KL35–KL41)") {
  const PremiumShares s = premium_shares(0.2, 0.1, 0.3, 0.4);
  CHECK(s.gg == Approx(0.288).epsilon(kExact));
  CHECK(s.g == Approx(0.294920).epsilon(kPrinted));
  CHECK(s.q == Approx(0.417080).epsilon(kPrinted));
  CHECK(s.gg + s.g + s.q == Approx(1.0).epsilon(kExact));

  const IncentiveSplit i = incentive_split(0.3, 0.2, 0.5, ag_share(0.1, 0.2));
  CHECK(i.upsilon == Approx(0.852071).epsilon(kPrinted));
  CHECK(i.eta == Approx(0.324324).epsilon(kPrinted));
  CHECK(i.treasury == Approx(0.723653).epsilon(kPrinted));
  CHECK(i.bonds == Approx(0.153846).epsilon(kPrinted));
  CHECK(i.g == Approx(0.153846).epsilon(kPrinted));
  CHECK(i.ag == Approx(0.286763).epsilon(kPrinted));
  CHECK(i.aq == Approx(0.405544).epsilon(kPrinted));
  CHECK(i.bonds + i.g + i.ag + i.aq == Approx(1.0).epsilon(kExact));
}

TEST_CASE("klima2 §10.7 (rule level): S = 0, A_i = 0, no G, no G_G, a full burn") {
  const YieldCurve c = yield_curve(PositionArray::Zero(), label_expiries(0.25));
  CHECK(c.S == 0.0);
  CHECK((c.B == 1.0).all());
  CHECK((c.Z == 0.0).all());
  CHECK(bond_yield(c, PositionArray::Constant(1e6)) == 0.0);
  CHECK(premium_discount(c, PositionArray::Zero()) == 0.0);
  CHECK(bond_weights(c, PositionArray::Zero()).sum() == 0.0);

  const Quote zero = quote(0.0, 0.0);  // A_i = 0: no price
  CHECK(zero.k_b == 0.0);
  CHECK(zero.k_s == 0.0);
  CHECK(purchase_fraction(zero, 1e6, 100) == 0.0);

  // While G = 0 (no G vested): β = 0, λ_GG = 0, I_T = 1, k_b = A_i − ½A_i².
  const std::array<double, 2> A{0.3, 0.1}, G{0.0, 0.0};
  CHECK(beta(A, G) == 0.0);
  CHECK(premium_shares(0.05, 0.1, 0.0, 0.0).gg == 0.0);
  CHECK(incentive_split(0.0, 0.0, 0.4, 0.5).treasury == 1.0);
  CHECK(quote(0.3, 0.0).k_b == Approx(0.3 - 0.045).epsilon(kExact));

  // KL47: a burn of all N_A retires the KL22 share at ΔA = 1, no more.
  const Quote q = quote(0.5, 0.5);
  CHECK(retire_fraction(q, 1.0) == Approx(std::expm1(-std::log(2.0) / q.k_s)).epsilon(kExact));
  CHECK(retire_fraction(q, 3.0) == retire_fraction(q, 1.0));
  CHECK(retire_fraction(q, 1.0) > -1.0);

  // KL46 with κ = 0 is uniform; with κ > 0 it favours the highest-rate position.
  PositionArray S = PositionArray::Zero();
  S[3] = S[19] = 0.2;
  const YieldCurve c2 = yield_curve(S, label_expiries(0.25));
  const PositionArray u = position_cdf(c2, 0.0);
  CHECK(u[0] == Approx(1.0 / 40).epsilon(kExact));
  CHECK(u[39] == 1.0);
  const PositionArray tilt = position_cdf(c2, 2.0);
  CHECK(tilt[19] - tilt[18] > tilt[0]);
}
