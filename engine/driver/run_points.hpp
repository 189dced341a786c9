#pragma once
// Runs one scenario or the points of a sweep (engine.md "Sweeps and precision targets"): every
// point runs the same path ids on the same random streams (common random numbers), one point
// after another, each point's paths in parallel on TBB. With a precision target the paths run
// in fixed batches of ids (0..n0-1, then batch by batch) until every event probability of every
// point has a 95% Wilson half-width at or below the target, or max_paths is reached; the batch
// boundaries and the decision to go on depend only on the results of completed batches, so the
// result is the same whatever the thread count.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/driver/driver.hpp"

namespace stampede {

struct PrecisionTarget {
  double ci_half_width = 0.01;
  std::int64_t first_paths = 100;  // the first batch (the scenario's `paths`)
  std::int64_t batch = 100;        // paths added per further batch
  std::int64_t max_paths = 100000;
  // Path count after batch k (k = 0, 1, ...): first_paths + k·batch, capped at max_paths.
  std::int64_t batch_end(std::int64_t k) const;
};

struct PointJob {
  const Model* model = nullptr;
  // Required with a precision target: each batch resumes from the previous batch's checkpoint.
  std::string checkpoint_path;  // "" = none
  std::string checkpoint_tag;
  bool keep_series = true;  // false: events and finals only (DriverOptions::keep_series)
};

struct PointsOptions {
  DriverOptions driver;                   // threads, store_paths, resume, stop flag, progress...
  std::uint64_t first_path = 0, end_path = 0;  // without a target: the ids [first, end) (a shard)
  std::optional<PrecisionTarget> target;  // with one: ids from 0 in batches (not with shards)
};

struct PointsResult {
  std::vector<DriverResult> points;  // per job, every path run (resumed ones included)
  bool interrupted = false;
  std::int64_t n_paths = 0;          // paths of each point
  std::string stop_reason;           // "paths" (fixed count), "precision", "max_paths"
  double widest_half_width = 0.0;    // the largest 95% Wilson half-width over points and events
  double wall_seconds = 0.0;
  double agent_steps_per_second = 0.0;  // of the paths run by this process
};

PointsResult run_points(const std::vector<PointJob>& jobs, const RunShape& shape, const PointsOptions& options);

// The largest 95% Wilson half-width over the events of the given paths (0 if no events).
double widest_half_width(const PathTable& paths);

}  // namespace stampede
