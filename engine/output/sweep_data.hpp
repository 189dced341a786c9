#pragma once
// What a sweep produced (docs/results-format.md "Sweeps"): one run per point, all on the same
// path ids and random streams, and the paired comparisons of chosen points' event probabilities.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "engine/output/run_data.hpp"
#include "engine/stats/paired_difference.hpp"

namespace stampede {

struct SweepPointData {
  std::string name;
  std::vector<std::string> overrides;  // "key=value", as applied on top of the scenario
  std::vector<std::string> values;     // grid: each swept key's value as written
  std::vector<double> x;               // grid: that value as a number, NaN if it is not one
  RunData run;                         // meta.config_yaml/sha256: this point's resolved config
};

struct SweepData {
  RunMeta meta;                   // the sweep's: config_yaml is the scenario without the points
  std::vector<std::string> keys;  // grid keys (empty for named points)
  std::vector<SweepPointData> points;
  std::vector<std::pair<std::size_t, std::size_t>> compare;  // (a, b): P_b - P_a
};

struct EventComparison {
  std::string name;
  PairedCounts counts;
  PairedDifference diff;
};

struct PointComparison {
  std::size_t a = 0, b = 0;
  std::vector<EventComparison> events;
};

// Each compared pair, event by event, over the path ids both points hold (all of them in a
// complete sweep); the same numbers whatever the shard split.
std::vector<PointComparison> compare_points(const SweepData& sweep);

// `report` of a sweep: per point the event probabilities with Wilson intervals, then each
// compared pair's paired differences; and the same as JSON.
std::string sweep_table(const SweepData& sweep);
std::string sweep_json(const SweepData& sweep);

// Merges the shards of one sweep point by point (merge_runs per point); the points (names and
// overrides) must be the same in every part.
SweepData merge_sweeps(std::vector<SweepData> parts, const std::vector<std::string>& sources);

}  // namespace stampede
