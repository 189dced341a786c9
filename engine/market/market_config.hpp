#pragma once
// `market.` keys (declared in engine/config's common schema) -> MarketParams.
#include <string>

#include "engine/config/schema.hpp"
#include "engine/config/values.hpp"
#include "engine/market/params.hpp"

namespace stampede::market {

MarketParams read_market(const config::Values& values);

// For a protocol with one outside demand: a shock `target` (hokusai's `access`) is a config error
// naming the protocol.
void refuse_shock_targets(config::Schema& schema, const std::string& protocol);

}  // namespace stampede::market
