#include "engine/cli/run_meta.hpp"

#include "engine/cli/system_info.hpp"

namespace stampede {

RunMeta run_meta(const Scenario& scenario, const Shard& shard, const RunShape& shape, int threads) {
  RunMeta m;
  m.scenario = scenario.name;
  m.protocol = scenario.protocol;
  m.shard = shard.str();
  m.engine_version = engine_version();
  m.git_commit = git_commit();
  m.created_utc = utc_now_iso8601();
  m.config_yaml = scenario.resolved_yaml;
  m.config_sha256 = scenario.config_sha256;
  m.seed = scenario.seed;
  m.n_steps = scenario.n_steps;
  m.dt_seconds = scenario.step_seconds;
  m.horizon_seconds = scenario.horizon_seconds;
  m.record_every_steps = shape.record_every_steps;
  m.threads = threads;  // what ran, not what was asked for
  m.system = system_info();
  return m;
}

}  // namespace stampede
