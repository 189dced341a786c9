#pragma once
// The `kai` protocol's scenario keys (kai.md §3, §6, §8): declared into the schema (validation,
// defaults, `stampede list`) and read back into the plain parameter structs.
#include "engine/config/schema.hpp"
#include "engine/config/values.hpp"
#include "engine/market/params.hpp"
#include "engine/protocols/kai/behaviour.hpp"
#include "engine/protocols/kai/params.hpp"

namespace stampede::kai {

struct KaiScenario {
  KaiParams params;
  KaiMetricParams metrics;
  KaiBehaviour behaviour;
  market::MarketParams market;
};

void declare_kai(config::Schema& schema);
KaiScenario read_kai(const config::Values& values);

}  // namespace stampede::kai
