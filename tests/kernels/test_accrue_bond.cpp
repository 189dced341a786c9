#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "kernel_test_support.hpp"
#include "kernels/accrue_bond.hpp"

using namespace stampede;
using namespace stampede::kernels;
using namespace stampede::kernels::test;

namespace {
struct Bonds {
  AlignedArray<double> rem, claim;
  AlignedArray<float> left;
  BondColumns columns() { return {rem.data(), claim.data(), left.data()}; }
  Bonds copy() const { return {copy_of(rem), copy_of(claim), copy_of(left)}; }
};
Bonds random_bonds(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bonds b{wide_doubles(n, rng, -10.0, 20.0), random_doubles(n, rng, 0.0, 1e4), random_floats(n, rng, -3600.0f, 432000.0f)};
  // Terms that end exactly now, inside this step, and already ended.
  for (std::size_t i = 0; i < n; i += 13) b.left[i] = 0.0f;
  for (std::size_t i = 5; i < n; i += 29) b.left[i] = 1800.0f;
  for (std::size_t i = 7; i < n; i += 31) b.left[i] = 3600.0f;
  return b;
}
}  // namespace

TEST_CASE("accrue_bond: SIMD equals the scalar reference bitwise") {
  const double dt = 3600.0;
  for_each_arch([&]<class A>() {
    for (const Range r : ranges()) {
      CAPTURE(A::name());
      CAPTURE(r.begin);
      CAPTURE(r.end);
      Bonds simd = random_bonds(r.end + kSlack, r.begin * 131 + r.end);
      Bonds ref = simd.copy();
      OrderedSum s_simd, s_ref;
      accrue_bond_simd<A>(simd.columns(), r.begin, r.end, dt, s_simd);
      accrue_bond_reference(ref.columns(), r.begin, r.end, dt, s_ref);
      CHECK(same_bits(s_simd.total, s_ref.total));
      CHECK(same_bits(simd.rem, ref.rem));
      CHECK(same_bits(simd.claim, ref.claim));
      CHECK(same_bits(simd.left, ref.left));
    }
  });
  Bonds a = random_bonds(10010, 3), b = a.copy();
  CHECK(same_bits(accrue_bond(a.columns(), 3, 10010, dt), accrue_bond_reference(b.columns(), 3, 10010, dt)));
  CHECK(same_bits(a.rem, b.rem));
}

TEST_CASE("accrue_bond: bond_rem + bond_claim conserved per agent, returned sum = vested payout") {
  const std::size_t n = 10007;
  Bonds after = random_bonds(n, 5);
  const Bonds before = after.copy();
  const double total = accrue_bond(after.columns(), 0, n, 3600.0);
  long double vested = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(ulps_apart(before.rem[i] + before.claim[i], after.rem[i] + after.claim[i]) <= 1);
    CHECK(after.rem[i] >= 0.0);
    CHECK(after.left[i] == std::max(0.0f, static_cast<float>(static_cast<double>(before.left[i]) - 3600.0)));
    if (before.left[i] <= 3600.0f) CHECK(after.rem[i] == 0.0);  // term over: all of it vests
    vested += static_cast<long double>(after.claim[i]) - static_cast<long double>(before.claim[i]);
  }
  CHECK(static_cast<double>(vested) == doctest::Approx(total).epsilon(1e-12));
}

TEST_CASE("accrue_bond: closed form, linear vesting over T_v = 5 days") {
  const double T_v = 5 * 86400.0, R = 1000.0;
  SUBCASE("hourly steps: bond_rem(t) = R·(1 − t/T_v), empty exactly at T_v") {
    AlignedArray<double> rem(1), claim(1);
    AlignedArray<float> left(1);
    rem[0] = R;
    left[0] = static_cast<float>(T_v);
    const BondColumns c{rem.data(), claim.data(), left.data()};
    const double dt = 3600.0;
    for (int k = 1; k <= 120; ++k) {
      const double v = accrue_bond(c, 0, 1, dt);
      CHECK(v == doctest::Approx(R * dt / T_v).epsilon(1e-12));
      CHECK(rem[0] == doctest::Approx(R * (1.0 - k * dt / T_v)).epsilon(1e-12));
    }
    CHECK(rem[0] == 0.0);
    CHECK(left[0] == 0.0f);
    CHECK(claim[0] == doctest::Approx(R).epsilon(1e-14));
    CHECK(accrue_bond(c, 0, 1, dt) == 0.0);
  }
  SUBCASE("a step that does not divide T_v: empty after ceil(T_v/dt) steps, not before") {
    AlignedArray<double> rem(1), claim(1);
    AlignedArray<float> left(1);
    rem[0] = R;
    left[0] = static_cast<float>(T_v);
    const BondColumns c{rem.data(), claim.data(), left.data()};
    const double dt = 7000.0;
    const int steps = static_cast<int>(std::ceil(T_v / dt));  // 62
    for (int k = 1; k < steps; ++k) accrue_bond(c, 0, 1, dt);
    CHECK(rem[0] > 0.0);
    CHECK(rem[0] == doctest::Approx(R * (T_v - (steps - 1) * dt) / T_v).epsilon(1e-10));
    accrue_bond(c, 0, 1, dt);
    CHECK(rem[0] == 0.0);
    CHECK(rem[0] + claim[0] == doctest::Approx(R).epsilon(1e-14));
  }
}
