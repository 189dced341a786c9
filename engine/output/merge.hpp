#pragma once
// `stampede merge`: combines the shards of one run (engine.md "Paths, randomness, determinism").
// The merged RunData, its file and its summary are identical to those of a single process that
// ran all the paths, except for meta.shard, threads, wall time, created_utc and system.
#include <string>
#include <vector>

#include "engine/output/run_data.hpp"

namespace stampede {

// Refuses (InputError naming the parts and the reason) parts that hold no paths, that differ in
// config_sha256 (naming the first differing key of /input/config_yaml and both values), seed,
// protocol, scenario, n_paths, n_steps, dt, record_every_steps, store_paths, schema or time grid,
// or that hold the same path id. `sources` names the parts in messages (file names); when empty
// they are called "part 1", "part 2", .... Paths come out sorted by id, sketches merged;
// meta.shard is "all" when the union is exactly paths 0..n_paths-1, else the parts' shards
// joined by ",". Threads is the largest, wall_seconds the sum, agent_steps_per_second the
// wall-weighted mean.
RunData merge_runs(std::vector<RunData> parts, const std::vector<std::string>& sources = {});

}  // namespace stampede
