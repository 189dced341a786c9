#pragma once
// Engine-level keys every scenario has (engine.md "Configuration", market.md "Defaults").
#include <string>
#include <vector>

#include "engine/config/schema.hpp"

namespace stampede::config {

// The shock kinds of market.md; a protocol may narrow them with
// schema.param("market.shocks").field("kind").choices = {...}.
const std::vector<std::string>& shock_kinds();

// Adds scenario, protocol (one of `protocols`), seed, paths, horizon, step, agents.count,
// agents.init.wealth, output.*, stop.*, market.* and their cross-key checks.
void add_common_keys(Schema& s, const std::vector<std::string>& protocols);

}  // namespace stampede::config
