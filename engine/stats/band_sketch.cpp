#include "engine/stats/band_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/core/errors.hpp"

namespace stampede {
namespace {

constexpr double kGamma = (1.0 + BandSketch::kAlpha) / (1.0 - BandSketch::kAlpha);
const double kLnGamma = std::log(kGamma);
// log of the representative's factor 2/(gamma+1) = 1 - alpha, added in log space so the top
// bucket does not overflow before the factor is applied.
const double kLnRepresentative = std::log(2.0 / (kGamma + 1.0));

}  // namespace

BandSketch::BandSketch(std::int64_t n_series, std::int64_t n_records)
    : n_series_(n_series), n_records_(n_records) {
  if (n_series < 0 || n_records < 0) throw RuntimeFailure("BandSketch: negative dimensions");
  cells_.resize(static_cast<std::size_t>(n_series * n_records));
}

std::int64_t BandSketch::key_of(double value) {
  if (value == 0.0) return 0;
  const double mag = std::fabs(value);
  const std::int64_t sign = value > 0.0 ? 1 : -1;
  if (std::isinf(mag)) return sign * kInfKey;
  const auto k = static_cast<std::int64_t>(std::ceil(std::log(mag) / kLnGamma));
  return sign * (k + kKeyOffset);
}

double BandSketch::value_of(std::int64_t key) {
  if (key == 0) return 0.0;
  const double sign = key > 0 ? 1.0 : -1.0;
  const std::int64_t mag = key > 0 ? key : -key;
  if (mag == kInfKey) return sign * std::numeric_limits<double>::infinity();
  const double k = static_cast<double>(mag - kKeyOffset);
  return sign * std::exp(k * kLnGamma + kLnRepresentative);
}

void BandSketch::add_key(Cell& cell, std::int64_t key, std::uint64_t n) {
  auto it = std::lower_bound(cell.begin(), cell.end(), key,
                             [](const Bucket& b, std::int64_t k) { return b.key < k; });
  if (it != cell.end() && it->key == key)
    it->count += n;
  else
    cell.insert(it, Bucket{key, n});
}

void BandSketch::add(std::int64_t series, std::int64_t record, double value) {
  if (std::isnan(value)) return;
  add_key(cells_[static_cast<std::size_t>(series * n_records_ + record)], key_of(value), 1);
}

void BandSketch::add_path(const double* values) {
  const std::size_t n = cells_.size();
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(values[i])) add_key(cells_[i], key_of(values[i]), 1);
}

void BandSketch::merge(const BandSketch& other) {
  // A default-constructed sketch is the identity of merge, on either side.
  if (other.n_series_ == 0 && other.n_records_ == 0) return;
  if (n_series_ == 0 && n_records_ == 0) {
    *this = other;
    return;
  }
  if (other.n_series_ != n_series_ || other.n_records_ != n_records_)
    throw RuntimeFailure("BandSketch::merge: dimensions differ (" + std::to_string(n_series_) + "x" +
                         std::to_string(n_records_) + " vs " + std::to_string(other.n_series_) + "x" +
                         std::to_string(other.n_records_) + ")");
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    const Cell& src = other.cells_[i];
    if (src.empty()) continue;
    // Sorted merge of two sparse histograms; the result is independent of merge order.
    Cell merged;
    merged.reserve(cells_[i].size() + src.size());
    auto a = cells_[i].begin(), ae = cells_[i].end();
    auto b = src.begin(), be = src.end();
    while (a != ae || b != be) {
      if (b == be || (a != ae && a->key < b->key)) {
        merged.push_back(*a++);
      } else if (a == ae || b->key < a->key) {
        merged.push_back(*b++);
      } else {
        merged.push_back(Bucket{a->key, a->count + b->count});
        ++a;
        ++b;
      }
    }
    cells_[i] = std::move(merged);
  }
}

std::uint64_t BandSketch::count(std::int64_t series, std::int64_t record) const {
  std::uint64_t n = 0;
  for (const Bucket& b : cells_[static_cast<std::size_t>(series * n_records_ + record)]) n += b.count;
  return n;
}

double BandSketch::value_at_rank(const Cell& cell, std::uint64_t rank) const {
  std::uint64_t cum = 0;
  for (const Bucket& b : cell) {
    cum += b.count;
    if (cum > rank) return value_of(b.key);
  }
  return value_of(cell.back().key);
}

double BandSketch::quantile(std::int64_t series, std::int64_t record, double q) const {
  const Cell& cell = cells_[static_cast<std::size_t>(series * n_records_ + record)];
  std::uint64_t n = 0;
  for (const Bucket& b : cell) n += b.count;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  // Same interpolation as the exact type-7 quantile (sample_stats), on representative values.
  const double h = static_cast<double>(n - 1) * q;
  const auto lo = static_cast<std::uint64_t>(std::floor(h));
  const double v_lo = value_at_rank(cell, lo);
  if (lo + 1 >= n) return v_lo;
  const double v_hi = value_at_rank(cell, lo + 1);
  const double frac = h - static_cast<double>(lo);
  return frac == 0.0 || v_lo == v_hi ? v_lo : v_lo + frac * (v_hi - v_lo);
}

Quantiles BandSketch::quantiles(std::int64_t series, std::int64_t record) const {
  Quantiles out;
  for (std::size_t i = 0; i < kQuantileLevels.size(); ++i)
    out[i] = quantile(series, record, kQuantileLevels[i]);
  return out;
}

BandSketchArrays BandSketch::to_arrays() const {
  BandSketchArrays a;
  std::size_t total = 0;
  for (const Cell& c : cells_) total += c.size();
  a.series.reserve(total);
  a.record.reserve(total);
  a.key.reserve(total);
  a.count.reserve(total);
  for (std::int64_t s = 0; s < n_series_; ++s)
    for (std::int64_t r = 0; r < n_records_; ++r)
      for (const Bucket& b : cells_[static_cast<std::size_t>(s * n_records_ + r)]) {
        a.series.push_back(s);
        a.record.push_back(r);
        a.key.push_back(b.key);
        a.count.push_back(b.count);
      }
  return a;
}

BandSketch BandSketch::from_arrays(std::int64_t n_series, std::int64_t n_records,
                                   const BandSketchArrays& a) {
  if (n_series < 0 || n_records < 0) throw InputError("band sketch: negative dimensions");
  const std::size_t n = a.key.size();
  if (a.series.size() != n || a.record.size() != n || a.count.size() != n)
    throw InputError("band sketch: arrays series, record, key and count differ in length");
  BandSketch sk(n_series, n_records);
  std::int64_t prev_cell = -1, prev_key = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t s = a.series[i], r = a.record[i], k = a.key[i];
    if (s < 0 || s >= n_series || r < 0 || r >= n_records)
      throw InputError("band sketch: row " + std::to_string(i) + " has series/record out of range");
    const std::int64_t mag = k < 0 ? -k : k;
    if (a.count[i] == 0 || (mag != 0 && mag != kInfKey && (mag < 1 || mag >= 2 * kKeyOffset)))
      throw InputError("band sketch: row " + std::to_string(i) + " has an invalid key or count");
    const std::int64_t cell = s * n_records + r;
    if (cell < prev_cell || (cell == prev_cell && k <= prev_key))
      throw InputError("band sketch: rows are not in (series, record, key) order");
    sk.cells_[static_cast<std::size_t>(cell)].push_back(Bucket{k, a.count[i]});
    prev_cell = cell;
    prev_key = k;
  }
  return sk;
}

}  // namespace stampede
