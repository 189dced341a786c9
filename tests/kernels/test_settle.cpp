#include <doctest/doctest.h>

#include "kernel_test_support.hpp"
#include "kernels/settle.hpp"

using namespace stampede;
using namespace stampede::kernels;
using namespace stampede::kernels::test;

namespace {
struct Wallets {
  AlignedArray<std::uint8_t> action;
  AlignedArray<double> amount, liquid, stake, usdc;
  Wallets copy() const { return {copy_of(action), copy_of(amount), copy_of(liquid), copy_of(stake), copy_of(usdc)}; }
  SettleColumns columns() const { return {action.data(), amount.data()}; }
  // 1 stake liquid -> stake (half filled), 2 sell liquid -> usdc at 0.8, 3 buy usdc -> liquid at 1/0.8,
  // 4 burn liquid (no destination).
  SettleTable table() {
    SettleTable t;
    t.action[1] = {liquid.data(), stake.data(), 0.5, 1.0};
    t.action[2] = {liquid.data(), usdc.data(), 1.0, 0.8};
    t.action[3] = {usdc.data(), liquid.data(), 0.75, 1.25};
    t.action[4] = {liquid.data(), nullptr, 1.0, 1.0};
    return t;
  }
};
Wallets random_wallets(std::size_t n, std::uint64_t seed, double act_share) {
  std::mt19937_64 rng(seed);
  Wallets w{AlignedArray<std::uint8_t>(n), random_doubles(n, rng, 0.0, 100.0), random_doubles(n, rng, 0.0, 1e3),
            random_doubles(n, rng, 0.0, 1e3), random_doubles(n, rng, 0.0, 1e3)};
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> code(1, 9);  // 5..9 are unused or out of the table: hold
  for (std::size_t i = 0; i < n; ++i) w.action[i] = u(rng) < act_share ? static_cast<std::uint8_t>(code(rng)) : 0;
  return w;
}
}  // namespace

TEST_CASE("settle: SIMD equals the scalar reference bitwise, sparse and dense actions") {
  for (const double share : {0.0, 0.01, 0.5, 1.0}) {
    for_each_arch([&]<class A>() {
      for (const Range r : ranges()) {
        CAPTURE(A::name());
        CAPTURE(share);
        CAPTURE(r.begin);
        CAPTURE(r.end);
        Wallets simd = random_wallets(r.end + kSlack, r.begin * 131 + r.end, share);
        Wallets ref = simd.copy();
        settle_simd<A>(simd.columns(), simd.table(), r.begin, r.end);
        settle_reference(ref.columns(), ref.table(), r.begin, r.end);
        CHECK(same_bits(simd.liquid, ref.liquid));
        CHECK(same_bits(simd.stake, ref.stake));
        CHECK(same_bits(simd.usdc, ref.usdc));
      }
    });
  }
}

TEST_CASE("settle: hand-computed fills") {
  Wallets w{AlignedArray<std::uint8_t>(6), AlignedArray<double>(6), AlignedArray<double>(6), AlignedArray<double>(6),
            AlignedArray<double>(6)};
  const std::uint8_t a[] = {0, 1, 2, 3, 4, 200};
  for (std::size_t i = 0; i < 6; ++i) {
    w.action[i] = a[i];
    w.amount[i] = 40.0;
    w.liquid[i] = 100.0;
    w.stake[i] = 10.0;
    w.usdc[i] = 50.0;
  }
  settle(w.columns(), w.table(), 0, 6);
  CHECK(w.liquid[0] == 100.0);  // hold
  CHECK(w.liquid[1] == 80.0);   // stake 40, half filled
  CHECK(w.stake[1] == 30.0);
  CHECK(w.liquid[2] == 60.0);   // sell 40 at 0.8
  CHECK(w.usdc[2] == 82.0);
  CHECK(w.usdc[3] == 20.0);     // buy with 40 usdc, 75% filled: pay 30, get 37.5
  CHECK(w.liquid[3] == 137.5);
  CHECK(w.liquid[4] == 60.0);   // burn
  CHECK(w.liquid[5] == 100.0);  // code out of the table: hold
  CHECK(w.usdc[5] == 50.0);
}

TEST_CASE("settle: what leaves the source columns is fill·Σ amount per action") {
  const std::size_t n = 10007;
  Wallets w = random_wallets(n, 77, 0.3);
  const Wallets before = w.copy();
  settle(w.columns(), w.table(), 0, n);
  long double staked_in = 0.0L, staked_expected = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    staked_in += static_cast<long double>(w.stake[i]) - static_cast<long double>(before.stake[i]);
    if (before.action[i] == 1) staked_expected += 0.5L * static_cast<long double>(before.amount[i]);
  }
  CHECK(staked_expected > 0.0L);
  CHECK(static_cast<double>(staked_in) == doctest::Approx(static_cast<double>(staked_expected)).epsilon(1e-12));
}
