// `stampede validate | report | merge | list`.
#include <iostream>

#include "engine/cli/commands.hpp"
#include "engine/config/registry.hpp"
#include "engine/core/errors.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/output/merge.hpp"
#include "engine/output/results_file.hpp"
#include "engine/output/summary.hpp"

namespace stampede {

int command_validate(const std::string& file, const std::vector<std::string>& sets,
                     const ProtocolRegistry& protocols) {
  const Scenario s = load_scenario(file, sets, protocols);
  // Building the model runs the protocol's own consistency checks (initial state, ...).
  auto model = protocols.find(s.protocol)->build(s, ModelOptions{});
  std::cout << file << ": ok (" << s.protocol << ", " << s.paths << " paths x " << s.n_steps << " steps, "
            << model->agents_per_path() << " agents, " << model->bytes_per_agent() << " B per agent)\n";
  return kExitOk;
}

int command_report(const std::string& file, bool json) {
  const RunData data = read_results(file);
  const Summary summary = summarize(data);
  if (json) std::cout << summary_json(summary, data.meta) << "\n";
  else std::cout << summary_table(summary, data.meta);
  return kExitOk;
}

int command_merge(const std::vector<std::string>& inputs, const std::string& output) {
  std::vector<RunData> parts;
  for (const auto& f : inputs) parts.push_back(read_results(f));
  RunData merged = merge_runs(std::move(parts), inputs);
  write_results(output, merged);
  std::cout << "merged " << inputs.size() << " files (" << merged.paths.size() << " paths) into " << output
            << "\n";
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
