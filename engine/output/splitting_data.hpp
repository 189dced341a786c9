#pragma once
// What a rare-event splitting run produced (docs/rare-events.md, docs/results-format.md
// "Splitting"): the independent AMS runs' estimates and costs, and their combination.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/output/run_data.hpp"

namespace stampede {

struct SplittingRun {
  std::uint64_t run = 0;
  double estimate = 0.0;
  std::int64_t iterations = 0;
  std::int64_t reached = 0;      // replicas at the event when the run stopped
  std::int64_t path_steps = 0;   // steps simulated, replays included
  bool extinct = false;          // every replica tied at a level: estimate 0
};

// The combined estimate of independent runs: their mean, its standard error (sample sd / sqrt(R)),
// a normal 95% interval clipped at 0, and what it cost; and the brute-force paths that the same
// relative error would need, (1 − p)/(p·re²) with re = std_err/p. When every run went extinct
// there is no estimate (p, the interval and the rest are NaN, all_extinct is set): a mean of zeros
// would be a false "P = 0", the score only plateaued.
struct SplittingEstimate {
  double p = 0.0, std_err = 0.0, low = 0.0, high = 0.0;
  std::int64_t runs = 0, path_steps = 0;
  std::int64_t extinct_runs = 0;  // runs that went extinct (estimate 0 because the score tied)
  bool all_extinct = false;       // runs > 0 and every one went extinct: no estimate
  // More than this share of the runs extinct: the report warns that the score plateaus.
  static constexpr double kExtinctWarning = 0.2;
  bool many_extinct() const {
    return runs > 0 && static_cast<double>(extinct_runs) > kExtinctWarning * static_cast<double>(runs);
  }
  double relative_error = 0.0;
  double brute_force_paths = 0.0;  // for the same relative error (NaN when p = 0)
  // How the runs' estimates spread: their median, and the share of their sum that the largest
  // tenth of the runs (at least one) carry. Measured (docs/rare-events.md): at most 0.33 where AMS
  // agreed with brute force, 0.64–1.0 where a score let it down; above kHeavyTail, with at least
  // 10 runs, the report warns that the interval is not to be trusted.
  double median = 0.0;
  double top_decile_share = 0.0;
  static constexpr double kHeavyTail = 0.5;
  bool heavy_tailed() const { return runs >= 10 && top_decile_share > kHeavyTail; }
};
SplittingEstimate combine_runs(const std::vector<SplittingRun>& runs);

struct SplittingData {
  RunMeta meta;               // n_paths: the runs configured (method.splitting.runs)
  std::string event;          // the event estimated
  std::string score_doc;      // what its score measures
  double level = 1.0;         // the score's level (the event)
  std::int64_t replicas = 0;  // N
  std::int64_t kill = 1;      // k
  std::vector<SplittingRun> runs;  // sorted by run id
};

// `report`: the estimate with its interval, relative error, runs, path-steps and the brute-force
// comparison; and the same as JSON.
std::string splitting_table(const SplittingData& d);
std::string splitting_json(const SplittingData& d);

// Merges the shards (blocks of runs) of one splitting run: same config and seed, no run twice.
SplittingData merge_splitting(std::vector<SplittingData> parts, const std::vector<std::string>& sources);

}  // namespace stampede
