#pragma once
// Per-path output buffer: finals, first steps of risk events and the recorded series.
// Sized once per path; writing into it never allocates.
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/output/run_data.hpp"

namespace stampede {

class PathRecorder {
 public:
  PathRecorder(const OutputSchema& schema, std::int64_t n_records)
      : n_records_(n_records),
        finals_(schema.finals.size(), std::numeric_limits<double>::quiet_NaN()),
        first_step_(schema.events.size(), -1),
        series_(schema.series.size() * static_cast<std::size_t>(n_records),
                std::numeric_limits<double>::quiet_NaN()) {}

  void set_final(std::size_t metric, double v) { finals_[metric] = v; }
  // The first occurrence wins: later calls for the same event are ignored.
  void mark_event(std::size_t event, std::int64_t step) {
    if (first_step_[event] < 0) first_step_[event] = step;
  }
  bool event_seen(std::size_t event) const { return first_step_[event] >= 0; }
  void record(std::size_t series, std::int64_t r, double v) {
    series_[series * static_cast<std::size_t>(n_records_) + static_cast<std::size_t>(r)] = v;
  }
  std::int64_t n_records() const { return n_records_; }

  PathResult take(std::uint64_t id) {
    PathResult p;
    p.id = id;
    p.finals = std::move(finals_);
    p.first_step = std::move(first_step_);
    p.series = std::move(series_);
    return p;
  }

 private:
  std::int64_t n_records_;
  std::vector<double> finals_;
  std::vector<std::int64_t> first_step_;
  std::vector<double> series_;
};

}  // namespace stampede
