#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "kernel_test_support.hpp"
#include "kernels/mark_to_market.hpp"

using namespace stampede;
using namespace stampede::kernels;
using namespace stampede::kernels::test;

namespace {
struct Book {
  std::vector<AlignedArray<double>> holding;
  AlignedArray<double> cost, wealth;
  AlignedArray<float> pnl;
  MarkColumns columns(std::size_t count, bool with_wealth, const double* prices) {
    MarkColumns c;
    c.count = count;
    for (std::size_t k = 0; k < count; ++k) {
      c.holding[k] = holding[k].data();
      c.price[k] = prices[k];
    }
    c.cost = cost.data();
    c.pnl = pnl.data();
    c.wealth = with_wealth ? wealth.data() : nullptr;
    return c;
  }
  Book copy() const {
    Book b;
    for (const auto& h : holding) b.holding.push_back(copy_of(h));
    b.cost = copy_of(cost);
    b.wealth = copy_of(wealth);
    b.pnl = copy_of(pnl);
    return b;
  }
};
Book random_book(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Book b;
  for (std::size_t k = 0; k < kMaxHoldings; ++k) b.holding.push_back(wide_doubles(n, rng, -5.0, 20.0));
  b.cost = random_doubles(n, rng, -10.0, 1e6);  // some agents without a cost basis (≤ 0)
  b.wealth = AlignedArray<double>(n);
  b.pnl = AlignedArray<float>(n);
  return b;
}
const double kPrices[kMaxHoldings] = {0.97, 1.0, 1.3125, 0.75, 12.5, 0.031, 2.0, 1e-3};
}  // namespace

TEST_CASE("mark_to_market: SIMD equals the scalar reference bitwise for 0..8 holdings") {
  for (std::size_t count = 0; count <= kMaxHoldings; ++count) {
    for (const bool with_wealth : {false, true}) {
      for_each_arch([&]<class A>() {
        for (const Range r : ranges()) {
          CAPTURE(A::name());
          CAPTURE(count);
          CAPTURE(with_wealth);
          CAPTURE(r.begin);
          CAPTURE(r.end);
          Book simd = random_book(r.end + kSlack, r.begin * 131 + r.end + count);
          Book ref = simd.copy();
          OrderedSum s_simd, s_ref;
          mark_to_market_simd<A>(simd.columns(count, with_wealth, kPrices), r.begin, r.end, s_simd);
          mark_to_market_reference(ref.columns(count, with_wealth, kPrices), r.begin, r.end, s_ref);
          CHECK(same_bits(s_simd.total, s_ref.total));
          CHECK(same_bits(simd.pnl, ref.pnl));
          CHECK(same_bits(simd.wealth, ref.wealth));
        }
      });
    }
  }
}

TEST_CASE("mark_to_market: hand-computed wealth and PnL (KS21 shape)") {
  // KS21: wealth = P·(liquid + stake) + usdc + lp·(2y/L); P = 2, lp share value 4.
  const std::size_t n = 3;
  AlignedArray<double> liquid(n), stake(n), usdc(n), lp(n), cost(n), wealth(n);
  AlignedArray<float> pnl(n);
  const double l[] = {10, 0, 1}, s[] = {5, 0, 2}, u[] = {100, 0, 0}, p[] = {1, 0, 0.5}, c[] = {100, 0, 16};
  for (std::size_t i = 0; i < n; ++i) {
    liquid[i] = l[i]; stake[i] = s[i]; usdc[i] = u[i]; lp[i] = p[i]; cost[i] = c[i];
  }
  MarkColumns m;
  m.count = 4;
  m.holding = {liquid.data(), stake.data(), usdc.data(), lp.data()};
  m.price = {2.0, 2.0, 1.0, 4.0};
  m.cost = cost.data();
  m.pnl = pnl.data();
  m.wealth = wealth.data();
  const double total = mark_to_market(m, 0, n);
  CHECK(wealth[0] == 134.0);  // 20 + 10 + 100 + 4
  CHECK(wealth[1] == 0.0);
  CHECK(wealth[2] == 8.0);    // 2 + 4 + 0 + 2
  CHECK(pnl[0] == doctest::Approx(0.34f));
  CHECK(pnl[1] == 0.0f);      // no cost basis: PnL 0, not NaN
  CHECK(pnl[2] == -0.5f);
  CHECK(total == 142.0);
}

TEST_CASE("mark_to_market: more than kMaxHoldings is refused") {
  MarkColumns m;
  m.count = kMaxHoldings + 1;
  CHECK_THROWS_AS(mark_to_market(m, 0, 0), std::invalid_argument);
}
