#include "engine/driver/scenario_loader.hpp"

#include "engine/config/load.hpp"
#include "engine/config/registry.hpp"
#include "engine/core/duration.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/sha256.hpp"

namespace stampede {

config::Registry ProtocolRegistry::config_registry() const {
  config::Registry r;
  for (const auto& p : protocols_) r.add(p.name, p.declare, p.summary);
  return r;
}

Scenario scenario_from_values(std::shared_ptr<const config::Values> values, const std::string& file,
                              const ProtocolRegistry& protocols) {
  const config::Values& v = *values;
  Scenario s;
  s.file = file;
  s.name = v.text("scenario");
  s.protocol = v.text("protocol");
  s.seed = static_cast<std::uint64_t>(v.integer("seed"));
  s.paths = v.integer("paths");
  s.horizon_seconds = v.duration_s("horizon");
  s.step_seconds = v.duration_s("step");
  s.n_steps = s.horizon_seconds / s.step_seconds;
  s.store_paths = v.integer("output.store_paths");
  s.agents = v.integer("agents.count");
  s.ci_half_width = v.optional_real("stop.ci_half_width");
  s.stop_batch = v.integer("stop.batch");
  s.stop_max_paths = v.integer("stop.max_paths");
  s.splitting_replicas = v.integer("method.splitting.replicas");
  s.splitting_kill = v.integer("method.splitting.kill_per_iteration");
  s.splitting_runs = v.integer("method.splitting.runs");
  s.splitting_event = v.text("method.splitting.event");
  const Protocol* p = protocols.find(s.protocol);
  if (!p) throw InputError(file + ": protocol: unknown protocol \"" + s.protocol + "\"");
  s.record_every_seconds = v.is_set("output.record_every") ? v.duration_s("output.record_every")
                                                           : p->main_period_seconds(v);
  if (s.record_every_seconds % s.step_seconds != 0 || s.record_every_seconds <= 0) {
    const auto where = v.where("output.record_every");
    throw InputError({Diagnostic{where.file, where.line, where.column, "output.record_every",
                                 "must be a whole multiple of step (" + format_duration(s.step_seconds) +
                                     "), got " + format_duration(s.record_every_seconds)}});
  }
  s.values = values;
  s.resolved_yaml = v.to_yaml();
  s.config_sha256 = sha256_hex(s.resolved_yaml);
  return s;
}

RunShape run_shape(const Scenario& s) {
  RunShape shape;
  shape.seed = s.seed;
  shape.n_steps = s.n_steps;
  shape.dt_seconds = s.step_seconds;
  shape.record_every_steps = s.record_every_seconds / s.step_seconds;
  return shape;
}

Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides,
                       const ProtocolRegistry& protocols, const std::vector<config::NodeOverride>& point) {
  config::LoadOptions options;
  options.point_overrides = point;
  auto values =
      std::make_shared<const config::Values>(config::load(file, overrides, protocols.config_registry(), options));
  return scenario_from_values(std::move(values), file, protocols);
}

Scenario load_scenario_text(const std::string& yaml, const std::string& source_name,
                            const std::vector<std::string>& overrides, const ProtocolRegistry& protocols) {
  auto values = std::make_shared<const config::Values>(
      config::load_text(yaml, source_name, overrides, protocols.config_registry()));
  return scenario_from_values(std::move(values), source_name, protocols);
}

}  // namespace stampede
