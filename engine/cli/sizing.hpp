#pragma once
// `stampede run --dry-run [--wall-time T]` (docs/cluster.md "Sizing"): the memory one process
// needs, the time of one path from a short timed calibration (the start of one path and as many
// of its steps as fit in about a second, extrapolated to the horizon), the time of the run, and for
// a wall-time limit the paths an array task can run and how many tasks the run needs. Nothing is
// written; the exit status is 0 even when the run would not fit in this machine's memory (a
// login node is not a compute node: the line says so).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cli/commands.hpp"
#include "engine/cli/memory.hpp"
#include "engine/driver/shard.hpp"

namespace stampede {

// The memory of a run of these points (run one after another): the largest point's paths in
// flight plus every point's results (run_command.cpp).
MemoryEstimate estimate_points_memory(const std::vector<PreparedPoint>& points, const RunShape& shape,
                                      std::int64_t paths, int threads, std::int64_t stored);

// One path of `model`, timed on the calling thread: its start (population, protocol state) and
// its steps until `budget_seconds` of stepping have passed (at least one step, at most all).
struct PathTiming {
  std::uint64_t path = 0;
  double start_seconds = 0;   // start_path and the first record
  std::int64_t steps = 0;     // steps timed
  std::int64_t n_steps = 0;   // steps of a whole path
  double steps_seconds = 0;   // time of the steps timed
  double path_seconds = 0;    // start + n_steps x (steps_seconds / steps)
};
PathTiming time_path(const Model& model, const RunShape& shape, std::uint64_t path, double budget_seconds);

// A wall-time limit: the engine's durations ("2h", "90m", "1d", "1.5h") or Slurm's
// [D-]HH:MM[:SS] and plain minutes ("120"); nullopt if malformed or not positive.
std::optional<std::int64_t> parse_wall_time(std::string_view text);

// Slurm's spelling of a time limit: 7200 -> "2:00:00", 93600 -> "1-02:00:00".
std::string slurm_time(std::int64_t seconds);

// "7.08 us", "31 ms", "4.2 s", "4.2 min", "3.1 h".
std::string human_seconds(double seconds);

// The arithmetic of the advice. A process with T threads runs its paths T at a time, each as long
// as the calibration path (times the points of a sweep: a path runs at every point). Of a wall
// time W a task plans to use kWallShare (the rest is the margin for the calibration's error, the
// steps that cost more than the first ones and the start of the process).
inline constexpr double kWallShare = 0.8;
struct Sizing {
  double path_seconds = 0;       // one path at every point
  std::int64_t paths = 0;        // paths this process would run
  int threads = 1;
  double run_seconds = 0;        // ceil(paths / threads) x path_seconds
  std::int64_t wall_seconds = 0;  // 0: no wall time given
  std::int64_t paths_per_task = 0;  // with a wall time: floor(kWallShare x W / path_seconds) x threads
  std::int64_t tasks = 0;           // ceil(total paths / paths_per_task); 0 if one path does not fit
};
Sizing size_run(double path_seconds, std::int64_t paths_here, std::int64_t paths_total, int threads,
                std::int64_t wall_seconds);

// --dry-run: prints the figures on stdout; exit status 0.
int command_dry_run(const RunArgs& args, const Scenario& scenario, const std::vector<PreparedPoint>& points,
                    const Shard& shard, int threads);

}  // namespace stampede
