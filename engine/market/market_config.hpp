#pragma once
// `market.` keys (declared in engine/config's common schema) -> MarketParams.
#include "engine/config/values.hpp"
#include "engine/market/params.hpp"

namespace stampede::market {

MarketParams read_market(const config::Values& values);

}  // namespace stampede::market
