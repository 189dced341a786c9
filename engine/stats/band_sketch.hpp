#pragma once
// Mergeable, deterministic quantile sketch for the fan-chart bands (engine.md "Statistics":
// quantile bands across many paths use fixed log-spaced histograms per metric and time so shards
// merge exactly). One sparse log-bucket histogram (DDSketch, Masson et al. 2019) per
// (series, record): a positive value x falls in bucket k = ceil(log_gamma x), which covers
// (gamma^(k-1), gamma^k] and is represented by 2·gamma^k / (gamma + 1), within relative error
// alpha of every value in it; negative values use the same buckets on |x|; zero has its own
// bucket. Counts are integers, so merging shards in any order gives identical sketches.
#include <array>
#include <cstdint>
#include <vector>

#include "engine/stats/sample_stats.hpp"

namespace stampede {

// The flat form stored in HDF5 (/sketch/bands): one row per non-empty bucket, in canonical
// order (series, record, key ascending), so equal sketches serialise identically.
struct BandSketchArrays {
  std::vector<std::int64_t> series;
  std::vector<std::int64_t> record;
  std::vector<std::int64_t> key;
  std::vector<std::uint64_t> count;
};

class BandSketch {
 public:
  static constexpr double kAlpha = 0.005;  // relative accuracy of every bucket
  // Bucket key encoding: 0 = exactly zero; +(k + kKeyOffset) for x > 0 and -(k + kKeyOffset)
  // for x < 0, with k = ceil(log_gamma |x|) (|k| < 75 000 for every finite double, so keys are
  // never 0 and ascending keys are ascending values); ±kInfKey for ±infinity.
  static constexpr std::int64_t kKeyOffset = 100000;
  static constexpr std::int64_t kInfKey = 1000000;

  BandSketch() = default;
  BandSketch(std::int64_t n_series, std::int64_t n_records);

  std::int64_t n_series() const { return n_series_; }
  std::int64_t n_records() const { return n_records_; }

  // Adds one path's recorded values [n_series][n_records], row-major by series. NaN is skipped.
  void add_path(const double* values);
  void add(std::int64_t series, std::int64_t record, double value);
  // Adds another sketch's counts. Dimensions must match (an empty default sketch adopts them).
  void merge(const BandSketch& other);

  // Number of non-NaN values seen at (series, record).
  std::uint64_t count(std::int64_t series, std::int64_t record) const;
  // Type-7 quantile estimate: the order statistics around rank (n-1)·q are replaced by their
  // buckets' representative values and interpolated linearly. NaN when the cell is empty.
  double quantile(std::int64_t series, std::int64_t record, double q) const;
  Quantiles quantiles(std::int64_t series, std::int64_t record) const;

  BandSketchArrays to_arrays() const;
  // Throws InputError if the arrays are inconsistent (lengths, indices, order, zero counts).
  static BandSketch from_arrays(std::int64_t n_series, std::int64_t n_records,
                                const BandSketchArrays& arrays);

  static std::int64_t key_of(double value);
  static double value_of(std::int64_t key);

  friend bool operator==(const BandSketch&, const BandSketch&) = default;

 private:
  struct Bucket {
    std::int64_t key;
    std::uint64_t count;
    friend bool operator==(const Bucket&, const Bucket&) = default;
  };
  using Cell = std::vector<Bucket>;  // sorted by key, no zero counts

  void add_key(Cell& cell, std::int64_t key, std::uint64_t n);
  double value_at_rank(const Cell& cell, std::uint64_t rank) const;

  std::int64_t n_series_ = 0;
  std::int64_t n_records_ = 0;
  std::vector<Cell> cells_;  // [n_series * n_records]
};

}  // namespace stampede
