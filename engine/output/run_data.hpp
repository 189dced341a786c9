#pragma once
// What one run (or one shard of a run) produced: the data model behind results.h5
// (engine.md "Output: HDF5"; docs/results-format.md). The driver fills it; write_results,
// read_results, summarize and merge_runs consume it.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "engine/stats/band_sketch.hpp"
#include "engine/stats/tail_risk.hpp"

namespace stampede {

// Names (snake_case, from the protocol spec's §8) of what each path reports, in schema order.
struct OutputSchema {
  std::vector<std::string> finals, events, series;
  std::vector<Tail> final_tails;  // parallel to finals (empty = none): whose VaR/ES to report
  friend bool operator==(const OutputSchema&, const OutputSchema&) = default;
};

// One Monte Carlo path.
struct PathResult {
  std::uint64_t id = 0;
  std::vector<double> finals;            // [finals.size()]
  std::vector<std::int64_t> first_step;  // [events.size()], -1 = never
  std::vector<double> series;            // [series.size() * n_records] row-major by series; empty if not stored
};

// The paths of a run (framework: "memory bounded in the number of paths"). Each path's finals
// and event steps are one fixed-size row in an unnamed temporary file, so the table's memory does
// not grow with the number of paths: only the stored paths' series (the first
// `output.store_paths`) are kept in memory. Rows are read back one at a time (operator[]) or a
// whole column at a time (final_column, event_column) when the results are written.
class PathTable {
 public:
  PathTable() = default;
  PathTable(const PathTable& o);
  PathTable& operator=(const PathTable& o);
  PathTable(PathTable&& o) noexcept;
  PathTable& operator=(PathTable&& o) noexcept;
  ~PathTable();

  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  std::size_t n_finals() const { return n_finals_; }
  std::size_t n_events() const { return n_events_; }
  void clear();

  // Appends one path (its series are kept if it has any). Every path has the same number of
  // finals and events (std::logic_error otherwise).
  void push_back(const PathResult& p);
  void reserve(std::size_t, std::size_t n_finals, std::size_t n_events) { shape(n_finals, n_events); }

  // Rows filled out of order (the driver's completed paths land in their id order directly):
  // `rows(n)` makes n empty rows, `set(row, p)` fills one, `drop_empty()` removes the unfilled.
  void rows(std::size_t n, std::size_t n_finals, std::size_t n_events);
  void set(std::size_t row, const PathResult& p);
  bool filled(std::size_t row) const;
  void drop_empty();

  PathResult operator[](std::size_t i) const;  // with its series if stored
  PathResult front() const { return (*this)[0]; }
  PathResult back() const { return (*this)[n_ - 1]; }
  std::vector<std::uint64_t> ids() const;
  std::vector<double> final_column(std::size_t k) const;
  std::vector<std::int64_t> event_column(std::size_t e) const;
  const std::vector<std::pair<std::uint64_t, std::vector<double>>>& stored_series() const { return series_; }
  // Every filled row in order (its series attached if stored), read through a bounded buffer.
  void visit(const std::function<void(const PathResult&)>& f) const;

  class iterator {
   public:
    iterator(const PathTable* t, std::size_t i) : t_(t), i_(i) {}
    PathResult operator*() const { return (*t_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    const PathTable* t_;
    std::size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, n_}; }

  void sort_by_id();

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  std::size_t row_bytes() const { return 8 * (1 + n_finals_ + n_events_); }
  void shape(std::size_t n_finals, std::size_t n_events);
  void adopt_shape(const PathResult& p);
  void open();
  void write_row(std::size_t row, const PathResult& p);
  void read_rows(std::size_t first, std::size_t count, unsigned char* out) const;
  template <class F>
  void scan(F&& per_row) const;  // every row in order, through a bounded buffer

  int fd_ = -1;
  std::size_t n_ = 0, n_finals_ = 0, n_events_ = 0;
  std::vector<std::pair<std::uint64_t, std::vector<double>>> series_;  // the stored paths
};

struct RunMeta {
  std::string scenario, protocol;
  std::string shard;  // "k/N", "all", or after a partial merge a comma-separated list
  std::string engine_version, git_commit, created_utc, config_yaml, config_sha256;
  std::uint64_t seed = 0;
  std::int64_t n_paths = 0;  // configured total, not the number held
  std::int64_t n_steps = 0, dt_seconds = 0, horizon_seconds = 0, record_every_steps = 0;
  int threads = 0, store_paths = 0;
  std::vector<std::pair<std::string, std::string>> system;  // build type, compiler, simd, cpu, ...
  double wall_seconds = 0.0, agent_steps_per_second = 0.0;
  // How the number of paths was decided: "paths" (the configured count), or with a precision
  // target "precision" (every event's 95% Wilson half-width reached the target) or "max_paths".
  std::string paths_rule = "paths";
  double ci_half_width_target = std::numeric_limits<double>::quiet_NaN();
  double ci_half_width_reached = std::numeric_limits<double>::quiet_NaN();  // the widest over events
};

struct RunData {
  RunMeta meta;
  OutputSchema schema;
  std::vector<double> time;        // [n_records] seconds since start
  PathTable paths;                 // sorted by id
  BandSketch bands;                // [schema.series.size()][n_records], over every path run
};

}  // namespace stampede
