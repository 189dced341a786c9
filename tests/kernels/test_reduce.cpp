#include <doctest/doctest.h>

#include <array>
#include <vector>

#include "kernel_test_support.hpp"
#include "kernels/reduce.hpp"

using namespace stampede;
using namespace stampede::kernels;
using namespace stampede::kernels::test;

TEST_CASE("fold_lanes is the fixed tree ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7))") {
  // Values for which the left-to-right sum differs from the tree, so the order is visible.
  const double l[8] = {1e16, 1.0, 1.0, -1e16, 3.0, 1e-3, 2.5e15, -2.5e15};
  const double tree = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
  double left = 0.0;
  for (double x : l) left += x;
  REQUIRE_FALSE(same_bits(tree, left));
  CHECK(same_bits(fold_lanes(l), tree));
}

TEST_CASE("reduce_blocks_scalar: lanes i mod 8 from the block start, blocks of 4096 in order") {
  std::vector<double> x(8200);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1.0 / static_cast<double>(i + 3) + (i % 5 == 0 ? 1e9 : 0.0);
  const auto element = [&](std::size_t i) { return x[i]; };

  SUBCASE("ten agents: lanes 0 and 1 hold two terms each") {
    OrderedSum sum;
    reduce_blocks_scalar(0, 10, element, sum);
    const double l0 = x[0] + x[8], l1 = x[1] + x[9];
    const double expected = ((l0 + l1) + (x[2] + x[3])) + ((x[4] + x[5]) + (x[6] + x[7]));
    CHECK(same_bits(sum.total, expected));
  }
  SUBCASE("a range crossing a block boundary: lanes follow the absolute index") {
    OrderedSum sum;
    reduce_blocks_scalar(4094, 4099, element, sum);
    const double p0 = (0.0 + 0.0) + (0.0 + 0.0) + ((0.0 + 0.0) + (x[4094] + x[4095]));
    const double p1 = ((x[4096] + x[4097]) + (x[4098] + 0.0)) + ((0.0 + 0.0) + (0.0 + 0.0));
    CHECK(same_bits(sum.total, (0.0 + p0) + p1));
  }
  SUBCASE("every agent is visited once") {
    std::vector<int> seen(x.size(), 0);
    OrderedSum sum;
    reduce_blocks_scalar(3, 8197, [&](std::size_t i) { ++seen[i]; return 1.0; }, sum);
    CHECK(sum.total == 8194.0);
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(seen[i] == (i >= 3 && i < 8197 ? 1 : 0));
  }
}

TEST_CASE("reduce_blocks_simd equals the scalar order bitwise for every width, range and split") {
  std::mt19937_64 rng(42);
  const std::size_t n = 4093 + 10007 + kSlack;
  const auto x = wide_doubles(n, rng, -30.0, 30.0);
  const auto element = [&](std::size_t i) { return x[i]; };
  for_each_arch([&]<class A>() {
    using B = DoubleBatch<A>;
    const auto batch = [&](std::size_t i) { return B::load_unaligned(x.data() + i); };
    for (const Range r : ranges()) {
      CAPTURE(A::name());
      CAPTURE(r.begin);
      CAPTURE(r.end);
      OrderedSum scalar, simd;
      reduce_blocks_scalar(r.begin, r.end, element, scalar);
      reduce_blocks_simd<A>(r.begin, r.end, element, batch, simd);
      CHECK(same_bits(scalar.total, simd.total));
    }
  });

  SUBCASE("the order is not the naive one (the test above can fail)") {
    OrderedSum sum;
    reduce_blocks_scalar(0, 10007, element, sum);
    double left = 0.0;
    for (std::size_t i = 0; i < 10007; ++i) left += x[i];
    CHECK_FALSE(same_bits(sum.total, left));
  }
  SUBCASE("two threads splitting at a block boundary reproduce the one-pass sum") {
    const std::size_t begin = 5, end = 3 * kReduceBlock + 17, cut = 2 * kReduceBlock;
    OrderedSum whole;
    reduce_blocks_scalar(begin, end, element, whole);
    std::vector<double> partials(blocks_touched(begin, end));
    REQUIRE(partials.size() == 4);
    BlockPartials sink{partials, block_of(begin)};
    reduce_blocks_simd<DefaultArch>(cut, end, element,
                                    [&](std::size_t i) { return DoubleBatch<DefaultArch>::load_unaligned(x.data() + i); }, sink);
    reduce_blocks_scalar(begin, cut, element, sink);  // the "other thread", in any order
    CHECK(same_bits(fold_blocks(partials), whole.total));
  }
}

TEST_CASE("reduce_blocks_*_n: K sums in one pass equal K single-sum passes bitwise") {
  std::mt19937_64 rng(7);
  const std::size_t n = 4093 + 10007 + kSlack;
  const auto x = wide_doubles(n, rng, -30.0, 30.0), y = wide_doubles(n, rng, -5.0, 40.0),
             z = random_doubles(n, rng, -1.0, 1.0);
  const auto element = [&](std::size_t i) { return std::array<double, 3>{x[i], y[i], z[i]}; };
  for_each_arch([&]<class A>() {
    using B = DoubleBatch<A>;
    const auto batch = [&](std::size_t i) {
      return std::array<B, 3>{B::load_unaligned(x.data() + i), B::load_unaligned(y.data() + i),
                              B::load_unaligned(z.data() + i)};
    };
    for (const Range r : ranges()) {
      CAPTURE(A::name());
      CAPTURE(r.begin);
      CAPTURE(r.end);
      OrderedSums<3> scalar, simd;
      reduce_blocks_scalar_n<3>(r.begin, r.end, element, scalar);
      reduce_blocks_simd_n<A, 3>(r.begin, r.end, element, batch, simd);
      const AlignedArray<double>* columns[] = {&x, &y, &z};
      for (std::size_t k = 0; k < 3; ++k) {
        OrderedSum single;
        reduce_blocks_scalar(r.begin, r.end, [&](std::size_t i) { return (*columns[k])[i]; }, single);
        CHECK(same_bits(scalar.total[k], single.total));
        CHECK(same_bits(simd.total[k], single.total));
      }
    }
  });
}
