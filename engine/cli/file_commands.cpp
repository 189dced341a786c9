// `stampede validate | report | merge | list`.
#include <filesystem>
#include <iostream>

#include "engine/cli/commands.hpp"
#include "engine/cli/memory.hpp"
#include "engine/config/registry.hpp"
#include "engine/core/errors.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/output/merge.hpp"
#include "engine/output/results_file.hpp"
#include "engine/output/summary.hpp"
#include "engine/output/sweep_data.hpp"

namespace stampede {

int command_validate(const ScenarioArgs& args, const ProtocolRegistry& protocols) {
  config::SweepSpec sweep;
  std::optional<SensitivityData> sensitivity;
  Scenario s;
  auto points = prepare_points(args, scenario_overrides(args), SweepArgs{}, protocols, sweep, sensitivity, s);
  // Building the models runs the protocol's own consistency checks (initial state, ...).
  for (auto& p : points) p.model = protocols.find(s.protocol)->build(p.scenario, ModelOptions{});
  const Model& model = *points.front().model;
  const int threads = effective_threads(args.threads);
  const std::int64_t paths = s.ci_half_width ? s.stop_max_paths : s.paths;
  const MemoryEstimate mem = estimate_memory(model, run_shape(s), paths, threads, s.store_paths);
  std::cout << args.config << ": ok (" << s.protocol << ", " << s.paths << (s.paths == 1 ? " path" : " paths")
            << " x " << s.n_steps << (s.n_steps == 1 ? " step" : " steps") << ", " << model.agents_per_path()
            << " agents, " << model.bytes_per_agent() << " B per agent)\n";
  if (sensitivity) {
    std::cout << "sensitivity: " << sensitivity->params.size() << " behaviour parameters, " << sweep.points.size()
              << " points on common random numbers";
    if (!sensitivity->skipped.empty()) std::cout << " (" << sensitivity->skipped.size() << " not movable)";
    std::cout << "\n";
  } else if (!sweep.empty()) {
    std::cout << "sweep: " << sweep.points.size() << " points on common random numbers:";
    for (std::size_t i = 0; i < sweep.points.size(); ++i) std::cout << (i ? ", " : " ") << sweep.points[i].name;
    std::cout << "\n";
  }
  if (s.ci_half_width)
    std::cout << "precision target: 95% half-width <= " << *s.ci_half_width << ", " << s.paths
              << " paths first, then batches of " << s.stop_batch << ", at most " << s.stop_max_paths << "\n";
  std::cout << "memory: " << memory_text(mem) << "\n";
  if (args.threads > threads)
    std::cout << "note: --threads " << args.threads << " is more than the " << threads
              << " threads available here; a run would use " << threads << "\n";
  check_memory(mem);  // `run` would refuse it here
  return kExitOk;
}

std::string report_text(const std::string& file, bool json) {
  if (results_kind(file) == "splitting") {
    const SplittingData d = read_splitting(file);
    return json ? splitting_json(d) : splitting_table(d);
  }
  if (is_sweep_file(file)) {
    const SweepData sweep = read_sweep(file);
    if (json) return sweep_json(sweep);
    return sweep.sensitivity ? sensitivity_table(sweep) : sweep_table(sweep);
  }
  const RunData data = read_results(file);
  const Summary summary = summarize(data);
  return json ? summary_json(summary, data.meta) + "\n" : summary_table(summary, data.meta);
}

int command_report(const std::string& file, bool json) {
  std::cout << report_text(file, json);
  return kExitOk;
}

namespace {

// Writes a merged file (a run's, a sweep's or a splitting's) unless --require-complete finds
// paths or runs missing; nothing is written then.
template <class Data, class Write>
void write_merged(const std::string& output, bool force, bool require_complete, const Data& merged,
                  std::int64_t held, std::int64_t total, const char* what, Write write) {
  if (require_complete && merged.meta.shard != "all")
    throw InputError("merge --require-complete: the inputs hold " + std::to_string(held) + " of " +
                     std::to_string(total) + " " + what + " (shards " + merged.meta.shard +
                     "); nothing was written");
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(output + ".partial", ec)))
    std::filesystem::remove(output + ".partial", ec);  // left by a crash
  try {
    write(output, merged, force ? Overwrite::replace : Overwrite::refuse);
  } catch (const ResultsFileExists& e) {
    throw InputError(std::string(e.what()) + "; pass --force to overwrite it");
  }
}

}  // namespace

std::string merge_files(const std::vector<std::string>& inputs, const std::string& output, bool force,
                        bool require_complete) {
  check_output_file(output, force);
  std::size_t splittings = 0, sweeps = 0;
  for (const auto& f : inputs) {
    const std::string kind = results_kind(f);
    splittings += kind == "splitting";
    sweeps += kind == "sweep";
  }
  if ((splittings > 0 && splittings < inputs.size()) || (sweeps > 0 && sweeps < inputs.size()))
    throw InputError("merge: the inputs are of different kinds (runs, sweeps, splitting results); merge the shards "
                     "of one run, one sweep or one splitting run");
  if (splittings > 0) {
    std::vector<SplittingData> parts;
    for (const auto& f : inputs) parts.push_back(read_splitting(f));
    const SplittingData merged = merge_splitting(std::move(parts), inputs);
    write_merged(output, force, require_complete, merged, static_cast<std::int64_t>(merged.runs.size()),
                 merged.meta.n_paths, "splitting runs", write_splitting);
    return "merged " + std::to_string(inputs.size()) + " splitting files (" + std::to_string(merged.runs.size()) +
           " runs) into " + output;
  }
  if (sweeps > 0) {
    std::vector<SweepData> parts;
    for (const auto& f : inputs) parts.push_back(read_sweep(f));
    const SweepData merged = merge_sweeps(std::move(parts), inputs);
    const auto held = static_cast<std::int64_t>(merged.points.front().run.paths.size());
    write_merged(output, force, require_complete, merged, held, merged.meta.n_paths, "paths", write_sweep);
    return "merged " + std::to_string(inputs.size()) + " sweep files (" + std::to_string(merged.points.size()) +
           " points, " + std::to_string(held) + " paths each) into " + output;
  }
  std::vector<RunData> parts;
  for (const auto& f : inputs) parts.push_back(read_results(f));
  const RunData merged = merge_runs(std::move(parts), inputs);
  write_merged(output, force, require_complete, merged, static_cast<std::int64_t>(merged.paths.size()),
               merged.meta.n_paths, "paths", write_results);
  return "merged " + std::to_string(inputs.size()) + " files (" + std::to_string(merged.paths.size()) +
         " paths) into " + output;
}

int command_merge(const std::vector<std::string>& inputs, const std::string& output, bool force,
                  bool require_complete) {
  std::cout << merge_files(inputs, output, force, require_complete) << "\n";
  return kExitOk;
}

int command_list(const std::string& protocol, const ProtocolRegistry& protocols) {
  if (!protocol.empty() && !protocols.find(protocol))
    throw InputError("list: unknown protocol \"" + protocol + "\"");
  if (protocol.empty()) {
    std::cout << config::describe(protocols.config_registry());
  } else {
    ProtocolRegistry one;
    one.add(*protocols.find(protocol));
    std::cout << config::describe(one.config_registry());
  }
  return kExitOk;
}

}  // namespace stampede
