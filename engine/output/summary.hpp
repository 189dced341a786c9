#pragma once
// Across-path summary of a run (engine.md "Statistics"): each risk event's probability with a
// 95% Wilson interval and its cumulative probability by time, the exact statistics of every
// final metric, and the sketch-based quantile bands of every recorded series. Computed from the
// paths in id order and from the sketch's integer counts, so it does not depend on which thread
// or shard ran which path.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/output/run_data.hpp"
#include "engine/stats/sample_stats.hpp"
#include "engine/stats/tail_risk.hpp"
#include "engine/stats/wilson.hpp"

namespace stampede {

struct EventSummary {
  std::string name;
  std::int64_t count = 0;       // paths where the event happened
  std::int64_t n = 0;           // paths held
  WilsonInterval ci{};          // probability = ci.p
  std::vector<double> by_time;  // [n_records] P(event happened by the end of the step ending at or before time[r])
  // Time to the event, seconds from the start (the end of its first step, (k+1)·dt), over the
  // paths where it happened; the paths where it did not are censored at the horizon, so by_time
  // is its Kaplan–Meier curve (all paths run to the horizon).
  SampleStats time_to_event{};
};

struct FinalSummary {
  std::string name;
  SampleStats stats{};
  TailRisk risk{};  // VaR and ES at the declared bad tail (tail none: not computed)
};

struct BandSummary {
  std::string name;
  std::vector<Quantiles> bands;  // [n_records], at kQuantileLevels
};

struct Summary {
  std::int64_t n_paths = 0;  // paths held
  std::vector<EventSummary> events;
  std::vector<FinalSummary> finals;
  std::vector<BandSummary> bands;
  std::vector<double> time;  // [n_records] record times in seconds: the grid of every event's by_time
};

Summary summarize(const RunData& run);

// Human table for stdout: events with probability, count/n, 95% CI and time to the event; one
// line per event of its P(event by t) at a few record times (by_time_table);
// finals with mean, std and q5/q50/q95; the risk figures (VaR and ES at 95% and 99% over the
// horizon, bootstrap intervals) of the finals with a declared bad tail.
std::string summary_table(const Summary& summary, const RunMeta& meta);
// The same as one JSON object, written with nlohmann/json (strings escaped, NaN and ±inf written
// as null), followed by a newline:
//   {"scenario":..,"protocol":..,"seed":..,"shard":..,"n_paths":..,"paths_held":..,
//    "events":{NAME:{"probability","ci_low","ci_high","count","n","method":"wilson"},..},
//    "events":{NAME:{..., "time_to_event_days":{"n","mean","quantiles":{..}},
//                    "by_time":{"days":[..],"probability":[..]}}},   (every record: the whole curve)
//    "finals":{NAME:{"mean","std","std_err","min","max","n_defined","quantiles":{"0.01":..,..,"0.99":..},
//                    "risk":{"tail","horizon_days","var_95":{"value","ci_low","ci_high"},"es_95":..,
//                            "var_99":..,"es_99":..}},..}}
std::string summary_json(const Summary& summary, const RunMeta& meta);

// Parts of the table, also used for the points of a sweep.
std::string events_table(const Summary& summary);
std::string risk_table(const Summary& summary, const RunMeta& meta);

// The records the P(event by t) table shows: for 10, 25, 50, 75 and 100% of the last record time
// T, the first record at or after that time (so the last column is T itself, the horizon when it
// is a multiple of the record interval); a record picked twice is shown once. Ascending.
std::vector<std::size_t> by_time_columns(const std::vector<double>& time);
// One line per event: by_time at those records, each column headed by its record time in days.
// Empty without events or records.
std::string by_time_table(const Summary& summary);

}  // namespace stampede
