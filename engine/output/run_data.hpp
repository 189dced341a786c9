#pragma once
// What one run (or one shard of a run) produced: the data model behind results.h5
// (engine.md "Output: HDF5"; docs/results-format.md). The driver fills it; write_results,
// read_results, summarize and merge_runs consume it.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/stats/band_sketch.hpp"

namespace stampede {

// Names (snake_case, from the protocol spec's §8) of what each path reports, in schema order.
struct OutputSchema {
  std::vector<std::string> finals, events, series;
  friend bool operator==(const OutputSchema&, const OutputSchema&) = default;
};

// One Monte Carlo path.
struct PathResult {
  std::uint64_t id = 0;
  std::vector<double> finals;            // [finals.size()]
  std::vector<std::int64_t> first_step;  // [events.size()], -1 = never
  std::vector<double> series;            // [series.size() * n_records] row-major by series; empty if not stored
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
};

struct RunData {
  RunMeta meta;
  OutputSchema schema;
  std::vector<double> time;        // [n_records] seconds since start
  std::vector<PathResult> paths;   // sorted by id
  BandSketch bands;                // [schema.series.size()][n_records], over every path run
};

}  // namespace stampede
