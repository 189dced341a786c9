#include <doctest/doctest.h>

#include "kernel_test_support.hpp"
#include "kernels/accrue_vesting.hpp"

using namespace stampede;
using namespace stampede::kernels;
using namespace stampede::kernels::test;

namespace {
struct Book {
  AlignedArray<double> vested, remaining;
  AlignedArray<float> rate;
  VestingColumns columns() { return {vested.data(), remaining.data(), rate.data()}; }
  Book copy() const { return {copy_of(vested), copy_of(remaining), copy_of(rate)}; }
};
Book random_book(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  // Remaining from 0 to 1e4, rates such that some agents finish this step and some do not.
  Book b{random_doubles(n, rng, 0.0, 1e3), wide_doubles(n, rng, -20.0, 13.0), random_floats(n, rng, 0.0f, 2.0f)};
  for (std::size_t i = 0; i < n; i += 17) b.remaining[i] = 0.0;
  return b;
}
}  // namespace

TEST_CASE("accrue_vesting: SIMD equals the scalar reference bitwise") {
  const double dt = 3600.0;
  for_each_arch([&]<class A>() {
    for (const Range r : ranges()) {
      CAPTURE(A::name());
      CAPTURE(r.begin);
      CAPTURE(r.end);
      Book simd = random_book(r.end + kSlack, r.begin * 131 + r.end);
      Book ref = simd.copy();
      OrderedSum s_simd, s_ref;
      accrue_vesting_simd<A>(simd.columns(), r.begin, r.end, dt, s_simd);
      accrue_vesting_reference(ref.columns(), r.begin, r.end, dt, s_ref);
      CHECK(same_bits(s_simd.total, s_ref.total));
      CHECK(same_bits(simd.vested, ref.vested));
      CHECK(same_bits(simd.remaining, ref.remaining));
      CHECK(same_bits(simd.rate, ref.rate));
    }
  });
  Book a = random_book(10007 + 3, 7), b = a.copy();
  CHECK(same_bits(accrue_vesting(a.columns(), 3, 10010, dt), accrue_vesting_reference(b.columns(), 3, 10010, dt)));
  CHECK(same_bits(a.vested, b.vested));
}

TEST_CASE("accrue_vesting: conservation and bounds") {
  const std::size_t n = 10007;
  const double dt = 3600.0;
  Book after = random_book(n, 99);
  const Book before = after.copy();
  const double total = accrue_vesting(after.columns(), 0, n, dt);
  long double released = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = before.remaining[i] - after.remaining[i];
    // Never more than what was locked, never more than the rate allows, never negative.
    CHECK(after.remaining[i] >= 0.0);
    CHECK(v >= 0.0);
    CHECK(v <= static_cast<double>(before.rate[i]) * dt);
    // What left `remaining` arrived in `vested` (each side rounded once).
    CHECK(ulps_apart(before.vested[i] + before.remaining[i], after.vested[i] + after.remaining[i]) <= 2);
    released += static_cast<long double>(v);
  }
  CHECK(static_cast<double>(released) == doctest::Approx(total).epsilon(1e-12));
}

TEST_CASE("accrue_vesting: closed form, 10 tokens at 1.5/s with dt = 2 s vest as 3, 3, 3, 1") {
  AlignedArray<double> vested(1), remaining(1);
  AlignedArray<float> rate(1);
  remaining[0] = 10.0;
  rate[0] = 1.5f;
  const VestingColumns c{vested.data(), remaining.data(), rate.data()};
  const double expected[] = {3.0, 3.0, 3.0, 1.0, 0.0};
  for (double e : expected) CHECK(accrue_vesting(c, 0, 1, 2.0) == e);
  CHECK(remaining[0] == 0.0);
  CHECK(vested[0] == 10.0);
}
