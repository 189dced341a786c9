// ksn.md §10 case 7 (initial valuation KS1–KS4) and the certificate terms of KS1.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/protocols/ksn/bond_quote.hpp"
#include "engine/protocols/ksn/state.hpp"
#include "engine/protocols/ksn/treasury.hpp"
#include "tests/ksn/digits.hpp"

using namespace stampede::ksn;
using ksn_test::check_digits;

TEST_CASE("ksn case 7: initial state RFV, E, MV, S_circ, B, sigma_s, staked fraction") {
  const KsnParams p;
  const KsnState s = make_initial_state(p, 3600);
  CHECK(s.S == 9000000.0);
  check_digits(s.pool.shares(), 3162277.66, 2);
  const TreasuryValuation v = value_treasury(s, p.treasury, p.initial.staked);
  check_digits(v.rfv, 11162277.66, 2);
  check_digits(v.excess, 2162277.66, 2);
  check_digits(v.mv, 13000000.0, 0);
  check_digits(v.s_circ, 8400000.0, 0);
  check_digits(v.backing, 1.547619, 6);
  check_digits(v.stable_share, 0.615385, 6);
  CHECK(choose_bond_type(v.stable_share, p.bond) == BondType::lp);  // σ_s ≥ 0.6 → LP bonds first
  check_digits(p.initial.staked / v.s_circ, 0.714286, 6);
  // KS4 TVL = P·Q + 2y = 10·6e6 + 2e7
  CHECK(v.tvl == doctest::Approx(8.0e7).epsilon(1e-14));
  // §6: prem = ln(P/B) = 1.87 at t0
  check_digits(std::log(s.pool.spot() / v.backing), 1.87, 2);
}

TEST_CASE("ksn KS1-KS2 certificates: haircut in RFV only, price follows the market factor") {
  KsnParams p;
  KsnState s = make_initial_state(p, 3600);
  const TreasuryValuation base = value_treasury(s, p.treasury, 0.0);
  s.cert_units = 1000.0;
  s.p_c = certificate_price(1.0, 0.5, 2.0);  // (M/M0)^β = 0.25
  CHECK(s.p_c == doctest::Approx(0.25));
  const TreasuryValuation v = value_treasury(s, p.treasury, 0.0);
  CHECK(v.rfv - base.rfv == doctest::Approx(0.5 * 250.0));  // (1 − h)·C·p_c, h = 0.5
  CHECK(v.mv - base.mv == doctest::Approx(250.0));
  // A USDC depeg lowers RFV through q_usd: E < 0 once the USD value of reserves is below S.
  s.cert_units = 0.0;
  s.q_usd = 0.7;
  const TreasuryValuation d = value_treasury(s, p.treasury, 0.0);
  CHECK(d.rfv == doctest::Approx(0.7 * 11162277.66).epsilon(1e-9));
  CHECK(d.excess < 0.0);
}
