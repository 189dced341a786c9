#pragma once
// The path driver: TBB over paths, each path single-threaded and owning its state; results are
// written into per-path slots and combined in path order, so the output is bit-identical
// whatever the thread count or shard split (engine.md "Paths, randomness, determinism").
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/driver/model.hpp"
#include "engine/output/run_data.hpp"

namespace stampede {

struct Progress {
  std::int64_t paths_done = 0;
  std::int64_t paths_total = 0;
  double elapsed_seconds = 0.0;
  double agent_steps_per_second = 0.0;
};

struct DriverOptions {
  int threads = 0;                      // 0 = all hardware threads
  std::vector<std::uint64_t> path_ids;  // the paths this process runs, ascending
  std::int64_t store_paths = 16;        // series kept for path ids < store_paths
  // false: the paths' series are neither stored nor sketched (a sensitivity's moved points, which
  // only need events and finals): the result has no bands and its memory no series.
  bool keep_series = true;
  // Checkpoint: completed paths are saved here as they finish ("" = none); with `resume`, paths
  // already in it are not run again.
  std::string checkpoint_path;
  std::string checkpoint_tag;           // identifies the run (config hash, seed, shard); must match on resume
  bool resume = false;
  // Saves happen at most every this many seconds, and never more often than 20 times a save's
  // own duration (so saving stays under 5% of the run); 0 = after every path (tests, tiny runs).
  double checkpoint_interval_seconds = 2.0;
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler: stop after saving a checkpoint
  std::function<void(const Progress&)> progress;  // called from worker threads, serialised
};

struct DriverResult {
  PathTable paths;  // sorted by id; series kept only for id < store_paths
  BandSketch bands;
  bool interrupted = false;
  std::int64_t paths_resumed = 0;
  double wall_seconds = 0.0;
  double agent_steps_per_second = 0.0;  // of the paths run by this process
};

// Runs the given paths. Throws RuntimeFailure (naming path and step) if a path fails.
DriverResult run_paths(const Model& model, const RunShape& shape, const DriverOptions& options);

}  // namespace stampede
