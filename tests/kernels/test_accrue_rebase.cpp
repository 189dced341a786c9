#include <doctest/doctest.h>

#include "kernel_test_support.hpp"
#include "kernels/accrue_rebase.hpp"

using namespace stampede;
using namespace stampede::kernels;
using namespace stampede::kernels::test;

namespace {
struct Positions {
  AlignedArray<double> stake, bond;
  AlignedArray<float> m;
  RebaseColumns columns(bool with_bond, bool with_m) {
    return {stake.data(), with_bond ? bond.data() : nullptr, with_m ? m.data() : nullptr};
  }
  Positions copy() const { return {copy_of(stake), copy_of(bond), copy_of(m)}; }
};
Positions random_positions(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  // PoTP multipliers in [1, m_cap = 2] (ksn.md KS10).
  return {wide_doubles(n, rng, -10.0, 25.0), wide_doubles(n, rng, -10.0, 20.0), random_floats(n, rng, 1.0f, 2.0f)};
}
}  // namespace

TEST_CASE("accrue_rebase: SIMD equals the scalar reference bitwise, with and without bond and PoTP") {
  const double g = 1.7e-3;
  for (const bool with_bond : {false, true}) {
    for (const bool with_m : {false, true}) {
      for_each_arch([&]<class A>() {
        for (const Range r : ranges()) {
          CAPTURE(A::name());
          CAPTURE(with_bond);
          CAPTURE(with_m);
          CAPTURE(r.begin);
          CAPTURE(r.end);
          Positions simd = random_positions(r.end + kSlack, r.begin * 131 + r.end);
          Positions ref = simd.copy();
          OrderedSum s_simd, s_ref;
          accrue_rebase_simd<A>(simd.columns(with_bond, with_m), r.begin, r.end, g, s_simd);
          accrue_rebase_reference(ref.columns(with_bond, with_m), r.begin, r.end, g, s_ref);
          CHECK(same_bits(s_simd.total, s_ref.total));
          CHECK(same_bits(simd.stake, ref.stake));
          CHECK(same_bits(simd.bond, ref.bond));
        }
      });
    }
  }
}

TEST_CASE("accrue_rebase: KS9 closed form Δ_i/q_i = g·m_i and Σ Δ_i = returned sum") {
  const std::size_t n = 10007;
  const double g = 2.5e-3;
  Positions after = random_positions(n, 17);
  const Positions before = after.copy();
  const double total = accrue_rebase(after.columns(true, true), 0, n, g);
  long double gained = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    const double m = before.m[i];
    const double ds = after.stake[i] - before.stake[i], db = after.bond[i] - before.bond[i];
    CHECK(ds / before.stake[i] == doctest::Approx(g * m).epsilon(1e-9));
    CHECK(db / before.bond[i] == doctest::Approx(g * m).epsilon(1e-9));
    gained += static_cast<long double>(ds) + static_cast<long double>(db);
  }
  CHECK(static_cast<double>(gained) == doctest::Approx(total).epsilon(1e-12));
}

TEST_CASE("accrue_rebase: no multiplier column means m = 1; g = 0 changes nothing") {
  const std::size_t n = 1000;
  Positions a = random_positions(n, 23);
  for (std::size_t i = 0; i < n; ++i) a.m[i] = 1.0f;
  Positions b = a.copy();
  const double with_ones = accrue_rebase(a.columns(true, true), 0, n, 1e-3);
  const double without = accrue_rebase(b.columns(true, false), 0, n, 1e-3);
  CHECK(same_bits(with_ones, without));
  CHECK(same_bits(a.stake, b.stake));

  Positions c = random_positions(n, 29);
  const Positions c0 = c.copy();
  CHECK(accrue_rebase(c.columns(true, true), 0, n, 0.0) == 0.0);
  CHECK(same_bits(c.stake, c0.stake));

  // One agent by hand: stake 1000, bond 200, m = 1.5, g = 0.01 -> factor 1.015.
  AlignedArray<double> s(1), bnd(1);
  AlignedArray<float> m(1);
  s[0] = 1000.0;
  bnd[0] = 200.0;
  m[0] = 1.5f;
  const double d = accrue_rebase({s.data(), bnd.data(), m.data()}, 0, 1, 0.01);
  CHECK(s[0] == doctest::Approx(1015.0).epsilon(1e-15));
  CHECK(bnd[0] == doctest::Approx(203.0).epsilon(1e-15));
  CHECK(d == doctest::Approx(18.0).epsilon(1e-12));
}
