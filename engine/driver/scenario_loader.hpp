#pragma once
// File -> validated Scenario: the common schema plus the named protocol's keys, `--set`
// overrides applied and checked the same way. Throws InputError listing every problem.
#include <string>
#include <vector>

#include "engine/driver/model.hpp"
#include "engine/driver/protocol.hpp"
#include "engine/config/load.hpp"
#include "engine/driver/scenario.hpp"

namespace stampede {

// `point`: a sweep point's overrides, applied after `overrides` and located in the file.
Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides,
                       const ProtocolRegistry& protocols, const std::vector<config::NodeOverride>& point = {});
Scenario load_scenario_text(const std::string& yaml, const std::string& source_name,
                            const std::vector<std::string>& overrides, const ProtocolRegistry& protocols);

// The time grid and seed every path of the scenario runs on.
RunShape run_shape(const Scenario& scenario);

// The typed engine-level part of a scenario from its resolved values.
Scenario scenario_from_values(std::shared_ptr<const config::Values> values, const std::string& file,
                              const ProtocolRegistry& protocols);

}  // namespace stampede
