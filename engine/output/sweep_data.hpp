#pragma once
// What a sweep produced (docs/results-format.md "Sweeps"): one run per point, all on the same
// path ids and random streams, and the paired comparisons of chosen points' event probabilities.
#include <cstddef>
#include <optional>
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

// A one-at-a-time sensitivity (docs/sensitivity.md) is a sweep whose points are the baseline
// (point 0) and, for each behaviour parameter, its value moved down and up; the compared pairs
// are (low, high) per parameter.
struct SensitivityParam {
  std::string key;
  double base = 0, low = 0, high = 0;      // the values run (low or high = base when that side is invalid)
  std::size_t low_point = 0, high_point = 0;  // sweep point indices (0 = the baseline)
  std::string note;  // which side was not a valid scenario and why ("" when both ran)
};

struct SensitivityData {
  double step = 0.25, abs_step = 0.0;  // abs_step 0: zero-valued parameters were not moved
  std::vector<SensitivityParam> params;
  std::vector<std::string> finals;                            // ranked by their median and 5% quantile too
  std::vector<std::pair<std::string, std::string>> skipped;  // (key, why): no valid point on either side
};

struct SweepData {
  RunMeta meta;                   // the sweep's: config_yaml is the scenario without the points
  std::vector<std::string> keys;  // grid keys (empty for named points)
  std::vector<SweepPointData> points;
  std::vector<std::pair<std::size_t, std::size_t>> compare;  // (a, b): P_b - P_a
  std::optional<SensitivityData> sensitivity;
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

// The paths of `a` and `b` paired by id, counted by where `event` happened (a = the first).
PairedCounts paired_counts(const RunData& a, const RunData& b, std::size_t event);

// Each compared pair, event by event, over the path ids both points hold (all of them in a
// complete sweep); the same numbers whatever the shard split.
std::vector<PointComparison> compare_points(const SweepData& sweep);

// `report` of a sweep: per point the event probabilities with Wilson intervals, then each
// compared pair's paired differences; and the same as JSON.
std::string sweep_table(const SweepData& sweep);
std::string sweep_json(const SweepData& sweep);

// Sensitivity rankings: for each event, the parameters by |P(high) - P(low)| (largest first, ties
// in declaration order), with the paired interval of that difference; for each chosen final, the
// change of its median and 5% quantile between the low and high points.
struct SensitivityRow {
  std::size_t param = 0;  // index into SensitivityData::params
  double p_low = 0, p_high = 0;
  PairedCounts counts;      // a = low, b = high
  PairedDifference effect;  // P(high) - P(low)
};
struct EventRanking {
  std::string event;
  std::vector<SensitivityRow> rows;
};
struct FinalEffect {
  std::size_t param = 0;
  double median_low = 0, median_high = 0, q05_low = 0, q05_high = 0;
};
struct FinalRanking {
  std::string final_name;
  std::vector<FinalEffect> rows;  // by |median_high - median_low|, largest first
};
std::vector<EventRanking> rank_events(const SweepData& sweep);
std::vector<FinalRanking> rank_finals(const SweepData& sweep);
// `report` of a sensitivity: the baseline's events, then the top `top` parameters per event and
// per chosen final.
std::string sensitivity_table(const SweepData& sweep, std::size_t top = 10);

// Merges the shards of one sweep point by point (merge_runs per point); the points (names and
// overrides) must be the same in every part.
SweepData merge_sweeps(std::vector<SweepData> parts, const std::vector<std::string>& sources);

}  // namespace stampede
