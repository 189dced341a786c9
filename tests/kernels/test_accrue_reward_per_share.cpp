#include <doctest/doctest.h>

#include "kernel_test_support.hpp"
#include "kernels/accrue_reward_per_share.hpp"

using namespace stampede;
using namespace stampede::kernels;
using namespace stampede::kernels::test;

namespace {
struct Board {
  AlignedArray<double> earned, snap, balance;
  RewardColumns columns() { return {earned.data(), snap.data(), balance.data()}; }
  Board copy() const { return {copy_of(earned), copy_of(snap), copy_of(balance)}; }
};
Board random_board(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return {random_doubles(n, rng, 0.0, 50.0), random_doubles(n, rng, 0.0, 0.25), wide_doubles(n, rng, -5.0, 25.0)};
}
}  // namespace

TEST_CASE("accrue_reward_per_share: SIMD equals the scalar reference bitwise") {
  const double rps = 0.3125;
  for_each_arch([&]<class A>() {
    for (const Range r : ranges()) {
      CAPTURE(A::name());
      CAPTURE(r.begin);
      CAPTURE(r.end);
      Board simd = random_board(r.end + kSlack, r.begin * 131 + r.end);
      Board ref = simd.copy();
      OrderedSum s_simd, s_ref;
      accrue_reward_per_share_simd<A>(simd.columns(), r.begin, r.end, rps, s_simd);
      accrue_reward_per_share_reference(ref.columns(), r.begin, r.end, rps, s_ref);
      CHECK(same_bits(s_simd.total, s_ref.total));
      CHECK(same_bits(simd.earned, ref.earned));
      CHECK(same_bits(simd.snap, ref.snap));
      CHECK(same_bits(simd.balance, ref.balance));
    }
  });
}

TEST_CASE("accrue_reward_per_share: returned sum = Σ balance·(rps − snap), snapshots advance") {
  const std::size_t n = 10007;
  Board after = random_board(n, 11);
  const Board before = after.copy();
  const double rps = 0.5;
  const double total = accrue_reward_per_share(after.columns(), 0, n, rps);
  long double expected = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    expected += static_cast<long double>(before.balance[i]) * (0.5L - static_cast<long double>(before.snap[i]));
    CHECK(after.snap[i] == rps);
    CHECK(after.earned[i] - before.earned[i] ==
          doctest::Approx(before.balance[i] * (rps - before.snap[i])).epsilon(1e-12));
  }
  CHECK(static_cast<double>(expected) == doctest::Approx(total).epsilon(1e-12));
  // A second update at the same rps credits nothing.
  CHECK(accrue_reward_per_share(after.columns(), 0, n, rps) == 0.0);
}

TEST_CASE("accrue_reward_per_share: K22 closed form over several rounds since the last update") {
  AlignedArray<double> earned(2), snap(2), balance(2);
  balance[0] = 200.0;
  balance[1] = 0.0;
  snap[0] = 0.25;
  const RewardColumns c{earned.data(), snap.data(), balance.data()};
  // rps went 0.25 -> 0.5 -> 1.75 over two rounds; one update credits 200·1.5 = 300.
  CHECK(accrue_reward_per_share(c, 0, 2, 1.75) == 300.0);
  CHECK(earned[0] == 300.0);
  CHECK(earned[1] == 0.0);
  CHECK(snap[1] == 1.75);
}
