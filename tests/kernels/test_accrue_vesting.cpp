#include <doctest/doctest.h>

#include <cmath>

#include "kernel_test_support.hpp"
#include "kernels/accrue_vesting.hpp"

using namespace stampede;
using namespace stampede::kernels;
using namespace stampede::kernels::test;

namespace {
constexpr double kT = 1'000'000.0;  // step start, seconds from t0
constexpr double kDt = 3600.0;

struct Positions {
  AlignedArray<double> unvested, converted, rate;
  AlignedArray<float> end;
  VestingColumns columns() { return {unvested.data(), converted.data(), rate.data(), end.data()}; }
  Positions copy() const { return {copy_of(unvested), copy_of(converted), copy_of(rate), copy_of(end)}; }
};
Positions random_positions(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Positions p{wide_doubles(n, rng, -10.0, 20.0), random_doubles(n, rng, 0.0, 1e4), wide_doubles(n, rng, -20.0, 0.0),
              random_floats(n, rng, static_cast<float>(kT - 7200.0), static_cast<float>(kT + 20000.0))};
  // Ends before the step, exactly at its start and end, inside it; empty positions.
  for (std::size_t i = 0; i < n; i += 13) p.end[i] = static_cast<float>(kT - 3600.0);
  for (std::size_t i = 3; i < n; i += 17) p.end[i] = static_cast<float>(kT);
  for (std::size_t i = 5; i < n; i += 29) p.end[i] = static_cast<float>(kT + kDt);
  for (std::size_t i = 7; i < n; i += 31) p.end[i] = static_cast<float>(kT + 1800.0);
  for (std::size_t i = 2; i < n; i += 11) p.unvested[i] = 0.0;
  // A rate that would convert more than is left before the end: the min() must cap it.
  for (std::size_t i = 9; i < n; i += 23) p.rate[i] = 1e6;
  return p;
}
}  // namespace

TEST_CASE("accrue_vesting: SIMD equals the scalar reference bitwise") {
  for_each_arch([&]<class A>() {
    for (const Range r : ranges()) {
      CAPTURE(A::name());
      CAPTURE(r.begin);
      CAPTURE(r.end);
      Positions simd = random_positions(r.end + kSlack, r.begin * 131 + r.end);
      Positions ref = simd.copy();
      OrderedSum s_simd, s_ref;
      accrue_vesting_simd<A>(simd.columns(), r.begin, r.end, kT, kT + kDt, s_simd);
      accrue_vesting_reference(ref.columns(), r.begin, r.end, kT, kT + kDt, s_ref);
      CHECK(same_bits(s_simd.total, s_ref.total));
      CHECK(same_bits(simd.unvested, ref.unvested));
      CHECK(same_bits(simd.converted, ref.converted));
    }
  });
  Positions a = random_positions(10010, 3), b = a.copy();
  CHECK(same_bits(accrue_vesting(a.columns(), 3, 10010, kT, kT + kDt),
                  accrue_vesting_reference(b.columns(), 3, 10010, kT, kT + kDt)));
  CHECK(same_bits(a.unvested, b.unvested));
  CHECK(same_bits(a.converted, b.converted));
}

TEST_CASE("accrue_vesting: per position N11, conservation and the returned sum") {
  const std::size_t n = 10007;
  Positions after = random_positions(n, 5);
  const Positions before = after.copy();
  const double total = accrue_vesting(after.columns(), 0, n, kT, kT + kDt);
  long double vested = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    CAPTURE(i);
    const double u = before.unvested[i], r_dt = before.rate[i] * kDt;
    const bool ended = static_cast<double>(before.end[i]) <= kT + kDt;  // in (or before) the step
    const double du = ended || r_dt >= u ? u : r_dt;
    CHECK(after.unvested[i] == u - du);
    CHECK(after.converted[i] == before.converted[i] + du);
    if (ended) CHECK(after.unvested[i] == 0.0);
    CHECK(ulps_apart(u + before.converted[i], after.unvested[i] + after.converted[i]) <= 1);
    if (u == 0.0) {
      CHECK(same_bits(after.unvested[i], before.unvested[i]));
      CHECK(same_bits(after.converted[i], before.converted[i]));
    }
    vested += static_cast<long double>(du);
  }
  CHECK(static_cast<double>(vested) == doctest::Approx(total).epsilon(1e-12));
}

TEST_CASE("accrue_vesting: empty positions and empty steps convert exactly nothing") {
  AlignedArray<double> u(16), conv(16), rate(16);
  AlignedArray<float> end(16);
  for (std::size_t i = 0; i < 16; ++i) {
    u[i] = i % 2 ? 0.0 : 100.0;
    conv[i] = 7.0;
    rate[i] = 0.5;
    end[i] = 5000.0f;
  }
  const VestingColumns c{u.data(), conv.data(), rate.data(), end.data()};
  SUBCASE("t1 = t (a stop at the step start)") { CHECK(accrue_vesting(c, 0, 16, 1000.0, 1000.0) == 0.0); }
  SUBCASE("t1 < t is an empty step, not a negative one") { CHECK(accrue_vesting(c, 0, 16, 1000.0, 900.0) == 0.0); }
  SUBCASE("zero unvested, rate > 0") {
    for (std::size_t i = 0; i < 16; i += 2) u[i] = 0.0;
    CHECK(accrue_vesting(c, 0, 16, 1000.0, 2000.0) == 0.0);
    CHECK(accrue_vesting(c, 0, 16, 1000.0, 9000.0) == 0.0);  // past the end too
  }
  for (std::size_t i = 0; i < 16; ++i) CHECK(conv[i] == 7.0);
}

TEST_CASE("accrue_vesting: over any dt the schedule is linear and empties exactly at the end") {
  const double u0 = 7000.0, start = 86400.0, T = 180 * 86400.0, e = start + T;  // e < 2^24: exact in float
  for (const double dt : {900.0, 3600.0, 7000.0, 86400.0, 12345.678, 1e6}) {
    CAPTURE(dt);
    AlignedArray<double> u(1), conv(1), rate(1);
    AlignedArray<float> end(1);
    u[0] = u0;
    rate[0] = u0 / T;
    end[0] = static_cast<float>(e);
    REQUIRE(static_cast<double>(end[0]) == e);
    const VestingColumns c{u.data(), conv.data(), rate.data(), end.data()};
    const auto steps = static_cast<long>(std::ceil(T / dt));
    double total = 0.0;
    for (long k = 0; k < steps; ++k) {
      const double t = start + static_cast<double>(k) * dt, t1 = t + dt;
      total += accrue_vesting(c, 0, 1, t, t1);
      if (t1 < e) {
        CHECK(u[0] > 0.0);  // never emptied early
        CHECK(std::fabs(u[0] - u0 * (e - t1) / T) <= 1e-12 * u0);  // rounding grows with the steps, not with 1/u
      }
    }
    CHECK(u[0] == 0.0);
    // Each step rounds u − du and converted + du separately, so converted meets u0 to rounding only.
    CHECK(conv[0] == doctest::Approx(u0).epsilon(1e-13));
    CHECK(total == doctest::Approx(u0).epsilon(1e-13));
    CHECK(accrue_vesting(c, 0, 1, e, e + dt) == 0.0);
  }
}
