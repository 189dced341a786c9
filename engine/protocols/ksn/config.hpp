#pragma once
// The `ksn` protocol's scenario keys (ksn.md §3, §6, §8): declared into the schema (validation,
// defaults, `stampede list`) and read back into KsnParams, the behaviour and the market params.
#include "engine/config/schema.hpp"
#include "engine/config/values.hpp"
#include "engine/market/params.hpp"
#include "engine/protocols/ksn/behaviour.hpp"
#include "engine/protocols/ksn/params.hpp"

namespace stampede::ksn {

struct KsnScenario {
  KsnParams params;
  KsnBehaviour behaviour;
  market::MarketParams market;
};

void declare_ksn(config::Schema& schema);
KsnScenario read_ksn(const config::Values& values);

}  // namespace stampede::ksn
