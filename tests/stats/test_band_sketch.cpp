// The band sketch against exact type-7 quantiles (relative accuracy alpha) and its merge
// against a one-shot sketch (bit-identical in any order).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/stats/band_sketch.hpp"

using namespace stampede;

namespace {

// Portable draws (mt19937_64 is fully specified; std::*_distribution is not).
struct Draws {
  std::mt19937_64 eng{12345};
  double uniform() { return static_cast<double>(eng() >> 11) * 0x1.0p-53; }
  double normal() {
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};

// paths x [3 series][4 records]: series 0 lognormal (positive, wide), series 1 normal (both
// signs), series 2 a mix with exact zeros and NaNs.
std::vector<double> make_paths(int n_paths) {
  Draws d;
  std::vector<double> v(static_cast<std::size_t>(n_paths) * 12);
  for (int p = 0; p < n_paths; ++p)
    for (int r = 0; r < 4; ++r) {
      double* row = &v[static_cast<std::size_t>(p) * 12];
      row[0 * 4 + r] = std::exp(2.0 * d.normal() + r);
      row[1 * 4 + r] = 100.0 * d.normal();
      const double u = d.uniform();
      row[2 * 4 + r] = u < 0.2 ? 0.0 : u < 0.3 ? std::numeric_limits<double>::quiet_NaN() : -u * 1e6;
    }
  return v;
}

double exact_quantile(std::vector<double> xs, double q) {
  std::erase_if(xs, [](double x) { return std::isnan(x); });
  std::sort(xs.begin(), xs.end());
  const double h = static_cast<double>(xs.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= xs.size()) return xs.back();
  return xs[lo] + (h - static_cast<double>(lo)) * (xs[lo + 1] - xs[lo]);
}

}  // namespace

TEST_CASE("band sketch: each bucket is within alpha of its values") {
  const double a = BandSketch::kAlpha;
  for (double x : {1e-300, 1e-9, 0.37, 1.0, 1.005, 2.5, 1e6, 1e300, -3.0, -1e-5}) {
    const double r = BandSketch::value_of(BandSketch::key_of(x));
    CAPTURE(x);
    CHECK(std::fabs(r - x) <= a * std::fabs(x) * (1 + 1e-9));
  }
  CHECK(BandSketch::key_of(0.0) == 0);
  CHECK(BandSketch::value_of(0) == 0.0);
  CHECK(BandSketch::key_of(-2.0) < BandSketch::key_of(-1.0));
  CHECK(BandSketch::key_of(-1e-300) < 0);
  CHECK(BandSketch::key_of(1e-300) > 0);
  CHECK(std::isinf(BandSketch::value_of(BandSketch::key_of(std::numeric_limits<double>::infinity()))));
}

TEST_CASE("band sketch: quantiles within alpha of exact type-7 quantiles") {
  const int n_paths = 2000;
  const auto v = make_paths(n_paths);
  BandSketch sk(3, 4);
  for (int p = 0; p < n_paths; ++p) sk.add_path(&v[static_cast<std::size_t>(p) * 12]);
  for (int s = 0; s < 3; ++s)
    for (int r = 0; r < 4; ++r) {
      std::vector<double> col;
      for (int p = 0; p < n_paths; ++p) col.push_back(v[static_cast<std::size_t>(p) * 12 + s * 4 + r]);
      const auto sorted = [&] {
        auto c = col;
        std::erase_if(c, [](double x) { return std::isnan(x); });
        std::sort(c.begin(), c.end());
        return c;
      }();
      CHECK(sk.count(s, r) == sorted.size());
      const Quantiles est = sk.quantiles(s, r);
      for (std::size_t i = 0; i < kQuantileLevels.size(); ++i) {
        const double q = kQuantileLevels[i];
        const double exact = exact_quantile(col, q);
        const double h = static_cast<double>(sorted.size() - 1) * q;
        const auto lo = static_cast<std::size_t>(h);
        const double scale = std::max(std::fabs(sorted[lo]), std::fabs(sorted[std::min(lo + 1, sorted.size() - 1)]));
        CAPTURE(s);
        CAPTURE(r);
        CAPTURE(q);
        CAPTURE(exact);
        CAPTURE(est[i]);
        // Interpolating two values each within alpha: error <= alpha·max(|x_lo|, |x_hi|);
        // for one-signed data that is a relative error <= alpha of the exact quantile.
        CHECK(std::fabs(est[i] - exact) <= BandSketch::kAlpha * scale * (1 + 1e-9));
        if (s == 0) CHECK(std::fabs(est[i] - exact) <= BandSketch::kAlpha * std::fabs(exact) * (1 + 1e-9));
      }
    }
  // Series 2 holds 20% zeros (exact bucket) and 70% negatives: its 5% quantile is a negative
  // value; a level inside the zero mass is exactly zero.
  CHECK(sk.quantile(2, 0, 0.9) == 0.0);
}

TEST_CASE("band sketch: empty cells give NaN; a single value is its bucket") {
  BandSketch sk(1, 2);
  std::vector<double> row = {std::numeric_limits<double>::quiet_NaN(), 42.0};
  sk.add_path(row.data());
  CHECK(std::isnan(sk.quantile(0, 0, 0.5)));
  CHECK(sk.count(0, 0) == 0);
  for (double q : sk.quantiles(0, 1)) CHECK(std::fabs(q - 42.0) <= 42.0 * BandSketch::kAlpha);
}

TEST_CASE("band sketch: merging shards in any order equals the one-shot sketch") {
  const int n_paths = 900;
  const auto v = make_paths(n_paths);
  BandSketch whole(3, 4), a(3, 4), b(3, 4), c(3, 4);
  for (int p = 0; p < n_paths; ++p) {
    const double* row = &v[static_cast<std::size_t>(p) * 12];
    whole.add_path(row);
    (p % 3 == 0 ? a : p < 450 ? b : c).add_path(row);  // uneven, interleaved shards
  }
  BandSketch abc = a;
  abc.merge(b);
  abc.merge(c);
  BandSketch cab = c;
  cab.merge(a);
  cab.merge(b);
  BandSketch bc = b;
  bc.merge(c);
  BandSketch bc_a;  // default sketch adopts the first merged one's dimensions
  bc_a.merge(bc);
  bc_a.merge(a);
  for (const BandSketch* m : {&abc, &cab, &bc_a}) {
    CHECK(*m == whole);
    const auto x = m->to_arrays(), y = whole.to_arrays();
    CHECK(x.key == y.key);
    CHECK(x.count == y.count);
    for (int s = 0; s < 3; ++s)
      for (int r = 0; r < 4; ++r) {
        const Quantiles qm = m->quantiles(s, r), qw = whole.quantiles(s, r);
        for (std::size_t i = 0; i < qm.size(); ++i)
          CHECK(std::memcmp(&qm[i], &qw[i], sizeof(double)) == 0);
      }
  }
  BandSketch wrong(2, 4);
  CHECK_THROWS_AS(wrong.merge(whole), RuntimeFailure);
}

TEST_CASE("band sketch: flat arrays round trip and are validated") {
  const auto v = make_paths(50);
  BandSketch sk(3, 4);
  for (int p = 0; p < 50; ++p) sk.add_path(&v[static_cast<std::size_t>(p) * 12]);
  const BandSketchArrays arr = sk.to_arrays();
  CHECK(BandSketch::from_arrays(3, 4, arr) == sk);
  std::uint64_t total = 0;
  for (auto n : arr.count) total += n;
  std::uint64_t counted = 0;
  for (int s = 0; s < 3; ++s)
    for (int r = 0; r < 4; ++r) counted += sk.count(s, r);
  CHECK(total == counted);
  CHECK(counted == 50u * 12u - [&] {  // NaNs are not counted
          std::uint64_t n = 0;
          for (double x : v) n += std::isnan(x) ? 1 : 0;
          return n;
        }());

  BandSketchArrays bad = arr;
  bad.series[0] = 3;
  CHECK_THROWS_AS(BandSketch::from_arrays(3, 4, bad), InputError);
  bad = arr;
  std::swap(bad.key[0], bad.key[1]);
  CHECK_THROWS_AS(BandSketch::from_arrays(3, 4, bad), InputError);
  bad = arr;
  bad.count.pop_back();
  CHECK_THROWS_AS(BandSketch::from_arrays(3, 4, bad), InputError);
}
