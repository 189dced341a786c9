#pragma once
// The provenance every result file records (results-format.md "/ attributes"): what ran, with
// which engine, when and where. One place fills it for runs, sweeps and splitting runs.
#include "engine/driver/model.hpp"
#include "engine/driver/scenario.hpp"
#include "engine/driver/shard.hpp"
#include "engine/output/run_data.hpp"

namespace stampede {

// Every RunMeta field the scenario, the shard, the run's shape and the thread count fix; the
// caller adds the counts and timings of what it ran (n_paths, wall_seconds, ...).
RunMeta run_meta(const Scenario& scenario, const Shard& shard, const RunShape& shape, int threads);

}  // namespace stampede
